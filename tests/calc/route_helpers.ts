/**
 * Builders of the `RouteUpdate`s the route resolver sends, shared by its unit tests and the calc
 * FV scenarios: a route with upstream's zero values, the destination-node fields, tunnel types.
 *
 * @module
 */
import type { RouteUpdate } from "../../src/proto/messages.ts";

/** The fields of a route a test may set (all but `type` and `dst`). */
export type RouteFields = Partial<Omit<RouteUpdate, "type" | "dst">>;

/** `tunnelType` of a route through no tunnel, a VXLAN, an IPIP or a WireGuard address. */
export const NO_TUNNEL = { ipip: false, vxlan: false, wireguard: false } as const;
export const VXLAN_TUNNEL = { ...NO_TUNNEL, vxlan: true } as const;
export const IPIP_TUNNEL = { ...NO_TUNNEL, ipip: true } as const;
export const WIREGUARD_TUNNEL = { ...NO_TUNNEL, wireguard: true } as const;

/** A route to `dst` with upstream's zero values (a pool-less CIDR), overridden by `o`. */
export function route(dst: string, o: RouteFields = {}): RouteUpdate {
  return {
    type: "RouteUpdate",
    types: 0,
    ipPoolType: "none",
    dst,
    dstNodeName: "",
    dstNodeIp: "",
    sameSubnet: false,
    natOutgoing: false,
    localWorkload: false,
    tunnelType: NO_TUNNEL,
    borrowed: false,
    ...o,
  };
}

/** The destination-node fields of a route. */
export type RouteNode = Pick<RouteUpdate, "dstNodeName" | "dstNodeIp">;

/** The destination-node fields of a route to `node` at `ip` ("" when the node is unknown). */
export function via(node: string, ip: string): RouteNode {
  return { dstNodeName: node, dstNodeIp: ip };
}

/** Routes keyed by destination, as the calc FV snapshot holds them. */
export function routesByDst(routes: readonly RouteUpdate[]): Record<string, RouteUpdate> {
  return Object.fromEntries(routes.map((r) => [r.dst, r]));
}
