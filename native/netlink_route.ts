/**
 * Route messages (`rtmsg` + `RTA_*`): encode and decode. Table ids above 255 travel in
 * `RTA_TABLE` (the header then says `RT_TABLE_COMPAT`); the decoded `table` is the full id. Pure.
 *
 * @module
 */
import { AttrSet, headerView, ipToBytes, NlWriter, present } from "./netlink_attrs.ts";
import { RT_TABLE, RTA, RTAX, SIZE } from "./netlink_consts.ts";

/** A route as netlink describes it. */
export interface RouteMsg {
  readonly family: number;
  readonly dstLen: number;
  readonly srcLen?: number;
  readonly tos?: number;
  readonly table: number;
  readonly protocol: number;
  readonly scope: number;
  /** `RTN_*`. */
  readonly type: number;
  /** `rtm_flags` (`RTNH_F_ONLINK`, ...). */
  readonly flags: number;
  readonly dst?: string;
  readonly src?: string;
  readonly gateway?: string;
  readonly oif?: number;
  readonly iif?: number;
  /** The metric. */
  readonly priority?: number;
  readonly prefsrc?: string;
  /** `RTAX_MTU` inside `RTA_METRICS`. */
  readonly mtu?: number;
}

/** The payload of a route message. */
export function encodeRoute(m: RouteMsg): Uint8Array<ArrayBuffer> {
  const w = new NlWriter();
  const hdrTable = m.table < 256 ? m.table : RT_TABLE.COMPAT;
  w.u8(m.family).u8(m.dstLen).u8(m.srcLen ?? 0).u8(m.tos ?? 0);
  w.u8(hdrTable).u8(m.protocol).u8(m.scope).u8(m.type).u32(m.flags);
  if (m.table !== RT_TABLE.UNSPEC) w.attrU32(RTA.TABLE, m.table);
  if (m.dst !== undefined) w.attr(RTA.DST, ipToBytes(m.dst));
  if (m.src !== undefined) w.attr(RTA.SRC, ipToBytes(m.src));
  if (m.iif !== undefined) w.attrU32(RTA.IIF, m.iif);
  if (m.oif !== undefined) w.attrU32(RTA.OIF, m.oif);
  if (m.gateway !== undefined) w.attr(RTA.GATEWAY, ipToBytes(m.gateway));
  if (m.priority !== undefined) w.attrU32(RTA.PRIORITY, m.priority);
  if (m.prefsrc !== undefined) w.attr(RTA.PREFSRC, ipToBytes(m.prefsrc));
  const mtu = m.mtu;
  if (mtu !== undefined) w.nest(RTA.METRICS, (n) => n.attrU32(RTAX.MTU, mtu));
  return w.finish();
}

/** Decode the payload of a route message. */
export function decodeRoute(payload: Uint8Array): RouteMsg {
  const v = headerView(payload, SIZE.RTMSG, "a route");
  const a = new AttrSet(payload.subarray(SIZE.RTMSG));
  return {
    family: v.getUint8(0),
    dstLen: v.getUint8(1),
    srcLen: v.getUint8(2),
    tos: v.getUint8(3),
    table: a.u32(RTA.TABLE) ?? v.getUint8(4),
    protocol: v.getUint8(5),
    scope: v.getUint8(6),
    type: v.getUint8(7),
    flags: v.getUint32(8, true),
    ...present({
      dst: a.ip(RTA.DST),
      src: a.ip(RTA.SRC),
      gateway: a.ip(RTA.GATEWAY),
      oif: a.u32(RTA.OIF),
      iif: a.u32(RTA.IIF),
      priority: a.u32(RTA.PRIORITY),
      prefsrc: a.ip(RTA.PREFSRC),
      mtu: a.nested(RTA.METRICS)?.u32(RTAX.MTU),
    }),
  };
}

/** `dst/dstLen` of a route, with the family's zero address for a default route. */
export function routeCIDR(m: RouteMsg): string {
  const zero = m.family === 10 ? "::" : "0.0.0.0";
  return `${m.dst ?? zero}/${m.dstLen}`;
}
