/**
 * A node's host addresses as the routing side of the calc graph sees them, derived from the v3
 * Node passed through under `ResourceKey{Node}` (`reference/datastore-config.md` §1.2).
 *
 * Per family: the BGP address (`spec.bgp.ipv4Address` / `ipv6Address`, CIDR form only; a bare IP
 * there is ignored), else the first `InternalIP` of that family in `spec.addresses`, else the
 * first `ExternalIP`. Host bits are kept: `10.0.0.5/24` is IP `10.0.0.5` in subnet `10.0.0.0/24`.
 * A bare address from `spec.addresses` is its own /32 (or /128) subnet.
 *
 * @module
 */
import { type CIDR, cidrContains, formatIP, type IPFamily, parseCIDR, parseIP } from "../lib/ip.ts";
import type { Node } from "../model/v3_resources.ts";

/** One host address with the subnet it was configured in. */
export interface HostAddress {
  /** The bare address, canonical text (`10.0.0.5`). */
  readonly ip: string;
  /** Address and prefix with host bits kept (`10.0.0.5/24`). */
  readonly cidr: string;
  readonly subnet: CIDR;
}

/** A node's host addresses. */
export interface NodeHostAddresses {
  readonly v4: HostAddress | undefined;
  readonly v6: HostAddress | undefined;
  /** Every address of the node, both families, bare and de-duplicated: the chosen v4 and v6,
   * then each parsable entry of `spec.addresses`. */
  readonly all: readonly string[];
}

function fromCIDR(text: string | undefined, family: IPFamily, allowBare: boolean) {
  if (typeof text !== "string" || text === "") return undefined;
  const c = parseCIDR(text.trim(), allowBare);
  if (c === undefined || c.family !== family) return undefined;
  const ip = formatIP(c);
  return { ip, cidr: `${ip}/${c.prefix}`, subnet: c };
}

function fromAddresses(node: Node, family: IPFamily): HostAddress | undefined {
  const addrs = node.spec.addresses ?? [];
  for (const type of ["InternalIP", "ExternalIP"] as const) {
    for (const a of addrs) {
      if (a.type !== type) continue;
      const h = fromCIDR(a.address, family, true);
      if (h !== undefined) return h;
    }
  }
  return undefined;
}

function hostAddress(node: Node, family: IPFamily): HostAddress | undefined {
  const bgp = family === 4 ? node.spec.bgp?.ipv4Address : node.spec.bgp?.ipv6Address;
  return fromCIDR(bgp, family, false) ?? fromAddresses(node, family);
}

/** The host addresses of a node. */
export function nodeHostAddresses(node: Node): NodeHostAddresses {
  const v4 = hostAddress(node, 4);
  const v6 = hostAddress(node, 6);
  const all = new Set<string>();
  if (v4 !== undefined) all.add(v4.ip);
  if (v6 !== undefined) all.add(v6.ip);
  for (const a of node.spec.addresses ?? []) {
    const c = typeof a.address === "string" ? parseCIDR(a.address.trim()) : undefined;
    if (c !== undefined) all.add(formatIP(c));
  }
  return { v4, v6, all: [...all] };
}

/** The address of `family`, if any. */
export function addressOf(addrs: NodeHostAddresses, family: IPFamily): HostAddress | undefined {
  return family === 4 ? addrs.v4 : addrs.v6;
}

/** Whether `ip` (bare) lies in the subnet of `addr`. */
export function inSubnet(addr: HostAddress, ip: string): boolean {
  const parsed = parseIP(ip);
  if (parsed === undefined) return false;
  return cidrContains(addr.subnet, { ...parsed, prefix: parsed.family === 4 ? 32 : 128 });
}

/** Whether two address sets are the same (same chosen addresses and subnets, same list). */
export function sameHostAddresses(
  a: NodeHostAddresses | undefined,
  b: NodeHostAddresses | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.v4?.cidr === b.v4?.cidr && a.v6?.cidr === b.v6?.cidr &&
    a.all.length === b.all.length && a.all.every((x, i) => x === b.all[i]);
}

/** The Node carried by a pass-through resource value, if it is one. */
export function asNode(value: unknown): Node | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as { kind?: unknown; spec?: unknown };
  return v.kind === "Node" && typeof v.spec === "object" && v.spec !== null
    ? value as Node
    : undefined;
}
