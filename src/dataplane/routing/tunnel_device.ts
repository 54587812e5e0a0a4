/**
 * Simple tunnel devices (IPIP `tunl0`, WireGuard `wireguard.cali`): create the device of the
 * given kind when missing (EEXIST tolerated: the kernel makes `tunl0` itself when the ipip
 * module loads), set its MTU, keep exactly its tunnel address, set it up. A kernel without the
 * kind's module answers EOPNOTSUPP ("Unknown device type"), reported as `TunnelUnsupportedError`.
 *
 * @module
 */
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import {
  createdLink,
  type DeviceSettingChange,
  ensureDeviceSettings,
  findLink,
} from "./link_device.ts";
import { ERRNO, errnoOf, type NetlinkHandle } from "./netlink_handle.ts";

/** A simple tunnel device. */
export interface TunnelDeviceSpec {
  readonly name: string;
  /** The link kind (`ipip`, `wireguard`). */
  readonly kind: string;
  readonly family: 4 | 6;
  readonly mtu: number;
  /** The tunnel address ("" for none). */
  readonly address: string;
}

/** The kernel cannot create devices of this kind. */
export class TunnelUnsupportedError extends Error {
  readonly kind: string;
  constructor(name: string, kind: string) {
    super(
      `Cannot create ${kind} device "${name}": the kernel does not support "${kind}" links ` +
        `(load its module, or turn the encapsulation off)`,
    );
    this.name = "TunnelUnsupportedError";
    this.kind = kind;
  }
}

/** What one sync changed (`created`, `mtu`, `addresses`, `up`). */
export type TunnelChange = "created" | DeviceSettingChange;

/** Keeps one simple tunnel device as its spec says. */
export class TunnelDeviceReconciler {
  readonly #nl: NetlinkHandle;
  readonly #log: Log;

  constructor(options: { readonly netlink: NetlinkHandle; readonly log?: Log }) {
    this.#nl = options.netlink;
    this.#log = options.log ?? NULL_LOG;
  }

  sync(spec: TunnelDeviceSpec): TunnelChange[] {
    const changes: TunnelChange[] = [];
    let link = findLink(this.#nl, spec.name);
    if (link === undefined) {
      try {
        this.#nl.exec({
          action: "add",
          obj: { kind: "link", link: { index: 0, flags: 0, name: spec.name, kind: spec.kind } },
        });
        changes.push("created");
      } catch (e) {
        const errno = errnoOf(e);
        if (errno === ERRNO.EOPNOTSUPP) throw new TunnelUnsupportedError(spec.name, spec.kind);
        if (errno !== ERRNO.EEXIST) throw e;
      }
      link = createdLink(this.#nl, spec.name, "device");
    }
    changes.push(...ensureDeviceSettings(this.#nl, link, spec));
    if (changes.length > 0) {
      this.#log.info("Programmed the tunnel device", { device: spec.name, changes });
    }
    return changes;
  }
}
