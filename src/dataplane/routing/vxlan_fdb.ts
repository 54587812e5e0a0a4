/**
 * The remote VTEPs' entries on a VXLAN device (reference/bpf-routing.md §6.5): per VTEP a
 * permanent neighbour `<tunnel IP> lladdr <MAC>` (ARP, or NDP for IPv6) and a permanent FDB entry
 * `<MAC> dst <node IP> self`. A resync (first apply, `markForResync`, the device recreated) lists
 * the device's permanent entries and removes the ones no VTEP wants; otherwise only what changed
 * since the last apply is written.
 *
 * @module
 */
import { ipFamilyOf } from "../../lib/ip.ts";
import { familyOf } from "../../../native/netlink_codec.ts";
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import { ERRNO, errnoOf, type NeighMsg, type NetlinkHandle } from "./netlink_handle.ts";
import type { VtepNeighbour } from "./tunnel_renderer.ts";

const AF_BRIDGE = 7;
const NUD_PERMANENT = 0x80;
const NTF_SELF = 0x02;

/** What one apply did. */
export interface FdbApplyResult {
  readonly written: number;
  readonly deleted: number;
}

function isUnicastMAC(mac: string | undefined): boolean {
  if (mac === undefined) return false;
  const first = parseInt(mac.slice(0, 2), 16);
  return (first & 1) === 0 && mac !== "00:00:00:00:00:00";
}

/** Entries on one VXLAN device of one family. */
export class VtepNeighbourTable {
  readonly #nl: NetlinkHandle;
  readonly #family: 4 | 6;
  readonly #log: Log;
  #wanted = new Map<string, VtepNeighbour>();
  /** Programmed ARP entries (tunnel IP -> MAC) and FDB entries (MAC -> node IP). */
  #arp = new Map<string, string>();
  #fdb = new Map<string, string>();
  #deviceIndex = 0;
  #resync = true;

  constructor(options: { netlink: NetlinkHandle; family: 4 | 6; log?: Log }) {
    this.#nl = options.netlink;
    this.#family = options.family;
    this.#log = options.log ?? NULL_LOG;
  }

  /** The VTEPs that should have entries. */
  setVteps(vteps: readonly VtepNeighbour[]): void {
    this.#wanted = new Map(vteps.map((v) => [v.node, v]));
  }

  markForResync(): void {
    this.#resync = true;
  }

  /** Write the entries on device `index`; a new index forces a resync. */
  apply(index: number): FdbApplyResult {
    if (index !== this.#deviceIndex) {
      this.#deviceIndex = index;
      this.#resync = true;
    }
    if (this.#resync) this.#read();
    const arpWant = new Map<string, string>();
    const fdbWant = new Map<string, string>();
    for (const v of this.#wanted.values()) {
      arpWant.set(v.tunnelIP, v.mac);
      fdbWant.set(v.mac, v.nodeIP);
    }
    let deleted = 0;
    let written = 0;
    for (const [ip, mac] of this.#arp) {
      if (arpWant.has(ip)) continue;
      this.#delete(this.#arpMsg(ip, mac));
      this.#arp.delete(ip);
      deleted++;
    }
    for (const [mac, dst] of this.#fdb) {
      if (fdbWant.get(mac) === dst) continue;
      this.#delete(this.#fdbMsg(mac, dst));
      this.#fdb.delete(mac);
      deleted++;
    }
    for (const [ip, mac] of arpWant) {
      if (this.#arp.get(ip) === mac) continue;
      this.#nl.exec({ action: "replace", obj: { kind: "neigh", neigh: this.#arpMsg(ip, mac) } });
      this.#arp.set(ip, mac);
      written++;
    }
    for (const [mac, dst] of fdbWant) {
      if (this.#fdb.get(mac) === dst) continue;
      this.#nl.exec({ action: "replace", obj: { kind: "neigh", neigh: this.#fdbMsg(mac, dst) } });
      this.#fdb.set(mac, dst);
      written++;
    }
    if (written + deleted > 0) {
      this.#log.info("Programmed VTEP entries", { family: this.#family, written, deleted });
    }
    return { written, deleted };
  }

  #read(): void {
    const af = familyOf(this.#family);
    const onDevice = (n: NeighMsg) =>
      n.index === this.#deviceIndex && (n.state & NUD_PERMANENT) !== 0 && n.dst !== undefined &&
      isUnicastMAC(n.lladdr);
    this.#arp = new Map(
      this.#nl.listNeighs(af).filter(onDevice).map((n) => [n.dst!, n.lladdr!]),
    );
    const fdbFamily = (n: NeighMsg) => ipFamilyOf(n.dst!) === this.#family;
    this.#fdb = new Map(
      this.#nl.listNeighs(AF_BRIDGE).filter((n) => onDevice(n) && fdbFamily(n))
        .map((n) => [n.lladdr!, n.dst!]),
    );
    this.#resync = false;
  }

  #arpMsg(ip: string, mac: string): NeighMsg {
    return {
      family: familyOf(this.#family),
      index: this.#deviceIndex,
      state: NUD_PERMANENT,
      flags: 0,
      dst: ip,
      lladdr: mac,
    };
  }

  #fdbMsg(mac: string, dst: string): NeighMsg {
    return {
      family: AF_BRIDGE,
      index: this.#deviceIndex,
      state: NUD_PERMANENT,
      flags: NTF_SELF,
      dst,
      lladdr: mac,
    };
  }

  #delete(neigh: NeighMsg): void {
    try {
      this.#nl.exec({ action: "delete", obj: { kind: "neigh", neigh } });
    } catch (e) {
      if (errnoOf(e) !== ERRNO.ENOENT) throw e;
    }
  }
}
