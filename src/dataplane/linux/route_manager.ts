/**
 * The route manager: records local workload endpoints, the calc graph's routes, VTEPs and this
 * node's addresses (`onUpdate`, no I/O), renders the routes of each IP family
 * (`routes_renderer.ts`) and hands them to one `RouteTable` per family (main table), which
 * reconciles with the kernel. It listens to the interface monitor: a workload interface that
 * comes up gets its routes at once (through `requestApply`, or an apply of its own when the loop
 * offers no hook), and routes held back by the grace period are retried when it ends. Every
 * `RouteRefreshInterval` (90 s; 0 disables) it re-reads links and routes and repairs drift.
 *
 * @module
 */
import type { ConfigValues } from "../../config/config_values.ts";
import { bareIP } from "../../lib/ip.ts";
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import {
  type RouteUpdate,
  type ToDataplane,
  type VXLANTunnelEndpointUpdate,
  type WorkloadEndpoint,
  workloadEndpointIdString,
} from "../../proto/messages.ts";
import { linkWithAddress } from "../routing/link_device.ts";
import type { NetlinkHandle } from "../routing/netlink_handle.ts";
import { RouteTable } from "../routing/route_table.ts";
import {
  type ClassRoutes,
  type ClusterRoutesMode,
  renderRoutes,
  type RouteSettings,
} from "../routing/routes_renderer.ts";
import { IPIP_DEVICE, VXLAN_DEVICE } from "../routing/tunnel_renderer.ts";
import type { IfaceMonitor } from "./iface_monitor.ts";
import { applyNow, type Manager } from "./manager.ts";

/** Options of `RouteManager`. */
export interface RouteManagerOptions {
  readonly netlink: NetlinkHandle;
  readonly config: ConfigValues;
  /** Interface events and addresses; without it, addresses come from netlink dumps. */
  readonly ifaces?: IfaceMonitor;
  /** Ask the dataplane loop for an apply (interface up, grace period over). */
  readonly requestApply?: () => void;
  readonly gracePeriodMs?: number;
  readonly now?: () => number;
  readonly log?: Log;
}

interface FamilyTable {
  readonly family: 4 | 6;
  readonly table: RouteTable;
  owners: Set<string>;
}

