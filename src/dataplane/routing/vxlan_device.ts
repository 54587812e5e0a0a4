/**
 * The VXLAN device reconciler (reference/bpf-routing.md §6.5): create `vxlan.calico` (or
 * `vxlan-v6.calico`) when missing, delete and recreate it when an existing device differs in a
 * way that cannot be changed in place (kind, VNI, parent, local address, port, MAC, flow-based
 * mode), set its MTU, keep exactly the tunnel address on it, and set it up.
 *
 * @module
 */
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import { createdLink, ensureDeviceSettings, findLink } from "./link_device.ts";
import { ERRNO, errnoOf, type LinkMsg, type NetlinkHandle } from "./netlink_handle.ts";
import type { VxlanDeviceSpec } from "./tunnel_renderer.ts";

/** What one sync changed. */
export interface VxlanSyncResult {
  /** `created`, `recreated (<reason>)`, `mtu`, `addresses`, `up`. */
  readonly changes: readonly string[];
  readonly index: number;
}

/** Why `link` cannot serve as `spec`'s device, or undefined when it can. */
export function vxlanMismatch(link: LinkMsg, spec: VxlanDeviceSpec): string | undefined {
  const v = link.vxlan;
  if (link.kind !== "vxlan" || v === undefined) return `kind is "${link.kind ?? "unknown"}"`;
  if (v.collectMetadata === true) return "device is flow-based";
  if (v.vni !== spec.vni) return `VNI is ${v.vni}, want ${spec.vni}`;
  if (v.parentIndex !== spec.parentIndex) {
    return `parent is link #${v.parentIndex}, want #${spec.parentIndex}`;
  }
  if (v.local !== spec.localIP) return `local address is ${v.local}, want ${spec.localIP}`;
  if (v.port !== spec.port) return `port is ${v.port}, want ${spec.port}`;
  if (link.mac !== undefined && link.mac !== spec.mac) {
    return `MAC is ${link.mac}, want ${spec.mac}`;
  }
  return undefined;
}

/** Keeps one VXLAN device as its spec says. */
export class VxlanDeviceReconciler {
  readonly #nl: NetlinkHandle;
  readonly #log: Log;

  constructor(options: { readonly netlink: NetlinkHandle; readonly log?: Log }) {
    this.#nl = options.netlink;
    this.#log = options.log ?? NULL_LOG;
  }

  /** Bring the device in line with `spec`. */
  sync(spec: VxlanDeviceSpec): VxlanSyncResult {
    const changes: string[] = [];
    let link = findLink(this.#nl, spec.name);
    const mismatch = link === undefined ? undefined : vxlanMismatch(link, spec);
    if (link !== undefined && mismatch !== undefined) {
      this.#log.info("Recreating the VXLAN device", { device: spec.name, reason: mismatch });
      this.#delete(link);
      changes.push(`recreated (${mismatch})`);
      link = undefined;
    }
    if (link === undefined) {
      this.#create(spec);
      if (changes.length === 0) changes.push("created");
      link = createdLink(this.#nl, spec.name, "VXLAN device");
    }
    changes.push(...ensureDeviceSettings(this.#nl, link, spec));
    if (changes.length > 0) {
      this.#log.info("Programmed the VXLAN device", { device: spec.name, changes });
    }
    return { changes, index: link.index };
  }

  #create(spec: VxlanDeviceSpec): void {
    try {
      this.#nl.exec({
        action: "add",
        obj: {
          kind: "link",
          link: {
            index: 0,
            flags: 0,
            name: spec.name,
            mac: spec.mac,
            ...(spec.mtu > 0 ? { mtu: spec.mtu } : {}),
            kind: "vxlan",
            vxlan: {
              vni: spec.vni,
              parentIndex: spec.parentIndex,
              local: spec.localIP,
              port: spec.port,
              learning: false,
            },
          },
        },
      });
    } catch (e) {
      if (errnoOf(e) !== ERRNO.EEXIST) throw e;
    }
  }

  #delete(link: LinkMsg): void {
    this.#nl.exec({
      action: "delete",
      obj: { kind: "link", link: { index: link.index, flags: 0 } },
    });
  }

  /** Delete the device if it exists (VXLAN turned off); returns whether it did. */
  remove(name: string): boolean {
    const link = findLink(this.#nl, name);
    if (link === undefined) return false;
    this.#delete(link);
    this.#log.info("Removed the VXLAN device", { device: name });
    return true;
  }
}
