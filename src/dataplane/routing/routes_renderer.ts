/**
 * The routes of one IP family, as route-table classes and targets, from what the calc graph sent
 * (reference/bpf-routing.md §6.3): local workload `/32`s through their interfaces, blackholes for
 * this node's blocks, remote blocks through the VXLAN device (or directly for CrossSubnet
 * same-subnet and no-encap pools), IPIP routes when Felix owns them, and remote VTEP addresses on
 * the VXLAN device. Pure: the route manager feeds the result to a `RouteTable`.
 *
 * @module
 */
import { ipFamilyOf, normaliseCIDR } from "../../lib/ip.ts";
import {
  RouteTypes,
  type RouteUpdate,
  type VXLANTunnelEndpointUpdate,
  type WorkloadEndpoint,
} from "../../proto/messages.ts";

/** Who wants a route; the lowest `ROUTE_CLASS_RANK` wins a CIDR several classes want. */
export type RouteClass =
  | "local-workload"
  | "wireguard"
  | "vxlan-same-subnet"
  | "vxlan-tunnel"
  | "ipip-same-subnet"
  | "ipip-tunnel"
  | "no-encap"
  | "blackhole";

/** Upstream's class order. */
export const ROUTE_CLASS_RANK: Readonly<Record<RouteClass, number>> = {
  "local-workload": 0,
  "wireguard": 1,
  "vxlan-same-subnet": 2,
  "vxlan-tunnel": 3,
  "ipip-same-subnet": 4,
  "ipip-tunnel": 5,
  "no-encap": 6,
  "blackhole": 7,
};

/**
 * How a target becomes a kernel route: `link` = unicast, scope link, no gateway (workload and
 * tunnel-host routes); `onlink` = unicast via a gateway with the onlink flag (VXLAN, IPIP,
 * no-encap); `gateway` = unicast via a gateway; the rest have no interface.
 */
export type TargetType = "link" | "onlink" | "gateway" | "blackhole" | "unreachable" | "throw";

/** Interface name of targets with no interface (blackhole, throw, unreachable). */
export const NO_IFACE = "";

/** One route a class wants, on the interface it is registered under. */
export interface RouteTarget {
  readonly type: TargetType;
  /** Canonical masked CIDR (`10.65.1.0/26`). */
  readonly cidr: string;
  readonly gateway?: string;
  /** Preferred source address. */
  readonly src?: string;
  /** Route protocol; the table's device route protocol when absent. */
  readonly protocol?: number;
  /** Metric; 0 when absent (IPv6: 1024, the kernel's default). */
  readonly metric?: number;
  readonly mtu?: number;
}

/** Felix's own route protocol. */
export const FELIX_PROTOCOL = 80;

/** `RTPROT_BOOT`, the default `DeviceRouteProtocol` (this pure module cannot import native/). */
const RTPROT_BOOT = 3;

/** `ProgramClusterRoutes`. */
export type ClusterRoutesMode = "Enabled" | "Disabled" | "EnabledIPIPOnly" | "EnabledNoEncapOnly";

/** Settings the renderer needs (from `ConfigValues`). */
export interface RouteSettings {
  readonly hostname: string;
  readonly deviceRouteProtocol: number;
  /** `IPv4NormalRoutePriority` / `IPv6NormalRoutePriority`. */
  readonly workloadMetric: number;
  /** `DeviceRouteSourceAddress[IPv6]`, "" for none. */
  readonly deviceRouteSourceAddress: string;
  readonly programClusterRoutes: ClusterRoutesMode;
  /** `vxlan.calico` or `vxlan-v6.calico`. */
  readonly vxlanDevice: string;
  /** `tunl0`. */
  readonly ipipDevice: string;
  /** Program floating-IP `/32`s like workload IPs (`FloatingIPs=Enabled`). */
  readonly floatingIPs: boolean;
}

/** A local workload as the renderer needs it. */
export type LocalWorkload = Pick<
  WorkloadEndpoint,
  "name" | "state" | "ipv4Nets" | "ipv6Nets" | "ipv4NAT" | "ipv6NAT"
>;

/** The state the routes come from. */
export interface RouteRenderInput {
  readonly family: 4 | 6;
  readonly settings: RouteSettings;
  readonly workloads: Iterable<LocalWorkload>;
  readonly routes: Iterable<RouteUpdate>;
  readonly vteps: ReadonlyMap<string, VXLANTunnelEndpointUpdate>;
  /** The interface holding this node's address (same-subnet and no-encap routes); if known. */
  readonly parentIface: string | undefined;
}

/** The targets one class wants through one interface. */
export interface ClassRoutes {
  readonly cls: RouteClass;
  readonly iface: string;
  readonly targets: readonly RouteTarget[];
}

/** The protocol of Felix-exclusive routes: 80, or the device route protocol when not 3. */
export function exclusiveProtocol(deviceRouteProtocol: number): number {
  return deviceRouteProtocol === RTPROT_BOOT ? FELIX_PROTOCOL : deviceRouteProtocol;
}

class Collector {
  readonly #byOwner = new Map<string, { cls: RouteClass; iface: string; targets: RouteTarget[] }>();

