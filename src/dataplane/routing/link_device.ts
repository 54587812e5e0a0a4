/**
 * Steps shared by the tunnel device reconcilers: find a link, the link holding an address, the
 * host MTU, set MTU and up, and make a device's addresses exactly one tunnel address (IPv6
 * link-local kept).
 *
 * @module
 */
import { addrOf, familyOf } from "../../../native/netlink_codec.ts";
import { IFF } from "../../../native/netlink_consts.ts";
import { formatIP, parseIP } from "../../lib/ip.ts";
import { detectHostMTU, mtuIfacePattern } from "./mtu_renderer.ts";
import type { LinkMsg, NetlinkHandle } from "./netlink_handle.ts";

/** Whether a link is admin up and running (`IFF.UP` and `IFF.RUNNING`). */
export function isLinkUp(l: LinkMsg): boolean {
  return (l.flags & IFF.UP) !== 0 && (l.flags & IFF.RUNNING) !== 0;
}

/** The host MTU: the smallest MTU of the up links named as `ifacePattern` (`MTUIfacePattern`). */
export function hostMTU(nl: NetlinkHandle, ifacePattern: string): number {
  const links = nl.listLinks().map((l) => ({
    name: l.name ?? "",
    mtu: l.mtu ?? 0,
    up: isLinkUp(l),
  }));
  return detectHostMTU(links, mtuIfacePattern(ifacePattern));
}

/** The link named `name`, if any. */
export function findLink(nl: NetlinkHandle, name: string): LinkMsg | undefined {
  return nl.listLinks().find((l) => l.name === name);
}

/** The link holding address `ip` (any prefix length), if any. */
export function linkWithAddress(nl: NetlinkHandle, ip: string): LinkMsg | undefined {
  const want = parseIP(ip);
  if (want === undefined) return undefined;
  const canonical = formatIP(want);
  const addr = nl.listAddrs(familyOf(want.family)).find((a) => addrOf(a) === canonical);
  return addr === undefined ? undefined : nl.listLinks().find((l) => l.index === addr.index);
}

/** The link named `name`, which must exist now (just created); `what` names it in the error. */
export function createdLink(nl: NetlinkHandle, name: string, what: string): LinkMsg {
  const link = findLink(nl, name);
  if (link === undefined) throw new Error(`Cannot find ${what} "${name}" after creating it`);
  return link;
}

/** What `ensureDeviceSettings` changed. */
export type DeviceSettingChange = "mtu" | "addresses" | "up";

/**
 * Give a tunnel device its MTU (unless `mtu` is 0), exactly its tunnel address (`address`, ""
 * for none) and admin up; returns what changed, in that order.
 */
export function ensureDeviceSettings(
  nl: NetlinkHandle,
  link: LinkMsg,
  spec: { readonly mtu: number; readonly family: 4 | 6; readonly address: string },
): DeviceSettingChange[] {
  const changes: DeviceSettingChange[] = [];
  if (ensureMTU(nl, link, spec.mtu)) changes.push("mtu");
  if (ensureOnlyAddress(nl, link.index, spec.family, spec.address) > 0) changes.push("addresses");
  if (ensureUp(nl, link)) changes.push("up");
  return changes;
}

/** Set the MTU when it differs; returns whether it changed. */
export function ensureMTU(nl: NetlinkHandle, link: LinkMsg, mtu: number): boolean {
  if (mtu <= 0 || link.mtu === mtu) return false;
  nl.exec({ action: "set", obj: { kind: "link", link: { index: link.index, flags: 0, mtu } } });
  return true;
}

/** Set the link admin up when it is not; returns whether it changed. */
export function ensureUp(nl: NetlinkHandle, link: LinkMsg): boolean {
  if ((link.flags & IFF.UP) !== 0) return false;
  nl.exec({
    action: "set",
    obj: { kind: "link", link: { index: link.index, flags: IFF.UP, change: IFF.UP } },
  });
  return true;
}

function isLinkLocal6(ip: string): boolean {
  return /^fe[89ab]/i.test(ip);
}

/**
 * Make `address` (bare; "" for none) the link's only address of `family`, as a /32 or /128;
 * IPv6 link-local addresses stay. Returns the number of changes.
 */
export function ensureOnlyAddress(
  nl: NetlinkHandle,
  index: number,
  family: 4 | 6,
  address: string,
): number {
  const af = familyOf(family);
  const prefixLen = family === 4 ? 32 : 128;
  const want = address === "" ? undefined : parseIP(address);
  const wantText = want === undefined ? undefined : formatIP(want);
  let changes = 0;
  let present = false;
  for (const a of nl.listAddrs(af).filter((a) => a.index === index)) {
    const ip = addrOf(a) ?? "";
    if (ip === wantText && a.prefixLen === prefixLen) {
      present = true;
      continue;
    }
    if (family === 6 && isLinkLocal6(ip)) continue;
    nl.exec({ action: "delete", obj: { kind: "addr", addr: a } });
    changes++;
  }
  if (wantText !== undefined && !present) {
    nl.exec({
      action: "add",
      obj: {
        kind: "addr",
        addr: { family: af, prefixLen, index, local: wantText, address: wantText },
      },
    });
    changes++;
  }
  return changes;
}
