/**
 * WireGuard's routing as Felix computes it (reference/bpf-routing.md §6.2-6.3): the device
 * (`wireguard.cali` / `wg-v6.cali`, listening port, MTU = WireGuard MTU or host MTU less 60/80),
 * a dedicated routing table reached through the rule `not fwmark M/M lookup T` at priority 99,
 * and in that table a `dev <wireguard device> scope link` route for every destination behind a
 * peer that has a public key (workload blocks and tunnel addresses, plus host addresses with
 * host encryption) and a `throw` route for every other known destination, so that it falls back
 * to the main table. Pure: the keys and peers themselves need generic netlink (not done here).
 *
 * @module
 */
import { ipFamilyOf, normaliseCIDR } from "../../lib/ip.ts";
import { RouteTypes, type RouteUpdate } from "../../proto/messages.ts";
import { encapMTU, MTU_OVERHEAD } from "./mtu_renderer.ts";
import type { ClassRoutes, RouteTarget } from "./routes_renderer.ts";

/** WireGuard settings from the configuration. */
export interface WireguardSettings {
  readonly family: 4 | 6;
  readonly hostname: string;
  /** `WireguardInterfaceName[V6]`. */
  readonly device: string;
  readonly listenPort: number;
  /** `WireguardMTU[V6]` (0 = host MTU less the overhead). */
  readonly mtu: number;
  readonly hostMTU: number;
  readonly hostEncryption: boolean;
  /** The routing table (first index of `RouteTableRanges`). */
  readonly table: number;
  readonly rulePriority: number;
  /** The mark bit that says "already encrypted" (from the mark mask). */
  readonly firewallMark: number;
}

/** The WireGuard device. */
export interface WireguardDeviceSpec {
  readonly name: string;
  readonly kind: "wireguard";
  readonly family: 4 | 6;
  readonly mtu: number;
  readonly listenPort: number;
  readonly firewallMark: number;
}

/** The policy-routing rule into the WireGuard table. */
export interface WireguardRule {
  readonly priority: number;
  readonly table: number;
  readonly mark: number;
  readonly mask: number;
  /** The rule matches packets *without* the mark. */
  readonly invert: true;
}

/** The device of one family. */
export function wireguardDeviceSpec(s: WireguardSettings): WireguardDeviceSpec {
  const overhead = s.family === 4 ? MTU_OVERHEAD.wireguard : MTU_OVERHEAD.wireguardV6;
  return {
    name: s.device,
    kind: "wireguard",
    family: s.family,
    mtu: encapMTU(s.hostMTU, s.mtu, overhead),
    listenPort: s.listenPort,
    firewallMark: s.firewallMark,
  };
}

/** The routing rule of one family. */
export function wireguardRule(s: WireguardSettings): WireguardRule {
  return {
    priority: s.rulePriority,
    table: s.table,
    mark: s.firewallMark,
    mask: s.firewallMark,
    invert: true,
  };
}

const REMOTE_BITS = RouteTypes.REMOTE_WORKLOAD | RouteTypes.REMOTE_TUNNEL;

function encrypts(r: RouteUpdate, s: WireguardSettings): boolean {
  const bits = s.hostEncryption ? REMOTE_BITS | RouteTypes.REMOTE_HOST : REMOTE_BITS;
  return (r.types & bits) !== 0;
}

/**
 * The WireGuard table's routes: `peers` names the nodes with a public key. Routes to a peer go
 * through the device; every other destination the calc graph knows gets a `throw`.
 */
export function wireguardRoutes(
  routes: Iterable<RouteUpdate>,
  peers: ReadonlySet<string>,
  s: WireguardSettings,
): ClassRoutes[] {
  const viaDevice: RouteTarget[] = [];
  const throws: RouteTarget[] = [];
  for (const r of routes) {
    const cidr = normaliseCIDR(r.dst);
    if (cidr === undefined || ipFamilyOf(cidr) !== s.family || r.types === 0) continue;
    const remote = r.dstNodeName !== "" && r.dstNodeName !== s.hostname;
    if (remote && encrypts(r, s) && peers.has(r.dstNodeName)) {
      viaDevice.push({ type: "link", cidr, protocol: 80 });
    } else {
      throws.push({ type: "throw", cidr, protocol: 80 });
    }
  }
  return [
    { cls: "wireguard", iface: s.device, targets: viaDevice },
    { cls: "wireguard", iface: "", targets: throws },
  ];
}
