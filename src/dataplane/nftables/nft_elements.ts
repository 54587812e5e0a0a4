/**
 * Set and map elements as nft prints them, so that what we wrote and what we read back compare
 * equal: a full-length prefix is a bare address, addresses are canonical, protocol numbers are
 * names; and the overlap removal an interval set needs. Both run on every element of every
 * changed set, so the common forms (canonical IPv4 text, host addresses) take fast paths.
 *
 * @module
 */
import { formatIP, maskCIDR, parseCIDR, parseIP } from "../../lib/ip.ts";

const PROTO_NAMES: Readonly<Record<string, string>> = {
  "1": "icmp",
  "6": "tcp",
  "17": "udp",
  "58": "ipv6-icmp",
  "132": "sctp",
  "136": "udplite",
};

/** An IPv4 address in canonical text (no leading zeros), with an optional canonical prefix. */
const CANONICAL_V4 =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;

/** A word nft prints as it is: a protocol or service name, or a number (not an address). */
const PLAIN_WORD = /^(?:[A-Za-z][A-Za-z0-9_-]*|[0-9]+)$/;

function normaliseAtom(atom: string): string {
  const a = atom.trim();
  const named = PROTO_NAMES[a];
  if (named !== undefined) return named;
  if (PLAIN_WORD.test(a)) return a;
  if (CANONICAL_V4.test(a)) return a.endsWith("/32") ? a.slice(0, -3) : a;
  const dash = a.indexOf("-");
  if (dash > 0 && parseIP(a.slice(0, dash)) !== undefined) {
    return `${normaliseAtom(a.slice(0, dash))}-${normaliseAtom(a.slice(dash + 1))}`;
  }
  const c = parseCIDR(a);
  if (c === undefined) return a;
  const full = c.family === 4 ? 32 : 128;
  return c.prefix === full ? formatIP(c) : `${formatIP(c)}/${c.prefix}`;
}

/**
 * An element as nft prints it: a full-length prefix is a bare address, addresses are canonical,
 * protocol numbers are names, concatenations are joined with ` . `.
 */
export function normaliseElement(element: string): string {
  if (!element.includes(" . ")) return normaliseAtom(element);
  const atoms = element.split(" . ");
  let changed = false;
  for (let i = 0; i < atoms.length; i++) {
    const atom = atoms[i]!;
    const n = normaliseAtom(atom);
    if (n !== atom) {
      atoms[i] = n;
      changed = true;
    }
  }
  return changed ? atoms.join(" . ") : element;
}

/** A map key without quotes (`"cali1"` -> `cali1`). */
export function normaliseMapKey(key: string): string {
  const k = key.trim();
  return k.length >= 2 && k.startsWith('"') && k.endsWith('"') ? k.slice(1, -1) : k;
}

/** A verdict with single spaces (`goto  x` -> `goto x`). */
export function normaliseVerdict(verdict: string): string {
  return verdict.trim().split(/\s+/).join(" ");
}

/** One prefix element of an interval set. */
interface Prefix {
  readonly index: number;
  readonly family: 4 | 6;
  readonly prefix: number;
  /** IPv4: the address as an unsigned 32-bit number. */
  readonly v4: number;
  readonly bytes: Uint8Array;
}

/** A key naming the network of `p` cut to `length` bits (`length <= p.prefix`). */
function networkKey(p: Prefix, length: number): string {
  if (p.family === 4) return `4/${length}/${length === 0 ? 0 : p.v4 >>> (32 - length)}`;
  const masked = maskCIDR({ family: 6, bytes: p.bytes, prefix: length }).bytes;
  return `6/${length}/${masked.join(".")}`;
}

function parsePrefixes(elements: readonly string[]): Prefix[] {
  const out: Prefix[] = [];
  elements.forEach((e, index) => {
    if (e.includes(" . ")) return;
    const c = parseCIDR(e);
    if (c === undefined) return;
    const b = c.bytes;
    const v4 = c.family === 4 ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 : 0;
    out.push({ index, family: c.family, prefix: c.prefix, v4, bytes: b });
  });
  return out;
}

/**
 * An interval set refuses overlapping elements ("conflicting intervals specified"), so a prefix
 * covered by another element of the same set is dropped (of two equal networks, the first is
 * kept): the set matches the same addresses. Elements should be distinct. Costs one lookup per
 * element and distinct prefix length; a set of bare addresses (no `/`) is returned as it is.
 */
export function dropCoveredPrefixes(elements: readonly string[]): string[] {
  if (!elements.some((e) => e.includes("/"))) return [...elements];
  const prefixes = parsePrefixes(elements);
  if (prefixes.length < 2) return [...elements];
  const owner = new Map<string, number>();
  const lengths: Record<4 | 6, Set<number>> = { 4: new Set(), 6: new Set() };
  for (const p of prefixes) {
    const key = networkKey(p, p.prefix);
    if (!owner.has(key)) owner.set(key, p.index);
    lengths[p.family].add(p.prefix);
  }
  const sorted = {
    4: [...lengths[4]].sort((x, y) => x - y),
    6: [...lengths[6]].sort((x, y) => x - y),
  };
  const dropped = new Set<number>();
  for (const p of prefixes) {
    for (const length of sorted[p.family]) {
      if (length > p.prefix) break;
      const first = owner.get(networkKey(p, length));
      if (first === undefined) continue;
      if (length < p.prefix || first < p.index) dropped.add(p.index);
      break;
    }
  }
  return dropped.size === 0 ? [...elements] : elements.filter((_, i) => !dropped.has(i));
}