/** Routes of local workloads, local blocks and remote blocks. */
export class RouteManager implements Manager {
  readonly name = "routes";
  readonly #o: RouteManagerOptions;
  readonly #log: Log;
  readonly #workloads = new Map<string, WorkloadEndpoint>();
  readonly #routes = new Map<string, RouteUpdate>();
  readonly #vteps = new Map<string, VXLANTunnelEndpointUpdate>();
  readonly #nodeIP: Record<4 | 6, string> = { 4: "", 6: "" };
  readonly #tables: FamilyTable[];
  readonly #unsubscribe: (() => void) | undefined;
  #dirty = true;
  #appliedOnce = false;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #kickTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: RouteManagerOptions) {
    this.#o = options;
    this.#log = options.log ?? NULL_LOG;
    const c = options.config;
    const families: (4 | 6)[] = c.Ipv6Support ? [4, 6] : [4];
    const mode = this.#clusterRoutes();
    const ownership = {
      deviceRouteProtocol: c.DeviceRouteProtocol,
      workloadPrefixes: c.InterfacePrefix.length > 0 ? c.InterfacePrefix : ["cali"],
      removeExternalRoutes: c.RemoveExternalRoutes,
      exclusiveIfaces: [VXLAN_DEVICE[4], VXLAN_DEVICE[6]],
      birdIfaces: mode === "Enabled" || mode === "EnabledIPIPOnly" ? [IPIP_DEVICE] : [],
    };
    this.#tables = families.map((family) => ({
      family,
      owners: new Set<string>(),
      table: new RouteTable({
        netlink: options.netlink,
        family,
        ownership,
        ...(options.gracePeriodMs === undefined ? {} : { gracePeriodMs: options.gracePeriodMs }),
        ...(options.now === undefined ? {} : { now: options.now }),
        log: this.#log,
      }),
    }));
    const refreshMs = c.RouteRefreshInterval * 1000;
    if (refreshMs > 0) {
      this.#refreshTimer = setInterval(() => this.#interfacesChanged(), refreshMs);
    }
    this.#unsubscribe = options.ifaces?.subscribe({
      onLinkChange: () => this.#interfacesChanged(),
      onAddrsChange: () => {
        this.#dirty = true;
        this.#kick();
      },
      onResync: () => this.#interfacesChanged(),
    });
  }

  #clusterRoutes(): ClusterRoutesMode {
    const m = this.#o.config.ProgramClusterRoutes;
    return m === "" ? "EnabledIPIPOnly" : m;
  }

  /** The table of a family (tests and status). */
  tableOf(family: 4 | 6): RouteTable | undefined {
    return this.#tables.find((t) => t.family === family)?.table;
  }

  onUpdate(msg: ToDataplane): void {
    switch (msg.type) {
      case "WorkloadEndpointUpdate":
        this.#workloads.set(workloadEndpointIdString(msg.id), msg.endpoint);
        break;
      case "WorkloadEndpointRemove":
        this.#workloads.delete(workloadEndpointIdString(msg.id));
        break;
      case "RouteUpdate":
        this.#routes.set(msg.dst, msg);
        break;
      case "RouteRemove":
        this.#routes.delete(msg.dst);
        break;
      case "VXLANTunnelEndpointUpdate":
        this.#vteps.set(msg.node, msg);
        break;
      case "VXLANTunnelEndpointRemove":
        this.#vteps.delete(msg.node);
        break;
      case "HostMetadataUpdate":
      case "HostMetadataRemove":
        if (msg.hostname !== this.#o.config.FelixHostname) return;
        this.#nodeIP[4] = msg.type === "HostMetadataUpdate" ? bareIP(msg.ipv4Addr) : "";
        this.#nodeIP[6] = msg.type === "HostMetadataUpdate" ? bareIP(msg.ipv6Addr) : "";
        break;
      default:
        return;
    }
    this.#dirty = true;
  }

  completeDeferredWork(): Promise<void> {
    return applyNow(() => this.#apply());
  }

  markForResync(): void {
    for (const t of this.#tables) t.table.markForResync();
  }

  #interfacesChanged(): void {
    this.markForResync();
    this.#dirty = true;
    this.#kick();
  }

  /** Apply soon: through the loop when it offers a hook, else on a timer of our own. */
  #kick(): void {
    if (!this.#appliedOnce) return;
    if (this.#o.requestApply !== undefined) return this.#o.requestApply();
    if (this.#kickTimer !== undefined) return;
    this.#kickTimer = setTimeout(() => {
      this.#kickTimer = undefined;
      try {
        this.#apply();
      } catch (e) {
        this.#log.warn("Route apply after an interface change failed; the next apply retries", {
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }, 0);
  }

  #apply(): void {
    if (this.#o.config.RouteSyncDisabled) return;
    const rendered = this.#dirty;
    this.#dirty = false;
    const errors: unknown[] = [];
    let graceDueAt: number | undefined;
    for (const t of this.#tables) {
      if (rendered) this.#setRoutes(t, this.#render(t.family));
      if (!t.table.dirty) continue;
      try {
        const r = t.table.apply();
        if (r.graceDueAt !== undefined) graceDueAt = Math.min(graceDueAt ?? Infinity, r.graceDueAt);
      } catch (e) {
        errors.push(e);
      }
    }
    this.#appliedOnce = true;
    this.#scheduleGrace(graceDueAt);
    if (errors.length > 0) throw errors[0];
  }

  #render(family: 4 | 6): ClassRoutes[] {
    const c = this.#o.config;
    const settings: RouteSettings = {
      hostname: c.FelixHostname,
      deviceRouteProtocol: c.DeviceRouteProtocol,
      workloadMetric: family === 4 ? c.IPv4NormalRoutePriority : c.IPv6NormalRoutePriority,
      deviceRouteSourceAddress: family === 4
        ? c.DeviceRouteSourceAddress
        : c.DeviceRouteSourceAddressIPv6,
      programClusterRoutes: this.#clusterRoutes(),
      vxlanDevice: VXLAN_DEVICE[family],
      ipipDevice: IPIP_DEVICE,
      floatingIPs: c.FloatingIPs === "Enabled",
    };
    return renderRoutes({
      family,
      settings,
      workloads: this.#workloads.values(),
      routes: this.#routes.values(),
      vteps: this.#vteps,
      parentIface: this.#parentIface(family),
    });
  }

  /** The interface holding this node's address (from its Node, else from its VTEP). */
  #parentIface(family: 4 | 6): string | undefined {
    const own = this.#vteps.get(this.#o.config.FelixHostname);
    const fromVtep = own === undefined
      ? ""
      : bareIP(family === 4 ? own.parentDeviceIp : own.parentDeviceIpv6);
    const ip = this.#nodeIP[family] !== "" ? this.#nodeIP[family] : fromVtep;
    if (ip === "") return undefined;
    if (this.#o.ifaces !== undefined) return this.#o.ifaces.ifaceWithAddr(ip);
    return linkWithAddress(this.#o.netlink, ip)?.name;
  }

  #setRoutes(t: FamilyTable, rendered: readonly ClassRoutes[]): void {
    const owners = new Set<string>();
    for (const r of rendered) {
      owners.add(`${r.cls}\u0000${r.iface}`);
      t.table.setRoutes(r.cls, r.iface, r.targets);
    }
    for (const o of t.owners) {
      if (owners.has(o)) continue;
      const [cls, iface] = o.split("\u0000") as [ClassRoutes["cls"], string];
      t.table.setRoutes(cls, iface, []);
    }
    t.owners = owners;
  }

  #scheduleGrace(dueAt: number | undefined): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    if (dueAt === undefined) return;
    const now = (this.#o.now ?? (() => performance.now()))();
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      this.#kick();
    }, Math.max(0, dueAt - now) + 1);
  }

  close(): Promise<void> {
    this.#unsubscribe?.();
    clearTimeout(this.#graceTimer);
    clearTimeout(this.#kickTimer);
    clearInterval(this.#refreshTimer);
    this.#refreshTimer = undefined;
    this.#graceTimer = undefined;
    this.#kickTimer = undefined;
    return Promise.resolve();
  }
}
