/**
 * Route targets (`routes_renderer.ts`) as kernel routes: translation into netlink route
 * messages, the key a table knows a route by, and the comparison that decides whether a kernel
 * route already is the wanted one (reference/bpf-routing.md §6.4).
 *
 * @module
 */
import { familyOf } from "../../../native/netlink_codec.ts";
import { RT_SCOPE, RTN, RTNH_F } from "../../../native/netlink_consts.ts";
import { formatIP, parseCIDR } from "../../lib/ip.ts";
import type { RouteMsg } from "./netlink_handle.ts";
import type { RouteTarget, TargetType } from "./routes_renderer.ts";

const RTN_OF: Readonly<Record<TargetType, number>> = {
  link: RTN.UNICAST,
  onlink: RTN.UNICAST,
  gateway: RTN.UNICAST,
  blackhole: RTN.BLACKHOLE,
  unreachable: RTN.UNREACHABLE,
  throw: RTN.THROW,
};

/** Kernel route types a table may own (unicast, blackhole, unreachable, prohibit, throw). */
export const MANAGED_RTN: ReadonlySet<number> = new Set([
  RTN.UNICAST,
  RTN.BLACKHOLE,
  RTN.UNREACHABLE,
  RTN.PROHIBIT,
  RTN.THROW,
]);

/** Whether a target type routes through an interface. */
export function needsIface(type: TargetType): boolean {
  return type === "link" || type === "onlink" || type === "gateway";
}

/** The metric the kernel reports for `metric` (IPv6 turns 0 into 1024). */
export function normalMetric(family: 4 | 6, metric: number | undefined): number {
  const m = metric ?? 0;
  return family === 6 && m === 0 ? 1024 : m;
}

/** The key of a route within one table: CIDR and metric. */
export function routeKey(cidr: string, metric: number): string {
  return `${cidr}|${metric}`;
}

/** Table-wide settings a target needs to become a kernel route. */
export interface TargetContext {
  readonly table: number;
  readonly deviceRouteProtocol: number;
}

/** The kernel route for `t` through interface index `oif` (0 for no interface). */
export function targetToRouteMsg(t: RouteTarget, oif: number, ctx: TargetContext): RouteMsg {
  const c = parseCIDR(t.cidr);
  if (c === undefined) throw new TypeError(`Cannot program route "${t.cidr}": not a CIDR`);
  const family = c.family;
  const withIface = needsIface(t.type);
  const msg: { -readonly [K in keyof RouteMsg]: RouteMsg[K] } = {
    family: familyOf(family),
    dstLen: c.prefix,
    tos: 0,
    table: ctx.table,
    protocol: t.protocol ?? ctx.deviceRouteProtocol,
    scope: t.type === "link" ? RT_SCOPE.LINK : RT_SCOPE.UNIVERSE,
    type: RTN_OF[t.type],
    flags: t.type === "onlink" ? RTNH_F.ONLINK : 0,
    dst: formatIP(c),
    priority: normalMetric(family, t.metric),
  };
  if (withIface) msg.oif = oif;
  if (t.gateway !== undefined && withIface) msg.gateway = t.gateway;
  if (t.src !== undefined) msg.prefsrc = t.src;
  if (t.mtu !== undefined && t.mtu > 0) msg.mtu = t.mtu;
  return msg;
}

/**
 * Whether a kernel route already is the desired one. Flags other than onlink, and the kernel's
 * extra attributes (cache info, IPv6 preference), are not compared.
 */
export function sameRoute(kernel: RouteMsg, want: RouteMsg): boolean {
  // IPv6 routes have no scope, and IPv6 blackholes report `dev lo`: neither is compared.
  const v6 = want.family === 10;
  return kernel.type === want.type && kernel.protocol === want.protocol &&
    (v6 || kernel.scope === want.scope) && (kernel.flags & 4) === (want.flags & 4) &&
    (kernel.tos ?? 0) === (want.tos ?? 0) && kernel.gateway === want.gateway &&
    (want.oif === undefined || kernel.oif === want.oif) && kernel.prefsrc === want.prefsrc &&
    (kernel.mtu ?? 0) === (want.mtu ?? 0) &&
    normalMetric(kernel.family === 10 ? 6 : 4, kernel.priority) ===
      normalMetric(want.family === 10 ? 6 : 4, want.priority);
}

/** `ip route` style text of a route, for logs and test failures. */
export function describeRoute(r: RouteMsg, ifname?: string): string {
  const types: Readonly<Record<number, string>> = {
    6: "blackhole ",
    7: "unreachable ",
    9: "throw ",
  };
  const parts = [`${types[r.type] ?? ""}${r.dst ?? "default"}/${r.dstLen}`];
  if (r.gateway !== undefined) parts.push(`via ${r.gateway}`);
  if (r.oif !== undefined) parts.push(`dev ${ifname ?? `#${r.oif}`}`);
  if ((r.flags & 4) !== 0) parts.push("onlink");
  parts.push(`proto ${r.protocol}`);
  if (r.scope === 253) parts.push("scope link");
  if (r.prefsrc !== undefined) parts.push(`src ${r.prefsrc}`);
  if ((r.priority ?? 0) !== 0) parts.push(`metric ${r.priority}`);
  if (r.mtu !== undefined) parts.push(`mtu ${r.mtu}`);
  return parts.join(" ");
}
