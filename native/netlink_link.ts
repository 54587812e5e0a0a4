/**
 * Link messages (`ifinfomsg` + `IFLA_*`): encode and decode, with the link kinds Felix handles
 * (vxlan, veth peer, ipip, wireguard by kind only). Pure.
 *
 * @module
 */
import { AttrSet, headerView, ipToBytes, macToBytes, NlWriter, present } from "./netlink_attrs.ts";
import { IFLA, IFLA_INFO, IFLA_IPTUN, IFLA_VXLAN, SIZE, VETH_INFO_PEER } from "./netlink_consts.ts";

/** VXLAN link data (`IFLA_VXLAN_*`). */
export interface VxlanInfo {
  readonly vni?: number;
  /** The parent (underlay) link's index. */
  readonly parentIndex?: number;
  /** The local (source) address, v4 or v6. */
  readonly local?: string;
  /** UDP destination port. */
  readonly port?: number;
  readonly learning?: boolean;
  /** Flow-based ("external") device. */
  readonly collectMetadata?: boolean;
}

/** IPIP tunnel data (`IFLA_IPTUN_*`). */
export interface IpipInfo {
  readonly parentIndex?: number;
  readonly local?: string;
  readonly remote?: string;
}

/** A link as netlink describes it; absent fields were not in the message. */
export interface LinkMsg {
  readonly family?: number;
  readonly index: number;
  /** ARPHRD type. */
  readonly linkType?: number;
  readonly flags: number;
  readonly change?: number;
  readonly name?: string;
  readonly mtu?: number;
  readonly mac?: string;
  readonly operState?: number;
  readonly master?: number;
  /** `IFLA_LINK`: the peer or parent index. */
  readonly link?: number;
  readonly kind?: string;
  readonly vxlan?: VxlanInfo;
  readonly ipip?: IpipInfo;
  /** For creating a veth pair: the peer's name (and namespace fd). */
  readonly vethPeer?: { readonly name: string; readonly netnsFd?: number };
  /** Move the link to the namespace of this fd. */
  readonly netnsFd?: number;
}

function writeVxlan(w: NlWriter, v: VxlanInfo): void {
  if (v.vni !== undefined) w.attrU32(IFLA_VXLAN.ID, v.vni);
  if (v.parentIndex !== undefined) w.attrU32(IFLA_VXLAN.LINK, v.parentIndex);
  if (v.local !== undefined) {
    const b = ipToBytes(v.local);
    w.attr(b.length === 4 ? IFLA_VXLAN.LOCAL : IFLA_VXLAN.LOCAL6, b);
  }
  if (v.learning !== undefined) w.attrU8(IFLA_VXLAN.LEARNING, v.learning ? 1 : 0);
  if (v.port !== undefined) w.attrBe16(IFLA_VXLAN.PORT, v.port);
  if (v.collectMetadata !== undefined) {
    w.attrU8(IFLA_VXLAN.COLLECT_METADATA, v.collectMetadata ? 1 : 0);
  }
}

function writeIpip(w: NlWriter, v: IpipInfo): void {
  if (v.parentIndex !== undefined) w.attrU32(IFLA_IPTUN.LINK, v.parentIndex);
  if (v.local !== undefined) w.attr(IFLA_IPTUN.LOCAL, ipToBytes(v.local));
  if (v.remote !== undefined) w.attr(IFLA_IPTUN.REMOTE, ipToBytes(v.remote));
}

function writeHeader(w: NlWriter, m: Pick<LinkMsg, "family" | "linkType" | "index">): void {
  w.u8(m.family ?? 0).u8(0).u16(m.linkType ?? 0).i32(m.index);
}

function writeLinkInfo(w: NlWriter, m: LinkMsg): void {
  if (m.kind === undefined) return;
  const kind = m.kind;
  w.nest(IFLA.LINKINFO, (li) => {
    li.attrString(IFLA_INFO.KIND, kind);
    if (m.vxlan !== undefined) li.nest(IFLA_INFO.DATA, (d) => writeVxlan(d, m.vxlan!));
    if (m.ipip !== undefined) li.nest(IFLA_INFO.DATA, (d) => writeIpip(d, m.ipip!));
    const peer = m.vethPeer;
    if (peer !== undefined) {
      li.nest(IFLA_INFO.DATA, (d) =>
        d.nest(VETH_INFO_PEER, (p) => {
          writeHeader(p, { index: 0 });
          p.u32(0).u32(0);
          p.attrString(IFLA.IFNAME, peer.name);
          if (peer.netnsFd !== undefined) p.attrU32(IFLA.NET_NS_FD, peer.netnsFd);
        }));
    }
  });
}

