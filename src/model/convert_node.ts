/**
 * Nodes: Kubernetes Node -> v3 Node (datastore-config.md §2.7), v3 Node -> the per-host tunnel
 * config keys, the passed-through `Resource` key and the WireGuard key (§1.2), and the host IPs
 * the calc graph derives from a node.
 *
 * @module
 */
import { formatCIDR, formatIP, parseCIDR, parseIP } from "../lib/ip.ts";
import type { HostConfigKey, ResourceKey, WireguardKey } from "./keys.ts";
import { kv, type KVUpdate } from "./kv.ts";
import type { Node } from "./v3_resources.ts";
import type { Wireguard } from "./values.ts";
import { type ConversionResult, opt, revisionOf } from "./convert_result.ts";
import { isMAC } from "./validate_net.ts";

/** The per-host config parameters a Node sets, in emission order. */
export const NODE_HOST_CONFIG_NAMES = [
  "IpInIpTunnelAddr",
  "IPv4VXLANTunnelAddr",
  "VXLANTunnelMACAddr",
  "IPv6VXLANTunnelAddr",
  "VXLANTunnelMACAddrV6",
] as const;

/**
 * A MAC as lower-case colon form: `net.ParseMAC`'s forms (`aa:bb:..`, `aa-bb-..`, `aabb.ccdd.eeff`,
 * see `isMAC`) of exactly 6 octets; undefined for anything else.
 */
export function normaliseMAC(s: string): string | undefined {
  if (!isMAC(s)) return undefined;
  const hex = s.replace(/[:.-]/g, "").toLowerCase();
  return hex.length === 12 ? hex.match(/../g)!.join(":") : undefined;
}

function ipOf(s: string | undefined, family: 4 | 6): string | undefined {
  const ip = s === undefined ? undefined : parseIP(s);
  return ip?.family === family ? formatIP(ip) : undefined;
}

function macOf(s: string | undefined): string | undefined {
  return s === undefined ? undefined : normaliseMAC(s);
}

/** The five tunnel parameters of a node: normalised text, or null when unset or unparsable. */
export function nodeHostConfig(
  node: Node,
): Readonly<Record<(typeof NODE_HOST_CONFIG_NAMES)[number], string | null>> {
  const s = node.spec;
  return {
    IpInIpTunnelAddr: ipOf(s.bgp?.ipv4IPIPTunnelAddr, 4) ?? null,
    IPv4VXLANTunnelAddr: ipOf(s.ipv4VXLANTunnelAddr, 4) ?? null,
    VXLANTunnelMACAddr: macOf(s.vxlanTunnelMACAddr) ?? null,
    IPv6VXLANTunnelAddr: ipOf(s.ipv6VXLANTunnelAddr, 6) ?? null,
    VXLANTunnelMACAddrV6: macOf(s.vxlanTunnelMACAddrV6) ?? null,
  };
}

/** A node's WireGuard data, or null when it has none. */
export function nodeWireguard(node: Node): Wireguard | null {
  const v4 = ipOf(node.spec.wireguard?.interfaceIPv4Address, 4);
  const v6 = ipOf(node.spec.wireguard?.interfaceIPv6Address, 6);
  const key = node.status?.wireguardPublicKey || undefined;
  const keyV6 = node.status?.wireguardPublicKeyV6 || undefined;
  if (v4 === undefined && v6 === undefined && key === undefined && keyV6 === undefined) return null;
  return {
    ...opt("interfaceIPv4Addr", v4),
    ...opt("publicKey", key),
    ...opt("interfaceIPv6Addr", v6),
    ...opt("publicKeyV6", keyV6),
  };
}

/** Every key a node owns: five HostConfig keys, the Resource key, the WireGuard key. */
export function nodeKeysOf(name: string): {
  readonly hostConfig: readonly HostConfigKey[];
  readonly resource: ResourceKey;
  readonly wireguard: WireguardKey;
} {
  return {
    hostConfig: NODE_HOST_CONFIG_NAMES.map((n) => ({
      kind: "HostConfig",
      hostname: name,
      name: n,
    })),
    resource: { kind: "Resource", resourceKind: "Node", namespace: "", name },
    wireguard: { kind: "Wireguard", nodeName: name },
  };
}

/**
 * v3 Node -> the five tunnel `HostConfig` keys (null value when unset), `Resource{Node}` with
 * the whole node, and `Wireguard` (null when the node has no WireGuard data).
 */
export function convertNode(node: Node): ConversionResult {
  const rev = revisionOf(node.metadata);
  const keys = nodeKeysOf(node.metadata.name);
  const config = nodeHostConfig(node);
  const updates: KVUpdate[] = keys.hostConfig.map((k) =>
    kv(k, config[k.name as keyof typeof config], rev)
  );
  updates.push(kv(keys.resource, node, rev));
  updates.push(kv(keys.wireguard, nodeWireguard(node), rev));
  return { updates, problems: [] };
}

/** A node's host addresses, CIDR form with host bits kept (`10.0.0.5/24`). */
export interface NodeHostIPs {
  readonly ipv4?: string;
  readonly ipv6?: string;
}

function cidrWithHostBits(s: string, family: 4 | 6, allowBare: boolean): string | undefined {
  const c = parseCIDR(s.trim(), allowBare);
  return c?.family === family ? formatCIDR(c) : undefined;
}

function hostIP(node: Node, family: 4 | 6): string | undefined {
  const bgp = family === 4 ? node.spec.bgp?.ipv4Address : node.spec.bgp?.ipv6Address;
  const fromBGP = bgp === undefined ? undefined : cidrWithHostBits(bgp, family, false);
  if (fromBGP !== undefined) return fromBGP;
  for (const type of ["InternalIP", "ExternalIP"] as const) {
    for (const a of node.spec.addresses ?? []) {
      if (a.type !== type) continue;
      const c = cidrWithHostBits(a.address, family, true);
      if (c !== undefined) return c;
    }
  }
  return undefined;
}

/**
 * The host IPv4/IPv6 of a node: the BGP address (CIDR form only; bare IPs are ignored), else the
 * first InternalIP, else the first ExternalIP of that family, host bits kept. A node whose
 * `spec.bgp` is present but entirely empty has none (it is treated like a deleted node).
 */
export function nodeHostIPs(node: Node): NodeHostIPs {
  const bgp = node.spec.bgp;
  if (bgp !== undefined && Object.values(bgp).every((v) => v === undefined || v === "")) return {};
  return { ...opt("ipv4", hostIP(node, 4)), ...opt("ipv6", hostIP(node, 6)) };
}
