/**
 * IP addresses and CIDRs: parse, mask, format. IPv4 and IPv6 (RFC 4291 text forms, including an
 * embedded dotted quad); output follows RFC 5952 (lower case, longest zero run compressed).
 *
 * @module
 */

/** An address family. */
export type IPFamily = 4 | 6;

/** A parsed address: 4 or 16 bytes. */
export interface IPAddr {
  readonly family: IPFamily;
  readonly bytes: Uint8Array;
}

/** A parsed CIDR; `bytes` may have host bits set (see `maskCIDR`). */
export interface CIDR extends IPAddr {
  readonly prefix: number;
}

const V4_PART = /^(0|[1-9][0-9]{0,2})$/;

function parseV4(s: string): Uint8Array | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!V4_PART.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseHextets(s: string): number[] | undefined {
  if (s === "") return [];
  const out: number[] = [];
  for (const h of s.split(":")) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return undefined;
    out.push(parseInt(h, 16));
  }
  return out;
}

function parseV6(s: string): Uint8Array | undefined {
  if (s.includes("%")) return undefined;
  let text = s;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    text = text.slice(0, lastColon + 1) + "0";
    text = text.endsWith("::0") ? text.slice(0, -1) : text.slice(0, -2);
    if (text.endsWith(":") && !text.endsWith("::")) return undefined;
  }
  const halves = text.split("::");
  let words: number[];
  if (halves.length > 2) return undefined;
  if (halves.length === 2) {
    const head = parseHextets(halves[0]!);
    const rest = parseHextets(halves[1]!);
    if (head === undefined || rest === undefined) return undefined;
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) return undefined;
    words = [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
  } else {
    const all = parseHextets(text);
    if (all === undefined) return undefined;
    words = [...all, ...tail];
    if (words.length !== 8) return undefined;
  }
  if (words.length !== 8) return undefined;
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/**
 * The family of an address or CIDR in text form, without validating it: IPv6 text always has a
 * colon, IPv4 text never. For values that are parsed anyway, use the parsed `family`.
 */
export function ipFamilyOf(text: string): IPFamily {
  return text.includes(":") ? 6 : 4;
}

/** The address part of `addr/prefix`, or the whole text without one; surrounding space trimmed. */
export function bareIP(text: string): string {
  const slash = text.indexOf("/");
  return (slash < 0 ? text : text.slice(0, slash)).trim();
}

/** Parse an IPv4 or IPv6 address; undefined if it is not one. */
export function parseIP(s: string): IPAddr | undefined {
  if (ipFamilyOf(s) === 6) {
    const bytes = parseV6(s);
    return bytes === undefined ? undefined : { family: 6, bytes };
  }
  const bytes = parseV4(s);
  return bytes === undefined ? undefined : { family: 4, bytes };
}

/** Format an address in canonical text form. */
export function formatIP(addr: IPAddr): string {
  const b = addr.bytes;
  if (addr.family === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(":");
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/**
 * Parse `addr/prefix`, or a bare address when `allowBareIP` (then the prefix is the full
 * length). Host bits are kept; see `maskCIDR`.
 */
export function parseCIDR(s: string, allowBareIP = true): CIDR | undefined {
  const slash = s.indexOf("/");
  if (slash < 0) {
    if (!allowBareIP) return undefined;
    const ip = parseIP(s);
    return ip === undefined ? undefined : { ...ip, prefix: ip.family === 4 ? 32 : 128 };
  }
  const ip = parseIP(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (ip === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  return { ...ip, prefix };
}

/** Clear the host bits of a CIDR. */
export function maskCIDR(c: CIDR): CIDR {
  const bytes = new Uint8Array(c.bytes);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, c.prefix - 8 * i));
    bytes[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return { family: c.family, bytes, prefix: c.prefix };
}

/** Format a CIDR as `addr/prefix`. */
export function formatCIDR(c: CIDR): string {
  return `${formatIP(c)}/${c.prefix}`;
}

/**
 * Normalise a CIDR or bare IP to its masked network form (`10.1.2.3/8` -> `10.0.0.0/8`,
 * `10.0.0.1` -> `10.0.0.1/32`); undefined if it does not parse.
 */
export function normaliseCIDR(s: string): string | undefined {
  const c = parseCIDR(s.trim());
  return c === undefined ? undefined : formatCIDR(maskCIDR(c));
}

/** Whether `inner` lies entirely within `outer` (same family, longer or equal prefix). */
export function cidrContains(outer: CIDR, inner: CIDR): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const a = maskCIDR(outer).bytes;
  const b = maskCIDR({ ...inner, prefix: outer.prefix }).bytes;
  return a.every((x, i) => x === b[i]);
}
