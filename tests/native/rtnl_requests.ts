/**
 * The rtnetlink change requests the kernel tests and the capture script send: create a link,
 * set one up, replace a route.
 *
 * @module
 */
import type { LinkMsg, RouteMsg, RtnlRequest } from "../../native/netlink_codec.ts";
import { AF, IFF, RTN } from "../../native/netlink_consts.ts";

/** Create a link; the kernel picks its index. */
export function addLink(link: Omit<LinkMsg, "index" | "flags">): RtnlRequest {
  return { action: "add", obj: { kind: "link", link: { index: 0, flags: 0, ...link } } };
}

/** Set link `index` admin up. */
export function setUp(index: number): RtnlRequest {
  return {
    action: "set",
    obj: { kind: "link", link: { index, flags: IFF.UP, change: IFF.UP } },
  };
}

/** Replace a main-table IPv4 unicast /32 route; `r` names its protocol and scope, and more. */
export function replaceRoute(
  r: Pick<RouteMsg, "protocol" | "scope"> & Partial<RouteMsg>,
): RtnlRequest {
  const route: RouteMsg = {
    family: AF.INET,
    dstLen: 32,
    table: 254,
    type: RTN.UNICAST,
    flags: 0,
    ...r,
  };
  return { action: "replace", obj: { kind: "route", route } };
}
