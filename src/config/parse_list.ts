/**
 * Parsers for names and lists: interface names and lists, port ranges, routing-table ranges,
 * `key=value` and `key=duration` lists.
 *
 * @module
 */
import { parseGoDuration } from "./go_duration.ts";
import type { IfaceMatcher, NumRange, ParseResult } from "./param_types.ts";
import { splitList } from "./parse_net.ts";
import { fail, ok, parseRegexp } from "./parse_scalar.ts";

/** A Linux interface name (or iptables wildcard): 1-15 of `a-zA-Z0-9:._+-`. */
export const IFACE_NAME = /^[a-zA-Z0-9:._+-]{1,15}$/;

/** Comma-separated interface names or prefixes. */
export function parseIfaceList(raw: string): ParseResult {
  const items = splitList(raw);
  const bad = items.find((s) => !IFACE_NAME.test(s));
  if (bad !== undefined) {
    return fail(`Expected interface names of 1-15 characters a-zA-Z0-9:._+-; "${bad}" is not one`);
  }
  return ok(items);
}

/** Comma-separated interface names or `/regex/` entries. */
export function parseIfaceMatchers(raw: string): ParseResult {
  const out: IfaceMatcher[] = [];
  for (const item of splitList(raw)) {
    if (item.length >= 2 && item.startsWith("/") && item.endsWith("/")) {
      const pattern = item.slice(1, -1);
      const re = parseRegexp(pattern);
      if (!re.ok) return fail(`Expected a valid /regex/; "${item}": ${re.reason}`);
      out.push({ kind: "regex", pattern });
    } else if (IFACE_NAME.test(item)) {
      out.push({ kind: "name", name: item });
    } else {
      return fail(`Expected interface names or /regex/ entries; "${item}" is neither`);
    }
  }
  return ok(out);
}

function rangeOf(text: string, sep: string): NumRange | undefined {
  const parts = text.split(sep);
  if (parts.length > 2 || parts.some((p) => !/^\d{1,10}$/.test(p))) return undefined;
  const min = Number(parts[0]);
  const max = Number(parts[1] ?? parts[0]);
  return min <= max ? { min, max } : undefined;
}

function portRangeOf(text: string): NumRange | undefined {
  const r = rangeOf(text, ":");
  return r !== undefined && r.max <= 65535 ? r : undefined;
}

/** `N` or `N:M`, ports 0-65535, N <= M. */
export function parsePortRange(raw: string): ParseResult {
  const r = portRangeOf(raw);
  return r === undefined ? fail("Expected a port or a port range N:M (0-65535, N <= M)") : ok(r);
}

/** Comma-separated port ranges. */
export function parsePortRangeList(raw: string): ParseResult {
  const out: NumRange[] = [];
  for (const item of splitList(raw)) {
    const r = portRangeOf(item);
    if (r === undefined) {
      return fail(`Expected a list of ports or N:M ranges; "${item}" is not one`);
    }
    out.push(r);
  }
  return ok(out);
}

/** Routing tables the kernel reserves (default, main, local); never handed out. */
export const RESERVED_ROUTE_TABLES: readonly number[] = [253, 254, 255];

/** `min-max` within 1-250 (the deprecated single route-table range). */
export function parseRouteTableRange(raw: string): ParseResult {
  const r = rangeOf(raw, "-");
  if (r === undefined || raw.indexOf("-") < 0 || r.min < 1 || r.max > 250) {
    return fail("Expected a range min-max within 1-250");
  }
  return ok(r);
}

/** How many usable tables a range holds (reserved ones excluded). */
export function usableTables(r: NumRange): number {
  const reserved = RESERVED_ROUTE_TABLES.filter((t) => t >= r.min && t <= r.max).length;
  return r.max - r.min + 1 - reserved;
}

/** Comma-separated `min-max` ranges (1..2^32-1), at most 65535 usable tables in total. */
export function parseRouteTableRanges(raw: string): ParseResult {
  const out: NumRange[] = [];
  for (const item of splitList(raw)) {
    const r = rangeOf(item, "-");
    if (r === undefined || !item.includes("-") || r.min < 1 || r.max > 0xffffffff) {
      return fail(`Expected a list of ranges min-max; "${item}" is not one`);
    }
    out.push(r);
  }
  const total = out.reduce((n, r) => n + usableTables(r), 0);
  if (total > 65535) return fail(`Expected at most 65535 routing tables in total, got ${total}`);
  return ok(out);
}

function keyValues(raw: string): Array<[string, string]> | string {
  const out: Array<[string, string]> = [];
  for (const item of splitList(raw)) {
    const eq = item.indexOf("=");
    const key = eq < 0 ? "" : item.slice(0, eq).trim();
    if (!/^\w+$/.test(key)) return `"${item}" is not key=value with a key of letters, digits and _`;
    out.push([key, item.slice(eq + 1).trim()]);
  }
  return out;
}

/** Comma-separated `key=value` pairs (keys `\w+`; a trailing comma is fine). */
export function parseKeyValueList(raw: string): ParseResult {
  const kvs = keyValues(raw);
  if (typeof kvs === "string") return fail(`Expected a list of key=value pairs: ${kvs}`);
  return ok(Object.fromEntries(kvs));
}

/** Comma-separated `key=duration` pairs with Go durations; values become seconds. */
export function parseKeyDurationList(raw: string): ParseResult {
  const kvs = keyValues(raw);
  if (typeof kvs === "string") return fail(`Expected a list of key=duration pairs: ${kvs}`);
  const out: Record<string, number> = {};
  for (const [k, v] of kvs) {
    const seconds = parseGoDuration(v);
    if (seconds === undefined) {
      return fail(
        `Expected a list of key=duration pairs: "${v}" for ${k} is not a duration such as 30s or 1m30s`,
      );
    }
    out[k] = seconds;
  }
  return ok(out);
}
