/**
 * Address messages (`ifaddrmsg` + `IFA_*`) and neighbour messages (`ndmsg` + `NDA_*`: ARP/NDP
 * entries and bridge FDB entries): encode and decode. Pure.
 *
 * @module
 */
import { AttrSet, headerView, ipToBytes, macToBytes, NlWriter, present } from "./netlink_attrs.ts";
import { IFA, NDA, SIZE } from "./netlink_consts.ts";

/** An interface address. */
export interface AddrMsg {
  readonly family: number;
  readonly prefixLen: number;
  readonly flags?: number;
  readonly scope?: number;
  readonly index: number;
  /** `IFA_ADDRESS` (the peer address on point-to-point links, else the address). */
  readonly address?: string;
  /** `IFA_LOCAL` (the local address). */
  readonly local?: string;
  readonly label?: string;
  readonly broadcast?: string;
}

/** The payload of an address message. */
export function encodeAddr(m: AddrMsg): Uint8Array<ArrayBuffer> {
  const w = new NlWriter();
  w.u8(m.family).u8(m.prefixLen).u8(m.flags ?? 0).u8(m.scope ?? 0).u32(m.index);
  if (m.address !== undefined) w.attr(IFA.ADDRESS, ipToBytes(m.address));
  if (m.local !== undefined) w.attr(IFA.LOCAL, ipToBytes(m.local));
  if (m.label !== undefined) w.attrString(IFA.LABEL, m.label);
  if (m.broadcast !== undefined) w.attr(IFA.BROADCAST, ipToBytes(m.broadcast));
  return w.finish();
}

/** Decode the payload of an address message. */
export function decodeAddr(payload: Uint8Array): AddrMsg {
  const v = headerView(payload, SIZE.IFADDRMSG, "an address");
  const a = new AttrSet(payload.subarray(SIZE.IFADDRMSG));
  return {
    family: v.getUint8(0),
    prefixLen: v.getUint8(1),
    flags: v.getUint8(2),
    scope: v.getUint8(3),
    index: v.getUint32(4, true),
    ...present({
      address: a.ip(IFA.ADDRESS),
      local: a.ip(IFA.LOCAL),
      label: a.string(IFA.LABEL),
      broadcast: a.ip(IFA.BROADCAST),
    }),
  };
}

/** The address an `AddrMsg` stands for: `IFA_LOCAL` if present, else `IFA_ADDRESS`. */
export function addrOf(m: AddrMsg): string | undefined {
  return m.local ?? m.address;
}

/** A neighbour (ARP/NDP, family inet/inet6) or FDB entry (family bridge). */
export interface NeighMsg {
  readonly family: number;
  readonly index: number;
  /** `NUD_*` bits. */
  readonly state: number;
  /** `NTF_*` bits. */
  readonly flags: number;
  readonly type?: number;
  /** The IP (neighbour) or the remote VTEP IP (FDB). */
  readonly dst?: string;
  readonly lladdr?: string;
  readonly vni?: number;
  readonly port?: number;
}

/** The payload of a neighbour message. */
export function encodeNeigh(m: NeighMsg): Uint8Array<ArrayBuffer> {
  const w = new NlWriter();
  w.u8(m.family).u8(0).u16(0).i32(m.index).u16(m.state).u8(m.flags).u8(m.type ?? 0);
  if (m.dst !== undefined) w.attr(NDA.DST, ipToBytes(m.dst));
  if (m.lladdr !== undefined) w.attr(NDA.LLADDR, macToBytes(m.lladdr));
  if (m.port !== undefined) w.attrBe16(NDA.PORT, m.port);
  if (m.vni !== undefined) w.attrU32(NDA.VNI, m.vni);
  return w.finish();
}

/** Decode the payload of a neighbour message. */
export function decodeNeigh(payload: Uint8Array): NeighMsg {
  const v = headerView(payload, SIZE.NDMSG, "a neighbour");
  const a = new AttrSet(payload.subarray(SIZE.NDMSG));
  return {
    family: v.getUint8(0),
    index: v.getInt32(4, true),
    state: v.getUint16(8, true),
    flags: v.getUint8(10),
    type: v.getUint8(11),
    ...present({
      dst: a.ip(NDA.DST),
      lladdr: a.mac(NDA.LLADDR),
      port: a.be16(NDA.PORT),
      vni: a.u32(NDA.VNI),
    }),
  };
}
