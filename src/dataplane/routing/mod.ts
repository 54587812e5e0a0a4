/**
 * The routing stage's public face: `createRoutingManagers` builds the managers that program
 * routes, the VXLAN devices and their VTEP entries, `tunl0`, and the MTU file, sharing one
 * rtnetlink client and one interface monitor. Give the list to the internal dataplane before the
 * rule managers' final renderer; order inside it matters (devices before routes).
 *
 * @module
 */
import { RtnlClient } from "../../../native/netlink.ts";
import type { ConfigValues } from "../../config/config_values.ts";
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import { type IfaceEventSource, IfaceMonitor, kernelIfaceEvents } from "../linux/iface_monitor.ts";
import type { Manager } from "../linux/manager.ts";
import { RouteManager } from "../linux/route_manager.ts";
import { VXLANManager } from "../linux/vxlan_manager.ts";
import { IPIPManager } from "./ipip_manager.ts";
import { MTUFileManager } from "./mtu_file_manager.ts";
import type { NetlinkHandle } from "./netlink_handle.ts";

export { FakeNetlink } from "./fake_netlink.ts";
export type { NetlinkHandle } from "./netlink_handle.ts";
export { IfaceMonitor, kernelIfaceEvents } from "../linux/iface_monitor.ts";
export type { IfaceListener, IfaceState, LinkChange } from "../linux/iface_monitor.ts";
export { DEFAULT_MTU_FILE } from "./mtu_file_manager.ts";
export { NetlinkAddresses } from "../linux/iface_addresses.ts";

/** Options of `createRoutingManagers`. */
export interface RoutingManagersOptions {
  readonly config: ConfigValues;
  readonly log?: Log;
  /** Default: a new rtnetlink client in the calling thread's network namespace. */
  readonly netlink?: NetlinkHandle;
  /**
   * Interface monitor to share (the endpoint manager may subscribe to it too). Default: one of
   * its own on `netlink`, fed by `events` (default: the kernel's multicast groups).
   */
  readonly ifaces?: IfaceMonitor;
  /** Live interface events; `false` for none (`felix --once --apply`). */
  readonly events?: IfaceEventSource | false;
  /** Ask the dataplane loop for an apply soon (interface up, grace period over). */
  readonly requestApply?: () => void;
  /** Where to write the pod MTU (default `/var/lib/calico/mtu`); `false` to skip. */
  readonly mtuFile?: string | false;
  /** Grace period for unexpected routes on new workload interfaces (default 10 s). */
  readonly gracePeriodMs?: number;
}

/** Owns the client and monitor it created; closes them last. */
class RoutingResources implements Manager {
  readonly name = "routing-resources";
  readonly #close: (() => Promise<void>)[];

  constructor(close: (() => Promise<void>)[]) {
    this.#close = close;
  }
  onUpdate(): void {}
  completeDeferredWork(): Promise<void> {
    return Promise.resolve();
  }
  /** Closes everything, in order, even when one close fails; then throws the first failure. */
  async close(): Promise<void> {
    const failures: unknown[] = [];
    for (const c of this.#close) await c().catch((e) => failures.push(e));
    if (failures.length > 0) throw failures[0];
  }
}

/** The routing managers, in apply order (MTU file, tunl0, VXLAN devices, routes). */
export function createRoutingManagers(opts: RoutingManagersOptions): Manager[] {
  const log = opts.log ?? NULL_LOG;
  const config = opts.config;
  const closers: (() => Promise<void>)[] = [];
  let netlink = opts.netlink;
  if (netlink === undefined) {
    const client = RtnlClient.open({ timeoutMs: config.NetlinkTimeoutSecs * 1000 });
    netlink = client;
    closers.push(() => Promise.resolve(client.close()));
  }
  let ifaces = opts.ifaces;
  if (ifaces === undefined) {
    const events = opts.events === false ? undefined : opts.events ?? kernelIfaceEvents(log);
    const monitor = new IfaceMonitor({ netlink, log, ...(events === undefined ? {} : { events }) });
    monitor.start();
    ifaces = monitor;
    closers.unshift(() => monitor.close());
  }
  const requestApply = opts.requestApply === undefined ? {} : { requestApply: opts.requestApply };
  const routes = new RouteManager({
    netlink,
    config,
    ifaces,
    log,
    ...requestApply,
    ...(opts.gracePeriodMs === undefined ? {} : { gracePeriodMs: opts.gracePeriodMs }),
  });
  const vxlan = (family: 4 | 6) =>
    new VXLANManager({
      netlink: netlink!,
      config,
      family,
      ifaces,
      log,
      onDeviceChanged: () => routes.markForResync(),
      ...requestApply,
    });
  return [
    ...(opts.mtuFile === false ? [] : [
      new MTUFileManager({
        netlink,
        config,
        log,
        ...(opts.mtuFile === undefined ? {} : { path: opts.mtuFile }),
      }),
    ]),
    new IPIPManager({ netlink, config, log }),
    vxlan(4),
    ...(config.Ipv6Support ? [vxlan(6)] : []),
    routes,
    new RoutingResources(closers),
  ];
}