/** The payload of a link message. */
export function encodeLink(m: LinkMsg): Uint8Array<ArrayBuffer> {
  const w = new NlWriter();
  writeHeader(w, m);
  w.u32(m.flags).u32(m.change ?? 0);
  if (m.mac !== undefined) w.attr(IFLA.ADDRESS, macToBytes(m.mac));
  if (m.name !== undefined) w.attrString(IFLA.IFNAME, m.name);
  if (m.mtu !== undefined) w.attrU32(IFLA.MTU, m.mtu);
  if (m.link !== undefined) w.attrU32(IFLA.LINK, m.link);
  if (m.master !== undefined) w.attrU32(IFLA.MASTER, m.master);
  if (m.operState !== undefined) w.attrU8(IFLA.OPERSTATE, m.operState);
  if (m.netnsFd !== undefined) w.attrU32(IFLA.NET_NS_FD, m.netnsFd);
  writeLinkInfo(w, m);
  return w.finish();
}

function readVxlan(a: AttrSet): VxlanInfo {
  return present({
    vni: a.u32(IFLA_VXLAN.ID),
    parentIndex: a.u32(IFLA_VXLAN.LINK),
    local: a.ip(IFLA_VXLAN.LOCAL) ?? a.ip(IFLA_VXLAN.LOCAL6),
    learning: a.bool(IFLA_VXLAN.LEARNING),
    port: a.be16(IFLA_VXLAN.PORT),
    collectMetadata: a.bool(IFLA_VXLAN.COLLECT_METADATA),
  });
}

function readIpip(a: AttrSet): IpipInfo {
  return present({
    parentIndex: a.u32(IFLA_IPTUN.LINK),
    local: a.ip(IFLA_IPTUN.LOCAL),
    remote: a.ip(IFLA_IPTUN.REMOTE),
  });
}

function readVethPeer(data: AttrSet): LinkMsg["vethPeer"] {
  const peer = data.raw(VETH_INFO_PEER);
  if (peer === undefined || peer.length < SIZE.IFINFOMSG) return undefined;
  const name = new AttrSet(peer.subarray(SIZE.IFINFOMSG)).string(IFLA.IFNAME);
  return name === undefined ? undefined : { name };
}

/** `IFLA_LINKINFO`: the kind, and the kind's data for vxlan, ipip and veth. */
function readLinkInfo(info: AttrSet): Pick<LinkMsg, "kind" | "vxlan" | "ipip" | "vethPeer"> {
  const kind = info.string(IFLA_INFO.KIND);
  if (kind === undefined) return {};
  const data = info.nested(IFLA_INFO.DATA);
  if (data === undefined) return { kind };
  return present({
    kind,
    vxlan: kind === "vxlan" ? readVxlan(data) : undefined,
    ipip: kind === "ipip" ? readIpip(data) : undefined,
    vethPeer: kind === "veth" ? readVethPeer(data) : undefined,
  });
}

/** Decode the payload of a link message. */
export function decodeLink(payload: Uint8Array): LinkMsg {
  const v = headerView(payload, SIZE.IFINFOMSG, "a link");
  const a = new AttrSet(payload.subarray(SIZE.IFINFOMSG));
  const info = a.nested(IFLA.LINKINFO);
  return {
    family: v.getUint8(0),
    linkType: v.getUint16(2, true),
    index: v.getInt32(4, true),
    flags: v.getUint32(8, true),
    change: v.getUint32(12, true),
    ...present({
      name: a.string(IFLA.IFNAME),
      mtu: a.u32(IFLA.MTU),
      mac: a.mac(IFLA.ADDRESS),
      operState: a.u8(IFLA.OPERSTATE),
      master: a.u32(IFLA.MASTER),
      link: a.u32(IFLA.LINK),
    }),
    ...(info === undefined ? {} : readLinkInfo(info)),
  };
}