  add(cls: RouteClass, iface: string, t: RouteTarget): void {
    const k = `${cls}\u0000${iface}`;
    let e = this.#byOwner.get(k);
    if (e === undefined) this.#byOwner.set(k, e = { cls, iface, targets: [] });
    if (!e.targets.some((x) => x.cidr === t.cidr)) e.targets.push(t);
  }

  result(): ClassRoutes[] {
    return [...this.#byOwner.values()];
  }
}

function workloadRoutes(input: RouteRenderInput, out: Collector): void {
  const s = input.settings;
  for (const w of input.workloads) {
    if (w.state !== "active" && w.state !== "") continue;
    const nets = input.family === 4 ? w.ipv4Nets : w.ipv6Nets;
    const nats = !s.floatingIPs ? [] : (input.family === 4 ? w.ipv4NAT : w.ipv6NAT);
    for (const raw of [...nets, ...nats.map((n) => n.extIP)]) {
      const cidr = normaliseCIDR(raw);
      if (cidr === undefined || ipFamilyOf(cidr) !== input.family || w.name === "") continue;
      out.add("local-workload", w.name, {
        type: "link",
        cidr,
        protocol: s.deviceRouteProtocol,
        metric: s.workloadMetric,
        ...(s.deviceRouteSourceAddress === "" ? {} : { src: s.deviceRouteSourceAddress }),
      });
    }
  }
}

function owns(mode: ClusterRoutesMode, pool: RouteUpdate["ipPoolType"]): boolean {
  switch (pool) {
    case "vxlan":
      return true;
    case "ipip":
      return mode === "Enabled" || mode === "EnabledIPIPOnly";
    case "no-encap":
      return mode === "Enabled" || mode === "EnabledNoEncapOnly";
    case "none":
      return false;
  }
}

function vtepAddr(v: VXLANTunnelEndpointUpdate | undefined, family: 4 | 6): string {
  return v === undefined ? "" : family === 4 ? v.ipv4Addr : v.ipv6Addr;
}

function remoteRoute(r: RouteUpdate, cidr: string, input: RouteRenderInput, out: Collector): void {
  const s = input.settings;
  const excl = exclusiveProtocol(s.deviceRouteProtocol);
  const direct = (cls: RouteClass) => {
    if (input.parentIface === undefined || r.dstNodeIp === "") return;
    out.add(cls, input.parentIface, {
      type: "onlink",
      cidr,
      gateway: r.dstNodeIp,
      protocol: excl,
    });
  };
  if (r.ipPoolType === "vxlan") {
    const gw = vtepAddr(input.vteps.get(r.dstNodeName), input.family);
    if (gw === "") return;
    if (r.sameSubnet) return direct("vxlan-same-subnet");
    out.add("vxlan-tunnel", s.vxlanDevice, {
      type: "onlink",
      cidr,
      gateway: gw,
      protocol: s.deviceRouteProtocol,
    });
  } else if (r.ipPoolType === "ipip" && input.family === 4) {
    if (r.sameSubnet) return direct("ipip-same-subnet");
    if (r.dstNodeIp === "") return;
    out.add("ipip-tunnel", s.ipipDevice, {
      type: "onlink",
      cidr,
      gateway: r.dstNodeIp,
      protocol: excl,
    });
  } else if (r.ipPoolType === "no-encap") {
    direct("no-encap");
  }
}

function tunnelHostRoute(r: RouteUpdate, cidr: string, input: RouteRenderInput, out: Collector) {
  const gw = vtepAddr(input.vteps.get(r.dstNodeName), input.family);
  if (gw === "" || normaliseCIDR(gw) !== cidr) return;
  out.add("vxlan-tunnel", input.settings.vxlanDevice, {
    type: "link",
    cidr,
    protocol: input.settings.deviceRouteProtocol,
  });
}

function calcRoutes(input: RouteRenderInput, out: Collector): void {
  const s = input.settings;
  for (const r of input.routes) {
    const cidr = normaliseCIDR(r.dst);
    if (cidr === undefined || ipFamilyOf(cidr) !== input.family) continue;
    if (!owns(s.programClusterRoutes, r.ipPoolType)) continue;
    const local = r.dstNodeName === s.hostname;
    if ((r.types & RouteTypes.LOCAL_WORKLOAD) !== 0 && !r.localWorkload && local) {
      out.add("blackhole", NO_IFACE, {
        type: "blackhole",
        cidr,
        protocol: exclusiveProtocol(s.deviceRouteProtocol),
      });
    } else if ((r.types & RouteTypes.REMOTE_WORKLOAD) !== 0 && !local) {
      remoteRoute(r, cidr, input, out);
    } else if ((r.types & RouteTypes.REMOTE_TUNNEL) !== 0 && r.tunnelType.vxlan && !local) {
      tunnelHostRoute(r, cidr, input, out);
    }
  }
}

/** Every route class's targets for one family. */
export function renderRoutes(input: RouteRenderInput): ClassRoutes[] {
  const out = new Collector();
  workloadRoutes(input, out);
  calcRoutes(input, out);
  return out.result();
}
