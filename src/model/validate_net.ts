/**
 * Address fields: CIDRs (a bare IP counts as a full-length CIDR), plain IP addresses and MAC
 * addresses. Values are checked, never rewritten: masking is the conversions' job.
 *
 * @module
 */
import { type CIDR, type IPAddr, type IPFamily, parseCIDR, parseIP } from "../lib/ip.ts";
import { asString, type DecodeContext, type ObjectReader } from "./json_reader.ts";

function familyName(family: IPFamily | undefined): string {
  return family === undefined ? "IP" : `IPv${family}`;
}

/** Parses a CIDR or bare IP, recording `"x" is not a valid CIDR` (or IPv4/IPv6 CIDR). */
export function checkCIDR(
  ctx: DecodeContext,
  path: string,
  text: string,
  family?: IPFamily,
): CIDR | undefined {
  const cidr = parseCIDR(text);
  if (cidr !== undefined && (family === undefined || cidr.family === family)) return cidr;
  const what = family === undefined ? "CIDR" : `${familyName(family)} CIDR`;
  ctx.error(path, `${JSON.stringify(text)} is not a valid ${what}`);
  return undefined;
}

/** Parses a plain IP address (no prefix), recording `"x" is not a valid IP address`. */
export function checkIP(
  ctx: DecodeContext,
  path: string,
  text: string,
  family?: IPFamily,
): IPAddr | undefined {
  const ip = parseIP(text);
  if (ip !== undefined && (family === undefined || ip.family === family)) return ip;
  ctx.error(path, `${JSON.stringify(text)} is not a valid ${familyName(family)} address`);
  return undefined;
}

/** A string list field whose entries were parsed as CIDRs (invalid ones reported, left out). */
export interface CIDRList {
  readonly texts: string[];
  readonly parsed: readonly ParsedNet[];
}

/** One valid entry of a CIDR list, with where it was and how it was written. */
export interface ParsedNet {
  readonly path: string;
  readonly text: string;
  readonly cidr: CIDR;
}

/** Reads an optional list of CIDRs or bare IPs. */
export function readCIDRList(
  r: ObjectReader,
  key: string,
  max?: number,
  family?: IPFamily,
): CIDRList | undefined {
  const parsed: ParsedNet[] = [];
  const texts = r.list(key, (ctx, path, value) => {
    const text = asString(ctx, path, value);
    if (text === undefined) return undefined;
    const cidr = checkCIDR(ctx, path, text, family);
    if (cidr !== undefined) parsed.push({ path, text, cidr });
    return text;
  }, max === undefined ? {} : { max });
  return texts === undefined ? undefined : { texts, parsed };
}

/** Reads an optional CIDR-or-IP string field. */
export function readCIDR(r: ObjectReader, key: string, family?: IPFamily): string | undefined {
  const text = r.string(key);
  if (text !== undefined) checkCIDR(r.ctx, r.at(key), text, family);
  return text;
}

/** Reads an optional plain IP address field. */
export function readIP(r: ObjectReader, key: string, family?: IPFamily): string | undefined {
  const text = r.string(key);
  if (text !== undefined) checkIP(r.ctx, r.at(key), text, family);
  return text;
}

/** Reads an optional list of plain IP addresses. */
export function readIPList(r: ObjectReader, key: string): string[] | undefined {
  return r.list(key, (ctx, path, value) => {
    const text = asString(ctx, path, value);
    if (text !== undefined) checkIP(ctx, path, text);
    return text;
  });
}

const MAC_COLON = /^[0-9a-fA-F]{2}(?:([:-])[0-9a-fA-F]{2})+$/;
const MAC_DOT = /^[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4})+$/;

/**
 * Whether `s` is a MAC address as Go's `net.ParseMAC` reads one: 6, 8 or 20 octets, written
 * with `:` or `-` between every octet, or as dot-separated groups of four hex digits.
 */
export function isMAC(s: string): boolean {
  let octets: number;
  if (MAC_COLON.test(s)) {
    const sep = s[2]!;
    if (s.split(sep).some((part) => part.length !== 2)) return false;
    octets = (s.length + 1) / 3;
  } else if (MAC_DOT.test(s)) {
    octets = ((s.length + 1) / 5) * 2;
  } else {
    return false;
  }
  return octets === 6 || octets === 8 || octets === 20;
}

/** Reads an optional MAC address field. */
export function readMAC(r: ObjectReader, key: string): string | undefined {
  const text = r.string(key);
  if (text !== undefined && !isMAC(text)) {
    r.ctx.error(r.at(key), `${JSON.stringify(text)} is not a valid MAC address`);
  }
  return text;
}
