/**
 * Parsers for network values: addresses, CIDR lists, failsafe port lists, `host:port`
 * authorities and etcd URL lists.
 *
 * @module
 */
import { formatIP, normaliseCIDR, parseIP } from "../lib/ip.ts";
import type { ParseResult, ProtoPort } from "./param_types.ts";
import { fail, ok } from "./parse_scalar.ts";

/** Split a comma-separated list, trimming items and dropping empty ones. */
export function splitList(raw: string): string[] {
  return raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** An address of one family, returned in canonical form. */
export function parseAddress(raw: string, family: 4 | 6): ParseResult {
  const ip = parseIP(raw);
  if (ip === undefined || ip.family !== family) return fail(`Expected an IPv${family} address`);
  return ok(formatIP(ip));
}

/** Comma-separated CIDRs (a prefix length is required), each normalised. */
export function parseCIDRList(raw: string): ParseResult {
  const out: string[] = [];
  for (const item of splitList(raw)) {
    const cidr = item.includes("/") ? normaliseCIDR(item) : undefined;
    if (cidr === undefined) return fail(`Expected a list of CIDRs; "${item}" is not a CIDR`);
    out.push(cidr);
  }
  return ok(out);
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

type Parts = { readonly proto?: string; readonly net?: string; readonly port: string };

function splitProtoPort(item: string): Parts | undefined {
  const bracket = /^(?:([^:[\]]*):)?\[([^\]]*)\]:([^:]*)$/.exec(item);
  if (bracket !== null) {
    return bracket[1] === undefined
      ? { net: bracket[2]!, port: bracket[3]! }
      : { proto: bracket[1], net: bracket[2]!, port: bracket[3]! };
  }
  if (item.includes("[") || item.includes("]")) return undefined;
  const parts = item.split(":");
  if (parts.length === 1) return { port: parts[0]! };
  if (parts.length === 3) return { proto: parts[0]!, net: parts[1]!, port: parts[2]! };
  if (parts.length !== 2) return undefined;
  const [first, port] = parts as [string, string];
  return /^(tcp|udp)$/i.test(first) || parseIP(first.split("/")[0]!) === undefined
    ? { proto: first, port }
    : { net: first, port };
}

function parseProtoPort(item: string): ProtoPort | string {
  const parts = splitProtoPort(item);
  if (parts === undefined) return `"${item}" is not [tcp|udp:][cidr:]port (IPv6 CIDRs in [])`;
  const proto = (parts.proto ?? "tcp").toLowerCase();
  if (proto !== "tcp" && proto !== "udp") {
    return `"${item}" has protocol "${parts.proto}"; only tcp and udp are accepted`;
  }
  const port = parsePort(parts.port);
  if (port === undefined) return `"${item}" has port "${parts.port}"; expected 0-65535`;
  if (parts.net === undefined) return { protocol: proto, port };
  const net = normaliseCIDR(parts.net);
  if (net === undefined) return `"${item}" has network "${parts.net}"; expected a CIDR`;
  return { protocol: proto, net, port };
}

/** Comma-separated `[tcp|udp:][cidr:]port` entries; IPv6 CIDRs are written in brackets. */
export function parsePortList(raw: string): ParseResult {
  const out: ProtoPort[] = [];
  for (const item of splitList(raw)) {
    const pp = parseProtoPort(item);
    if (typeof pp === "string") return fail(`Expected a list of ports: ${pp}`);
    out.push(pp);
  }
  return ok(out);
}

const HOST = /^[a-zA-Z0-9_.-]+$/;

/** `host:port` where host is a name, an IPv4 address or a bracketed IPv6 address. */
export function parseHostPort(raw: string): ParseResult {
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(raw);
  const host = m?.[1];
  const hostOk = host !== undefined &&
    (host.startsWith("[") ? parseIP(host.slice(1, -1))?.family === 6 : HOST.test(host));
  if (m === null || !hostOk || parsePort(m[2]!) === undefined) {
    return fail("Expected host:port (IPv6 hosts in brackets, port 0-65535)");
  }
  return ok(raw);
}

function endpointProblem(u: URL): string | undefined {
  if (u.host === "") return "has no host";
  if (u.username !== "" || u.password !== "") return "has user information";
  if (u.pathname !== "" && u.pathname !== "/") return "has a path";
  if (u.search !== "" || u.hash !== "") return "has a query or fragment";
  return undefined;
}

/** Comma-separated `scheme://host[:port]` URLs, all with the same scheme. */
export function parseURLList(raw: string): ParseResult {
  const out: string[] = [];
  let scheme: string | undefined;
  for (const item of splitList(raw)) {
    let u: URL;
    try {
      u = new URL(item);
    } catch {
      return fail(`Expected a list of URLs; "${item}" is not a URL`);
    }
    const problem = endpointProblem(u);
    if (problem !== undefined) {
      return fail(`Expected a list of scheme://host:port URLs; "${item}" ${problem}`);
    }
    if (scheme !== undefined && u.protocol !== scheme) {
      return fail("Expected all URLs to use the same scheme");
    }
    scheme = u.protocol;
    out.push(`${u.protocol}//${u.host}`);
  }
  return ok(out);
}
