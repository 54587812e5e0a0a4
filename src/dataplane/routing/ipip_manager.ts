/**
 * The IPIP device manager: when IPIP is on (`IpInIpEnabled`, else the pools via
 * `EncapsulationUpdate`), keeps `tunl0` with this node's IPIP tunnel address
 * (`IpInIpTunnelAddr`), the IPIP MTU (`IpInIpMtu`, else host MTU less 20) and up. The IPIP routes
 * themselves are the route manager's (`routes_renderer.ts`). The fallback device cannot be
 * deleted, so turning IPIP off leaves it alone, as upstream does.
 *
 * @module
 */
import type { ConfigValues } from "../../config/config_values.ts";
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import type { ToDataplane } from "../../proto/messages.ts";
import { applyNow, type Manager } from "../linux/manager.ts";
import { hostMTU } from "./link_device.ts";
import { encapMTU, MTU_OVERHEAD } from "./mtu_renderer.ts";
import type { NetlinkHandle } from "./netlink_handle.ts";
import { type TunnelChange, TunnelDeviceReconciler } from "./tunnel_device.ts";
import { ipipDeviceSpec } from "./tunnel_renderer.ts";

/** Options of `IPIPManager`. */
export interface IPIPManagerOptions {
  readonly netlink: NetlinkHandle;
  readonly config: ConfigValues;
  readonly log?: Log;
}

/** Keeps `tunl0` programmed while IPIP is on. */
export class IPIPManager implements Manager {
  readonly name = "ipip";
  readonly #o: IPIPManagerOptions;
  readonly #device: TunnelDeviceReconciler;
  #encapEnabled = false;
  #dirty = true;
  /** What the last sync changed (tests, status). */
  lastChanges: readonly TunnelChange[] = [];

  constructor(options: IPIPManagerOptions) {
    this.#o = options;
    this.#device = new TunnelDeviceReconciler({
      netlink: options.netlink,
      log: options.log ?? NULL_LOG,
    });
  }

  onUpdate(msg: ToDataplane): void {
    if (msg.type !== "EncapsulationUpdate") return;
    this.#encapEnabled = msg.ipipEnabled;
    this.#dirty = true;
  }

  markForResync(): void {
    this.#dirty = true;
  }

  completeDeferredWork(): Promise<void> {
    return applyNow(() => this.#apply());
  }

  #apply(): void {
    if (!this.#dirty) return;
    const c = this.#o.config;
    if (!(c.IpInIpEnabled ?? this.#encapEnabled)) {
      this.#dirty = false;
      return;
    }
    const host = hostMTU(this.#o.netlink, c.MTUIfacePattern);
    const spec = ipipDeviceSpec(c.IpInIpTunnelAddr, encapMTU(host, c.IpInIpMtu, MTU_OVERHEAD.ipip));
    this.lastChanges = this.#device.sync({ ...spec, kind: "ipip", family: 4 });
    this.#dirty = false;
  }
}
