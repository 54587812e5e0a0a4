/**
 * What one endpoint or network set contributes to one IP set (`reference/selectors-policy.md`
 * §4.3, "Members"): the member strings exactly as they go on the wire.
 *
 * - Selector (NET) sets: an endpoint's addresses as `/32` / `/128` CIDRs; a network set's CIDRs as
 *   given, a `/0` split into two `/1`s (the dataplane cannot hold a zero-length prefix).
 * - Named-port sets: `<ip>,<proto>:<port>` for every endpoint address and every endpoint port
 *   whose name and protocol match the set's; the member's protocol is the endpoint port's.
 *   Network sets have no ports, so they never contribute.
 *
 * @module
 */
import { formatCIDR, formatIP, maskCIDR, parseCIDR } from "../lib/ip.ts";
import type { EndpointPort } from "../model/values.ts";
import type { NamedPortProtocol } from "./ip_set_ids.ts";

/** The contribution-relevant data of an endpoint (addresses) or network set (CIDRs). */
export type MemberSource =
  | {
    readonly kind: "endpoint";
    /** Canonical addresses, without prefix. */
    readonly addrs: readonly string[];
    readonly ports: readonly EndpointPort[];
  }
  | { readonly kind: "network-set"; readonly cidrs: readonly string[] };

/** The part of an IP set's definition that decides membership beyond its selector. */
export interface MemberFilter {
  readonly namedPort?: string;
  readonly namedPortProtocol?: NamedPortProtocol;
}

/** Protocol numbers of the named-port protocols (`any` is upstream's 255). */
const PROTOCOL_NUMBERS: Readonly<Record<NamedPortProtocol, number>> = {
  tcp: 6,
  udp: 17,
  sctp: 132,
  any: 255,
};

/** An endpoint's source: the address of each net (prefix ignored); unparsable nets are skipped. */
export function endpointSource(
  nets: readonly string[],
  ports: readonly EndpointPort[],
): MemberSource {
  const addrs: string[] = [];
  for (const net of nets) {
    const cidr = parseCIDR(net.trim());
    if (cidr !== undefined) addrs.push(formatIP(cidr));
  }
  return { kind: "endpoint", addrs, ports: ports.map((p) => ({ ...p })) };
}

/** A network set's source: masked CIDRs, a `/0` split in two; unparsable nets are skipped. */
export function networkSetSource(nets: readonly string[]): MemberSource {
  const cidrs: string[] = [];
  for (const net of nets) {
    const cidr = parseCIDR(net.trim());
    if (cidr === undefined) continue;
    if (cidr.prefix > 0) cidrs.push(formatCIDR(maskCIDR(cidr)));
    else if (cidr.family === 4) cidrs.push("0.0.0.0/1", "128.0.0.0/1");
    else cidrs.push("::/1", "8000::/1");
  }
  return { kind: "network-set", cidrs };
}

/** The members `source` contributes to a set with `filter` (with repeats if the input repeats). */
export function contribution(source: MemberSource, filter: MemberFilter): string[] {
  const { namedPort, namedPortProtocol } = filter;
  if (namedPort === undefined) {
    if (source.kind === "network-set") return [...source.cidrs];
    return source.addrs.map((a) => `${a}/${a.includes(":") ? 128 : 32}`);
  }
  if (source.kind === "network-set") return [];
  const out: string[] = [];
  for (const port of source.ports) {
    if (
      port.name !== namedPort || !portProtocolMatches(namedPortProtocol ?? "tcp", port.protocol)
    ) {
      continue;
    }
    const proto = memberProtocol(port.protocol);
    for (const addr of source.addrs) out.push(`${addr},${proto}:${port.port}`);
  }
  return out;
}

/**
 * Whether an endpoint port's protocol matches a named-port set's. A named protocol matches its
 * own name, and `any` matches every name; a numeric one matches only the set's protocol number
 * (0, "unspecified", matches only `any`).
 */
export function portProtocolMatches(set: NamedPortProtocol, port: string | number): boolean {
  if (typeof port === "number") return port === 0 ? set === "any" : port === PROTOCOL_NUMBERS[set];
  return set === "any" || port.toLowerCase() === set;
}

/** The protocol a named-port member carries: the endpoint port's, `udp`/`sctp` if so, else tcp. */
export function memberProtocol(port: string | number): "tcp" | "udp" | "sctp" {
  if (portProtocolMatches("udp", port)) return "udp";
  if (portProtocolMatches("sctp", port)) return "sctp";
  return "tcp";
}
