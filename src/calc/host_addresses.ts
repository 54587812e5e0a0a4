/**
 * A node's host addresses as the routing side of the calc graph sees them, derived from the v3
 * Node passed through under `ResourceKey{Node}` (`reference/datastore-config.md` §1.2).
 *
 * Per family, the address the model's `nodeHostIPs` chooses: the BGP address
 * (`spec.bgp.ipv4Address` / `ipv6Address`, CIDR form only; a bare IP there is ignored), else the first `InternalIP` of that
 * family in `spec.addresses`, else the first `ExternalIP`; none at all when `spec.bgp` is present
 * but entirely empty. Host bits are kept: `10.0.0.5/24` is IP `10.0.0.5` in subnet `10.0.0.0/24`.
 * A bare address from `spec.addresses` is its own /32 (or /128) subnet.
 *
 * @module
 */
import { type CIDR, cidrContains, formatIP, type IPFamily, parseCIDR, parseIP } from "../lib/ip.ts";
import { nodeHostIPs } from "../model/convert_node.ts";
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

function hostAddress(cidr: string | undefined): HostAddress | undefined {
  if (cidr === undefined) return undefined;
  const subnet = parseCIDR(cidr);
  return subnet === undefined ? undefined : { ip: formatIP(subnet), cidr, subnet };
}

/** The host addresses of a node. */
export function nodeHostAddresses(node: Node): NodeHostAddresses {
  const chosen = nodeHostIPs(node);
  const v4 = hostAddress(chosen.ipv4);
  const v6 = hostAddress(chosen.ipv6);
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
