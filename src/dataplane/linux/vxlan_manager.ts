/**
 * The VXLAN manager of one IP family: keeps `vxlan.calico` (`vxlan-v6.calico`) as this node's
 * VTEP says (VNI, port, MAC, tunnel address, parent link, MTU) and the remote VTEPs' ARP/NDP and
 * FDB entries on it (reference/bpf-routing.md §6.5). Enabled by `VXLANEnabled[V6]` when set,
 * else by the calc graph's `EncapsulationUpdate`; once in sync and disabled, it removes the
 * device. While the parent interface (the one holding this node's address) is missing it waits,
 * retrying every `retryMs` and whenever interfaces change, instead of failing the whole apply.
 *
 * @module
 */
import type { ConfigValues } from "../../config/config_values.ts";
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import type { ToDataplane, VXLANTunnelEndpointUpdate } from "../../proto/messages.ts";
import { hostMTU, linkWithAddress } from "../routing/link_device.ts";
import { encapMTU, MTU_OVERHEAD } from "../routing/mtu_renderer.ts";
import type { NetlinkHandle } from "../routing/netlink_handle.ts";
import {
  remoteVteps,
  vtepFields,
  VXLAN_DEVICE,
  vxlanDeviceSpec,
} from "../routing/tunnel_renderer.ts";
import { VxlanDeviceReconciler } from "../routing/vxlan_device.ts";
import { VtepNeighbourTable } from "../routing/vxlan_fdb.ts";
import type { IfaceMonitor } from "./iface_monitor.ts";
import { applyNow, type Manager } from "./manager.ts";

/** Options of `VXLANManager`. */
export interface VXLANManagerOptions {
  readonly netlink: NetlinkHandle;
  readonly config: ConfigValues;
  readonly family: 4 | 6;
  readonly ifaces?: IfaceMonitor;
  readonly requestApply?: () => void;
  /** Called after the device was created or recreated (the route manager re-reads links). */
  readonly onDeviceChanged?: () => void;
  /** Retry period while the parent interface is missing (default 10 s, as upstream). */
  readonly retryMs?: number;
  readonly log?: Log;
}

/** The device, neighbours and FDB of one VXLAN family. */
export class VXLANManager implements Manager {
  readonly name: string;
  readonly #o: VXLANManagerOptions;
  readonly #log: Log;
  readonly #device: VxlanDeviceReconciler;
  readonly #fdb: VtepNeighbourTable;
  readonly #vteps = new Map<string, VXLANTunnelEndpointUpdate>();
  readonly #unsubscribe: (() => void) | undefined;
  #encapEnabled = false;
  #inSync = false;
  #dirty = true;
  #waitingLogged = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: VXLANManagerOptions) {
    this.#o = options;
    this.#log = options.log ?? NULL_LOG;
    this.name = options.family === 4 ? "vxlan" : "vxlan-v6";
    this.#device = new VxlanDeviceReconciler({ netlink: options.netlink, log: this.#log });
    this.#fdb = new VtepNeighbourTable({
      netlink: options.netlink,
      family: options.family,
      log: this.#log,
    });
    this.#unsubscribe = options.ifaces?.subscribe({
      onLinkChange: (i) => {
        if (i.name === VXLAN_DEVICE[options.family]) this.markForResync();
        else this.#dirty = true;
        this.#kickIfWaiting();
      },
      onAddrsChange: () => {
        this.#dirty = true;
        this.#kickIfWaiting();
      },
    });
  }

  #enabled(): boolean {
    const c = this.#o.config;
    // VXLANEnabled is the override of the IPv4 device only; IPv6 follows the pools.
    return this.#o.family === 4 ? c.VXLANEnabled ?? this.#encapEnabled : this.#encapEnabled;
  }

  onUpdate(msg: ToDataplane): void {
    switch (msg.type) {
      case "VXLANTunnelEndpointUpdate":
        this.#vteps.set(msg.node, msg);
        break;
      case "VXLANTunnelEndpointRemove":
        this.#vteps.delete(msg.node);
        break;
      case "EncapsulationUpdate":
        this.#encapEnabled = this.#o.family === 4 ? msg.vxlanEnabled : msg.vxlanEnabledV6;
        break;
      case "InSync":
        this.#inSync = true;
        break;
      default:
        return;
    }
    this.#dirty = true;
  }

  markForResync(): void {
    this.#dirty = true;
    this.#fdb.markForResync();
  }

  completeDeferredWork(): Promise<void> {
    return applyNow(() => this.#apply());
  }

  /** Sync the device and its entries; a failure leaves everything dirty for the next apply. */
  #apply(): void {
    try {
      this.#sync();
    } catch (e) {
      this.#dirty = true;
      throw e;
    }
  }

  #sync(): void {
    if (!this.#dirty) return;
    const family = this.#o.family;
    const name = VXLAN_DEVICE[family];
    if (!this.#enabled()) {
      if (this.#inSync) this.#device.remove(name);
      this.#dirty = false;
      return;
    }
    const own = this.#vteps.get(this.#o.config.FelixHostname);
    const nodeIP = own === undefined ? "" : vtepFields(own, family).nodeIP;
    if (nodeIP === "") {
      this.#dirty = false; // Nothing to build until this node's VTEP arrives.
      return;
    }
    const parent = linkWithAddress(this.#o.netlink, nodeIP);
    if (parent === undefined) return this.#waitForParent(name, nodeIP);
    const spec = vxlanDeviceSpec(own, family, parent.index, {
      vni: this.#o.config.VXLANVNI,
      port: this.#o.config.VXLANPort,
      mtu: this.#mtu(),
    });
    if (spec === undefined) {
      this.#dirty = false;
      return;
    }
    const result = this.#device.sync(spec);
    if (result.changes.some((c) => c === "created" || c.startsWith("recreated"))) {
      this.#fdb.markForResync();
      this.#o.onDeviceChanged?.();
    }
    this.#fdb.setVteps(remoteVteps(this.#vteps, this.#o.config.FelixHostname, family));
    this.#fdb.apply(result.index);
    this.#waitingLogged = false;
    this.#dirty = false;
  }

  /** `VXLANMTU[V6]`, or the host MTU less the VXLAN overhead. */
  #mtu(): number {
    const c = this.#o.config;
    const v4 = this.#o.family === 4;
    return encapMTU(
      hostMTU(this.#o.netlink, c.MTUIfacePattern),
      v4 ? c.VXLANMTU : c.VXLANMTUV6,
      v4 ? MTU_OVERHEAD.vxlan : MTU_OVERHEAD.vxlanV6,
    );
  }

  #waitForParent(device: string, nodeIP: string): void {
    if (!this.#waitingLogged) {
      this.#log.warn("Waiting for the interface that holds this node's address", {
        device,
        address: nodeIP,
      });
      this.#waitingLogged = true;
    }
    if (this.#retryTimer !== undefined) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#kick();
    }, this.#o.retryMs ?? 10_000);
  }

  #kickIfWaiting(): void {
    if (this.#waitingLogged) this.#kick();
  }

  #kick(): void {
    if (this.#o.requestApply !== undefined) return this.#o.requestApply();
    try {
      this.#apply();
    } catch (e) {
      this.#log.warn("VXLAN device retry failed; the next apply retries", {
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  close(): Promise<void> {
    this.#unsubscribe?.();
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    return Promise.resolve();
  }
}
