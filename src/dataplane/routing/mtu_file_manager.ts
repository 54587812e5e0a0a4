/**
 * Writes the pod MTU where the CNI plugin reads it (`/var/lib/calico/mtu` upstream; the path is
 * an option), after in-sync and whenever the enabled encapsulations change: the smallest MTU of
 * the enabled encapsulations, else the host MTU (`mtu_renderer.ts`). The file is rewritten only
 * when its content differs.
 *
 * @module
 */
import { dirname } from "node:path";
import type { ConfigValues } from "../../config/config_values.ts";
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import type { EncapsulationUpdate, ToDataplane } from "../../proto/messages.ts";
import type { Manager } from "../linux/manager.ts";
import { hostMTU } from "./link_device.ts";
import { podMTU } from "./mtu_renderer.ts";
import type { NetlinkHandle } from "./netlink_handle.ts";

/** Upstream's MTU file. */
export const DEFAULT_MTU_FILE = "/var/lib/calico/mtu";

/** Options of `MTUFileManager`. */
export interface MTUFileManagerOptions {
  readonly netlink: NetlinkHandle;
  readonly config: ConfigValues;
  /** Where to write (default `DEFAULT_MTU_FILE`). */
  readonly path?: string;
  readonly log?: Log;
}

/** Keeps the MTU file current. */
export class MTUFileManager implements Manager {
  readonly name = "mtu-file";
  readonly #o: MTUFileManagerOptions;
  readonly #path: string;
  readonly #log: Log;
  #encap: EncapsulationUpdate | undefined;
  #inSync = false;
  #dirty = false;
  #written: string | undefined;

  constructor(options: MTUFileManagerOptions) {
    this.#o = options;
    this.#path = options.path ?? DEFAULT_MTU_FILE;
    this.#log = options.log ?? NULL_LOG;
  }

  onUpdate(msg: ToDataplane): void {
    if (msg.type === "EncapsulationUpdate") this.#encap = msg;
    else if (msg.type === "InSync") this.#inSync = true;
    else return;
    this.#dirty = true;
  }

  markForResync(): void {
    this.#dirty = true;
    this.#written = undefined;
  }

  /** The pod MTU for the current links and encapsulations. */
  currentMTU(): number {
    const c = this.#o.config;
    const e = this.#encap;
    const vxlan = c.VXLANEnabled ?? e?.vxlanEnabled ?? false;
    const ipip = c.IpInIpEnabled ?? e?.ipipEnabled ?? false;
    return podMTU({
      hostMTU: hostMTU(this.#o.netlink, c.MTUIfacePattern),
      ...(vxlan ? { vxlan: c.VXLANMTU } : {}),
      ...(e?.vxlanEnabledV6 === true ? { vxlanV6: c.VXLANMTUV6 } : {}),
      ...(ipip ? { ipip: c.IpInIpMtu } : {}),
      ...(c.WireguardEnabled ? { wireguard: c.WireguardMTU } : {}),
      ...(c.WireguardEnabledV6 ? { wireguardV6: c.WireguardMTUV6 } : {}),
    });
  }

  async completeDeferredWork(): Promise<void> {
    if (!this.#dirty || !this.#inSync) return;
    const text = `${this.currentMTU()}\n`;
    if (this.#written === undefined) {
      this.#written = await Deno.readTextFile(this.#path).catch(() => "");
    }
    if (this.#written !== text) {
      await Deno.mkdir(dirname(this.#path), { recursive: true });
      await Deno.writeTextFile(this.#path, text);
      this.#written = text;
      this.#log.info("Wrote the pod MTU", { path: this.#path, mtu: Number(text) });
    }
    this.#dirty = false;
  }
}
