/**
 * Tunnel devices as Felix wants them (reference/bpf-routing.md §6.5): the VXLAN device of each
 * family from this node's VTEP (VNI, port, MAC, tunnel address, parent link and local address),
 * the remote VTEPs' neighbour and FDB entries, and the IPIP device `tunl0`. Pure.
 *
 * @module
 */
import { bareIP, normaliseCIDR } from "../../lib/ip.ts";
import { compareStrings } from "../../lib/order.ts";
import type { VXLANTunnelEndpointUpdate } from "../../proto/messages.ts";

/** The VXLAN device of each family. */
export const VXLAN_DEVICE: Readonly<Record<4 | 6, string>> = {
  4: "vxlan.calico",
  6: "vxlan-v6.calico",
};

/** The IPIP device (the kernel's fallback ipip tunnel). */
export const IPIP_DEVICE = "tunl0";

/** One family's VXLAN device. */
export interface VxlanDeviceSpec {
  readonly family: 4 | 6;
  readonly name: string;
  readonly vni: number;
  readonly port: number;
  readonly mac: string;
  readonly mtu: number;
  /** This node's tunnel address, the device's only address (/32 or /128). */
  readonly address: string;
  /** Underlay source address. */
  readonly localIP: string;
  /** The link holding `localIP`. */
  readonly parentIndex: number;
}

/** VXLAN settings from the configuration. */
export interface VxlanSettings {
  readonly vni: number;
  readonly port: number;
  readonly mtu: number;
}

/** The VTEP fields of one family. */
export function vtepFields(
  v: VXLANTunnelEndpointUpdate,
  family: 4 | 6,
): { mac: string; tunnelIP: string; nodeIP: string } {
  return family === 4
    ? { mac: v.mac, tunnelIP: bareIP(v.ipv4Addr), nodeIP: bareIP(v.parentDeviceIp) }
    : { mac: v.macV6, tunnelIP: bareIP(v.ipv6Addr), nodeIP: bareIP(v.parentDeviceIpv6) };
}

/** This node's VXLAN device, or undefined while its VTEP lacks this family. */
export function vxlanDeviceSpec(
  own: VXLANTunnelEndpointUpdate | undefined,
  family: 4 | 6,
  parentIndex: number,
  settings: VxlanSettings,
): VxlanDeviceSpec | undefined {
  if (own === undefined) return undefined;
  const f = vtepFields(own, family);
  if (f.mac === "" || f.tunnelIP === "" || f.nodeIP === "") return undefined;
  return {
    family,
    name: VXLAN_DEVICE[family],
    vni: settings.vni,
    port: settings.port,
    mac: f.mac.toLowerCase(),
    mtu: settings.mtu,
    address: f.tunnelIP,
    localIP: f.nodeIP,
    parentIndex,
  };
}

/** A remote VTEP as neighbour (`tunnelIP lladdr mac`) and FDB (`mac dst nodeIP`) entries. */
export interface VtepNeighbour {
  readonly node: string;
  readonly mac: string;
  readonly tunnelIP: string;
  readonly nodeIP: string;
}

/** The remote VTEPs of one family, complete ones only, sorted by node. */
export function remoteVteps(
  vteps: ReadonlyMap<string, VXLANTunnelEndpointUpdate>,
  hostname: string,
  family: 4 | 6,
): VtepNeighbour[] {
  const out: VtepNeighbour[] = [];
  for (const [node, v] of vteps) {
    if (node === hostname) continue;
    const f = vtepFields(v, family);
    if (f.mac === "" || f.tunnelIP === "" || f.nodeIP === "") continue;
    if (normaliseCIDR(f.tunnelIP) === undefined || normaliseCIDR(f.nodeIP) === undefined) continue;
    out.push({ node, mac: f.mac.toLowerCase(), tunnelIP: f.tunnelIP, nodeIP: f.nodeIP });
  }
  return out.sort((a, b) => compareStrings(a.node, b.node));
}

/** The IPIP device. */
export interface IpipDeviceSpec {
  readonly name: string;
  readonly mtu: number;
  /** `IpInIpTunnelAddr`, "" for none. */
  readonly address: string;
}

/** `tunl0` with the IPIP MTU and this node's IPIP tunnel address. */
export function ipipDeviceSpec(tunnelAddr: string, mtu: number): IpipDeviceSpec {
  return { name: IPIP_DEVICE, mtu, address: bareIP(tunnelAddr) };
}
