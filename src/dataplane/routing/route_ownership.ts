/**
 * Which kernel routes a route table may change (reference/bpf-routing.md §6.3, STYLE rule 8).
 * A route is ours when its protocol is one of Felix's exclusive protocols (80, or the device
 * route protocol when that is not 3); when it leaves through a workload interface (every
 * protocol with `RemoveExternalRoutes`, else only 3 and 80); when it leaves through a device
 * Felix owns outright (`vxlan.calico`, `vxlan-v6.calico`); or when it is a BIRD route through
 * `tunl0` while Felix owns the IPIP routes. Kernel-made routes (protocol 2) and IPv6 link-local
 * and multicast routes are never ours. Pure.
 *
 * @module
 */
import { AF, RTPROT } from "../../../native/netlink_consts.ts";
import type { RouteMsg } from "./netlink_handle.ts";
import { MANAGED_RTN } from "./route_target.ts";
import { exclusiveProtocol, FELIX_PROTOCOL } from "./routes_renderer.ts";

/** The ownership settings of one table. */
export interface OwnershipRules {
  readonly deviceRouteProtocol: number;
  /** `InterfacePrefix` entries: names starting with one are workload interfaces. */
  readonly workloadPrefixes: readonly string[];
  readonly removeExternalRoutes: boolean;
  /** Devices whose every route is ours. */
  readonly exclusiveIfaces: readonly string[];
  /** Devices whose BIRD routes are ours (`tunl0` when Felix programs IPIP routes). */
  readonly birdIfaces: readonly string[];
}

/** The protocols that mark a route as Felix's wherever it points. */
function exclusiveProtocols(deviceRouteProtocol: number): ReadonlySet<number> {
  return new Set([FELIX_PROTOCOL, exclusiveProtocol(deviceRouteProtocol)]);
}

/** Whether `name` is a workload interface. */
export function isWorkloadIface(name: string, prefixes: readonly string[]): boolean {
  return name !== "" && prefixes.some((p) => p !== "" && name.startsWith(p));
}

function ignoredV6(r: RouteMsg): boolean {
  if (r.family !== AF.INET6 || r.dst === undefined) return false;
  const d = r.dst.toLowerCase();
  return /^fe[89ab]/.test(d) || d.startsWith("ff");
}

/** Whether the route (leaving through interface `ifname`, "" if none or unknown) is ours. */
export function isOwnedRoute(r: RouteMsg, ifname: string, rules: OwnershipRules): boolean {
  if (!MANAGED_RTN.has(r.type) || r.protocol === RTPROT.KERNEL || ignoredV6(r)) return false;
  if (exclusiveProtocols(rules.deviceRouteProtocol).has(r.protocol)) return true;
  if (ifname === "") return false;
  if (rules.exclusiveIfaces.includes(ifname)) return true;
  if (rules.birdIfaces.includes(ifname) && r.protocol === RTPROT.BIRD) return true;
  if (isWorkloadIface(ifname, rules.workloadPrefixes)) {
    return rules.removeExternalRoutes || r.protocol === RTPROT.BOOT ||
      r.protocol === FELIX_PROTOCOL;
  }
  return false;
}
