/**
 * A map keyed by CIDR (IPv4 and IPv6) with the two prefix queries routing needs: the longest
 * stored prefix that contains a CIDR, and every stored CIDR inside a CIDR.
 *
 * Keys are normalised on the way in (as `normaliseCIDR` does) (`10.1.2.3/8` and `10.0.0.0/8` are the same key; a bare IP
 * is a /32 or /128); the canonical `addr/prefix` string is what iteration returns. Internally one
 * hash map per (family, prefix length), so a longest-prefix lookup costs one map read per prefix
 * length in use (real tables use a handful: pools, blocks, /32s).
 *
 * @module
 */
import { type CIDR, formatCIDR, type IPFamily, maskCIDR, parseCIDR } from "./ip.ts";

interface Entry<V> {
  readonly cidr: string;
  readonly value: V;
}

interface Parsed {
  readonly family: IPFamily;
  readonly prefix: number;
  readonly bits: bigint;
  readonly text: string;
}

function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function familyBits(family: IPFamily): number {
  return family === 4 ? 32 : 128;
}

function maskOf(family: IPFamily, prefix: number): bigint {
  const width = familyBits(family);
  return ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
}

function parse(cidr: string): Parsed | undefined {
  const c: CIDR | undefined = parseCIDR(cidr.trim());
  if (c === undefined) return undefined;
  const m = maskCIDR(c);
  return { family: m.family, prefix: m.prefix, bits: toBigInt(m.bytes), text: formatCIDR(m) };
}

/** A CIDR-keyed map with longest-prefix and containment queries. */
export class CidrMap<V> {
  /** family -> prefix length -> masked address bits -> entry. */
  readonly #tables = new Map<IPFamily, Map<number, Map<bigint, Entry<V>>>>([
    [4, new Map()],
    [6, new Map()],
  ]);
  /** family -> prefix lengths in use, longest first. */
  readonly #prefixes = new Map<IPFamily, number[]>([[4, []], [6, []]]);
  #size = 0;

  /** The number of stored CIDRs. */
  get size(): number {
    return this.#size;
  }

  /** The value stored under exactly `cidr`. */
  get(cidr: string): V | undefined {
    const p = parse(cidr);
    return p === undefined ? undefined : this.#table(p)?.get(p.bits)?.value;
  }

  /** Whether `cidr` is stored. */
  has(cidr: string): boolean {
    const p = parse(cidr);
    return p !== undefined && this.#table(p)?.has(p.bits) === true;
  }

  /** Store `value` under `cidr`; returns false (and stores nothing) if `cidr` does not parse. */
  set(cidr: string, value: V): boolean {
    const p = parse(cidr);
    if (p === undefined) return false;
    const byPrefix = this.#tables.get(p.family)!;
    let table = byPrefix.get(p.prefix);
    if (table === undefined) {
      byPrefix.set(p.prefix, table = new Map());
      const prefixes = this.#prefixes.get(p.family)!;
      prefixes.push(p.prefix);
      prefixes.sort((a, b) => b - a);
    }
    if (!table.has(p.bits)) this.#size++;
    table.set(p.bits, { cidr: p.text, value });
    return true;
  }

  /** Remove `cidr`; returns whether it was stored. */
  delete(cidr: string): boolean {
    const p = parse(cidr);
    if (p === undefined) return false;
    const byPrefix = this.#tables.get(p.family)!;
    const table = byPrefix.get(p.prefix);
    if (table === undefined || !table.delete(p.bits)) return false;
    this.#size--;
    if (table.size === 0) {
      byPrefix.delete(p.prefix);
      const prefixes = this.#prefixes.get(p.family)!;
      prefixes.splice(prefixes.indexOf(p.prefix), 1);
    }
    return true;
  }

  /** The longest stored CIDR that contains `cidr` (itself included), with its value. */
  longestMatch(cidr: string): [string, V] | undefined {
    const p = parse(cidr);
    if (p === undefined) return undefined;
    const byPrefix = this.#tables.get(p.family)!;
    for (const prefix of this.#prefixes.get(p.family)!) {
      if (prefix > p.prefix) continue;
      const e = byPrefix.get(prefix)?.get(p.bits & maskOf(p.family, prefix));
      if (e !== undefined) return [e.cidr, e.value];
    }
    return undefined;
  }

  /** Every stored CIDR inside `cidr` (itself included), with its value. */
  *within(cidr: string): IterableIterator<[string, V]> {
    const p = parse(cidr);
    if (p === undefined) return;
    const mask = maskOf(p.family, p.prefix);
    const byPrefix = this.#tables.get(p.family)!;
    for (const prefix of [...this.#prefixes.get(p.family)!]) {
      if (prefix < p.prefix) continue;
      const table = byPrefix.get(prefix)!;
      if (prefix === p.prefix) {
        const e = table.get(p.bits);
        if (e !== undefined) yield [e.cidr, e.value];
        continue;
      }
      for (const [bits, e] of [...table]) {
        if ((bits & mask) === p.bits) yield [e.cidr, e.value];
      }
    }
  }

  /** Every stored CIDR with its value (v4 first, then by prefix length, longest first). */
  *entries(): IterableIterator<[string, V]> {
    for (const family of [4, 6] as const) {
      const byPrefix = this.#tables.get(family)!;
      for (const prefix of [...this.#prefixes.get(family)!]) {
        for (const e of [...byPrefix.get(prefix)!.values()]) yield [e.cidr, e.value];
      }
    }
  }

  #table(p: Parsed): Map<bigint, Entry<V>> | undefined {
    return this.#tables.get(p.family)!.get(p.prefix);
  }
}
