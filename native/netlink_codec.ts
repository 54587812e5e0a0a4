/**
 * The rtnetlink codec's public face: typed messages for links, addresses, routes and neighbours,
 * one tagged union (`RtnlMessage`) to encode and decode whole messages, and the dump requests.
 * Pure: no FFI, so codec tests run without a kernel.
 *
 * @module
 */
import { type AddrMsg, decodeAddr, decodeNeigh, encodeAddr, encodeNeigh } from "./netlink_addr.ts";
import type { NeighMsg } from "./netlink_addr.ts";
import { AF, NLM_F, RTM } from "./netlink_consts.ts";
import { decodeLink, encodeLink, type LinkMsg } from "./netlink_link.ts";
import { encodeMessage, type NlMessage } from "./netlink_message.ts";
import { decodeRoute, encodeRoute, routeCIDR, type RouteMsg } from "./netlink_route.ts";

export { addrOf, decodeAddr, decodeNeigh, encodeAddr, encodeNeigh } from "./netlink_addr.ts";
export type { AddrMsg, NeighMsg } from "./netlink_addr.ts";
export { decodeLink, encodeLink } from "./netlink_link.ts";
export type { IpipInfo, LinkMsg, VxlanInfo } from "./netlink_link.ts";
export { decodeRoute, encodeRoute, routeCIDR } from "./netlink_route.ts";
export type { RouteMsg } from "./netlink_route.ts";
export {
  decodeError,
  decodeMessages,
  encodeError,
  encodeMessage,
  errnoName,
  NetlinkError,
} from "./netlink_message.ts";
export type { NlErrorInfo, NlMessage } from "./netlink_message.ts";

/** Whether a message creates/changes (`new`) or removes (`del`) its object. */
export type RtnlOp = "new" | "del";

/** One rtnetlink object. */
export type RtnlObject =
  | { readonly kind: "link"; readonly link: LinkMsg }
  | { readonly kind: "addr"; readonly addr: AddrMsg }
  | { readonly kind: "route"; readonly route: RouteMsg }
  | { readonly kind: "neigh"; readonly neigh: NeighMsg };

/** One rtnetlink object message: an object and whether it is new/changed or deleted. */
export type RtnlMessage = RtnlObject & { readonly op: RtnlOp };

/** The message types that create/change (`new`) and remove (`del`) each kind of object. */
const OBJECT_TYPES: Readonly<Record<RtnlObject["kind"], Readonly<Record<RtnlOp, number>>>> = {
  link: { new: RTM.NEWLINK, del: RTM.DELLINK },
  addr: { new: RTM.NEWADDR, del: RTM.DELADDR },
  route: { new: RTM.NEWROUTE, del: RTM.DELROUTE },
  neigh: { new: RTM.NEWNEIGH, del: RTM.DELNEIGH },
};

function decodeObject(kind: RtnlObject["kind"], payload: Uint8Array): RtnlObject {
  switch (kind) {
    case "link":
      return { kind, link: decodeLink(payload) };
    case "addr":
      return { kind, addr: decodeAddr(payload) };
    case "route":
      return { kind, route: decodeRoute(payload) };
    case "neigh":
      return { kind, neigh: decodeNeigh(payload) };
  }
}

function encodeObject(o: RtnlObject): Uint8Array {
  switch (o.kind) {
    case "link":
      return encodeLink(o.link);
    case "addr":
      return encodeAddr(o.addr);
    case "route":
      return encodeRoute(o.route);
    case "neigh":
      return encodeNeigh(o.neigh);
  }
}

/** Decode an rtnetlink object message; undefined for other types (DONE, ERROR, ...). */
export function decodeRtnl(m: NlMessage): RtnlMessage | undefined {
  for (const kind of Object.keys(OBJECT_TYPES) as RtnlObject["kind"][]) {
    const types = OBJECT_TYPES[kind];
    if (m.type === types.new || m.type === types.del) {
      return { ...decodeObject(kind, m.payload), op: m.type === types.new ? "new" : "del" };
    }
  }
  return undefined;
}

/** The message type and payload of an object message. */
export function rtnlPayload(msg: RtnlMessage): { type: number; payload: Uint8Array } {
  return { type: OBJECT_TYPES[msg.kind][msg.op], payload: encodeObject(msg) };
}

/** A whole object message (header included). */
export function encodeRtnl(msg: RtnlMessage, flags: number, seq: number): Uint8Array {
  const { type, payload } = rtnlPayload(msg);
  return encodeMessage(type, flags, seq, payload);
}

/** What a dump lists. */
export type DumpKind = "link" | "addr" | "route" | "neigh";

/** The type and payload of a dump request for `kind` in `family` (AF_UNSPEC for all). */
export function dumpRequest(kind: DumpKind, family: number): { type: number; payload: Uint8Array } {
  switch (kind) {
    case "link":
      return { type: RTM.GETLINK, payload: encodeLink({ family, index: 0, flags: 0 }) };
    case "addr":
      return { type: RTM.GETADDR, payload: encodeAddr({ family, prefixLen: 0, index: 0 }) };
    case "route":
      return {
        type: RTM.GETROUTE,
        payload: encodeRoute({
          family,
          dstLen: 0,
          table: 0,
          protocol: 0,
          scope: 0,
          type: 0,
          flags: 0,
        }),
      };
    case "neigh":
      return {
        type: RTM.GETNEIGH,
        payload: encodeNeigh({ family, index: 0, state: 0, flags: 0 }),
      };
  }
}

/** Flags of a dump request. */
export const DUMP_FLAGS = NLM_F.REQUEST | NLM_F.DUMP;

/** The family constant for an IP version. */
export function familyOf(version: 4 | 6): number {
  return version === 4 ? AF.INET : AF.INET6;
}

/** What a request does to its object: create (fail if it exists), create or replace, change
 * an existing link, delete. */
export type RtnlAction = "add" | "replace" | "set" | "delete";

/** One change request. */
export interface RtnlRequest {
  readonly action: RtnlAction;
  readonly obj: RtnlObject;
}

/** The message type, flags (without REQUEST/ACK) and payload of a change request. */
export function requestMessage(
  req: RtnlRequest,
): { type: number; flags: number; payload: Uint8Array } {
  const op: RtnlOp = req.action === "delete" ? "del" : "new";
  const { type, payload } = rtnlPayload({ ...req.obj, op } as RtnlMessage);
  const flags = req.action === "add"
    ? NLM_F.CREATE | NLM_F.EXCL
    : req.action === "replace"
    ? NLM_F.CREATE | NLM_F.REPLACE
    : 0;
  return { type, flags, payload };
}

/** A short description of a request for error messages: `replace route 10.0.0.0/24`. */
export function describeRequest(req: RtnlRequest): string {
  const o = req.obj;
  switch (o.kind) {
    case "link":
      return `${req.action} link "${o.link.name ?? `#${o.link.index}`}"`;
    case "addr":
      return `${req.action} address ${o.addr.local ?? o.addr.address}/${o.addr.prefixLen} on ` +
        `link #${o.addr.index}`;
    case "route":
      return `${req.action} route ${routeCIDR(o.route)} (table ${o.route.table})`;
    case "neigh":
      return `${req.action} neighbour ${o.neigh.dst ?? ""} ${o.neigh.lladdr ?? ""} on link ` +
        `#${o.neigh.index}`.replace(/ +/g, " ");
  }
}
