/**
 * Local workload and host endpoints (upstream's endpoint manager): records them into the render
 * state, sets the per-interface sysctls of workload interfaces, and resolves which interface each
 * host endpoint applies to. A workload interface that does not exist yet stays pending; with an
 * interface monitor, its link `added` (or `up`) event asks the loop for an apply at once, and an
 * address change re-resolves host endpoints given by address. The loop's pending-work poll
 * remains as a fallback.
 *
 * @module
 */
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import {
  type HostEndpoint,
  type ToDataplane,
  workloadEndpointIdString,
} from "../../proto/messages.ts";
import { needsAddresses, resolveHostEndpoints } from "./hep_resolver.ts";
import type { IfaceListener, LinkChange } from "./iface_monitor.ts";
import type { AddressSource, InterfaceAddrs } from "./interface_addrs.ts";
import type { Manager } from "./manager.ts";
import type { RenderState } from "./render_state.ts";
import type { SysctlWriter } from "./sysctl.ts";
import { WorkloadSysctls } from "./workload_sysctls.ts";

/** Options of `EndpointManager`. */
export interface EndpointManagerOptions {
  readonly state: RenderState;
  /** Where workload sysctls go; without one, none are written (`--once` rendering). */
  readonly sysctl?: SysctlWriter;
  /** The host's addresses, for host endpoints given by expected IPs only. */
  readonly addresses?: AddressSource;
  readonly ipv6Enabled: boolean;
  readonly log?: Log;
  /** Interface events (the shared `IfaceMonitor`): react to workload interfaces appearing. */
  readonly ifaces?: { subscribe(listener: IfaceListener): () => void };
  /** Ask the loop for an apply soon (default: what the loop passes to `setRequestApply`). */
  readonly requestApply?: () => void;
}

/** Workload and host endpoints. */
export class EndpointManager implements Manager {
  readonly name = "endpoints";
  readonly #state: RenderState;
  readonly #log: Log;
  readonly #sysctls: WorkloadSysctls | undefined;
  readonly #addresses: AddressSource | undefined;
  /** Workload endpoint id -> interface name. */
  readonly #wepIfaces = new Map<string, string>();
  readonly #heps = new Map<string, HostEndpoint>();
  #hostAddrs: readonly InterfaceAddrs[] = [];
  #addrsStale = true;
  #requestApply: (() => void) | undefined;
  readonly #unsubscribe: (() => void) | undefined;

  constructor(options: EndpointManagerOptions) {
    this.#state = options.state;
    this.#log = options.log ?? NULL_LOG;
    this.#addresses = options.addresses;
    this.#sysctls = options.sysctl === undefined ? undefined : new WorkloadSysctls({
      sysctl: options.sysctl,
      ipv6Enabled: options.ipv6Enabled,
      log: this.#log,
    });
    this.#requestApply = options.requestApply;
    this.#unsubscribe = options.ifaces?.subscribe({
      onLinkChange: (iface, change) => this.#onLinkChange(iface.name, change),
      onAddrsChange: () => this.#onAddrsChange(),
      onResync: () => this.#onIfaceResync(),
    });
  }

  setRequestApply(requestApply: () => void): void {
    this.#requestApply ??= requestApply;
  }

  /** A workload interface appeared (or came up while waiting): write its sysctls now. */
  #onLinkChange(name: string, change: LinkChange): void {
    const sysctls = this.#sysctls;
    if (sysctls === undefined) return;
    const kick = change === "added"
      ? sysctls.requeue(name)
      : change === "up" && sysctls.isPending(name);
    if (kick) this.#requestApply?.();
  }

  /** Host endpoints given by expected IPs follow the addresses. */
  #onAddrsChange(): void {
    if (this.#addresses === undefined || !needsAddresses(this.#heps)) return;
    this.#addrsStale = true;
    this.#requestApply?.();
  }

  /** Events were lost: every interface may have been re-created. */
  #onIfaceResync(): void {
    this.markForResync();
    this.#requestApply?.();
  }

  onUpdate(msg: ToDataplane): void {
    switch (msg.type) {
      case "WorkloadEndpointUpdate": {
        const id = workloadEndpointIdString(msg.id);
        const ep = msg.endpoint;
        this.#state.setWorkloadEndpoint(id, ep);
        this.#setIface(id, ep.name);
        this.#sysctls?.set(ep.name, {
          hasIPv6: ep.ipv6Nets.length > 0,
          allowSpoofing: ep.allowSpoofedSourcePrefixes.length > 0,
        });
        return;
      }
      case "WorkloadEndpointRemove": {
        const id = workloadEndpointIdString(msg.id);
        this.#state.setWorkloadEndpoint(id, undefined);
        this.#setIface(id, undefined);
        return;
      }
      case "HostEndpointUpdate":
        this.#heps.set(msg.id, msg.endpoint);
        this.#resolveHeps();
        return;
      case "HostEndpointRemove":
        if (this.#heps.delete(msg.id)) this.#resolveHeps();
        return;
    }
  }

  /** Track interface names; an interface no endpoint uses any more drops out of the sysctls. */
  #setIface(id: string, name: string | undefined): void {
    const old = this.#wepIfaces.get(id);
    if (name === undefined) this.#wepIfaces.delete(id);
    else this.#wepIfaces.set(id, name);
    if (old !== undefined && old !== name && ![...this.#wepIfaces.values()].includes(old)) {
      this.#sysctls?.delete(old);
    }
  }

  #resolveHeps(): void {
    this.#state.setHostEndpoints(resolveHostEndpoints(this.#heps, this.#hostAddrs));
  }

  async completeDeferredWork(): Promise<void> {
    if (this.#addresses !== undefined && this.#addrsStale && needsAddresses(this.#heps)) {
      this.#hostAddrs = await this.#addresses.list();
      this.#addrsStale = false;
      this.#resolveHeps();
    }
    await this.#sysctls?.apply();
  }

  /** Interfaces still waiting to appear keep the loop coming back. */
  hasPendingWork(): boolean {
    return this.#sysctls?.hasPending ?? false;
  }

  markForResync(): void {
    this.#addrsStale = true;
    this.#sysctls?.requeueAll();
  }

  close(): Promise<void> {
    this.#unsubscribe?.();
    return Promise.resolve();
  }
}
