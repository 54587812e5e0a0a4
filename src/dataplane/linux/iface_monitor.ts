/**
 * The interface monitor: the host's links (name, index, up, MTU) and their addresses, kept from
 * a start-of-day dump plus the kernel's multicast link and address events, and published to
 * listeners. The route manager listens to program routes as soon as a workload interface comes
 * up; the endpoint manager can listen for interface sysctls and host endpoint addresses.
 *
 * Subscription API (`subscribe` returns an unsubscribe function):
 * - `onLinkChange(iface, change)`: `added`, `up`, `down`, `removed`, or `changed` (index, MTU);
 * - `onAddrsChange(name, addrs)`: the interface's full address set (bare IPs) after a change;
 * - `onResync()`: state was re-read after lost events (listeners should re-read too).
 * Listeners run synchronously in event order and must not throw (errors are logged).
 *
 * Up means admin up and running (`IFF_UP` and `IFF_RUNNING`): a veth whose peer is down is not.
 *
 * @module
 */
import { addrOf, type RtnlMessage } from "../../../native/netlink_codec.ts";
import { NetlinkMonitor } from "../../../native/netlink_monitor.ts";
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import { isLinkUp } from "../routing/link_device.ts";
import type { LinkMsg, NetlinkHandle } from "../routing/netlink_handle.ts";

/** One interface as the monitor knows it. */
export interface IfaceState {
  readonly name: string;
  readonly index: number;
  readonly up: boolean;
  readonly mtu: number;
  readonly addrs: ReadonlySet<string>;
}

/** How a link changed. */
export type LinkChange = "added" | "up" | "down" | "removed" | "changed";

/** A subscriber; every method is optional. */
export interface IfaceListener {
  onLinkChange?(iface: IfaceState, change: LinkChange): void;
  onAddrsChange?(name: string, addrs: ReadonlySet<string>): void;
  onResync?(): void;
}

/** Where events come from: the kernel (`kernelIfaceEvents`) or a test. */
export interface IfaceEventSource {
  start(handlers: {
    onMessages(msgs: readonly RtnlMessage[]): void;
    onOverrun(): void;
  }): void;
  close(): Promise<void>;
}

/** Options of `IfaceMonitor`. */
export interface IfaceMonitorOptions {
  /** For the start-of-day and overrun dumps. */
  readonly netlink: NetlinkHandle;
  /** Live events; none means the state is only what `refresh()` reads. */
  readonly events?: IfaceEventSource;
  readonly log?: Log;
}

const RTNLGRP_LINK = 1;
const RTNLGRP_IPV4_IFADDR = 5;
const RTNLGRP_IPV6_IFADDR = 9;

/** Live events from the kernel's link and address multicast groups (the calling thread's netns). */
export function kernelIfaceEvents(log: Log = NULL_LOG): IfaceEventSource {
  let monitor: NetlinkMonitor | undefined;
  return {
    start(handlers) {
      monitor = NetlinkMonitor.open({
        groups: [RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR],
        onMessages: handlers.onMessages,
        onOverrun: handlers.onOverrun,
        onError: (e) => log.error("Interface monitor stopped", { error: e.message }),
      });
    },
    async close() {
      await monitor?.close();
    },
  };
}

interface MutableIface {
  name: string;
  index: number;
  up: boolean;
  mtu: number;
  addrs: Set<string>;
}

/** Tracks interfaces and tells listeners what changed. */
export class IfaceMonitor {
  readonly #nl: NetlinkHandle;
  readonly #events: IfaceEventSource | undefined;
  readonly #log: Log;
  readonly #byIndex = new Map<number, MutableIface>();
  readonly #listeners = new Set<IfaceListener>();
  #started = false;

  constructor(options: IfaceMonitorOptions) {
    this.#nl = options.netlink;
    this.#events = options.events;
    this.#log = options.log ?? NULL_LOG;
  }

  /** Subscribe to events first, then read the current state (no change is lost in between). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#events?.start({
      onMessages: (msgs) => this.handle(msgs),
      onOverrun: () => {
        this.#log.warn("Interface events were lost; re-reading interfaces");
        this.refresh();
      },
    });
    this.refresh();
  }

  /** Add a listener; returns its unsubscribe function. */
  subscribe(listener: IfaceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The interface named `name`. */
  get(name: string): IfaceState | undefined {
    for (const i of this.#byIndex.values()) if (i.name === name) return i;
    return undefined;
  }

  /** Every interface, by index. */
  all(): IfaceState[] {
    return [...this.#byIndex.values()].sort((a, b) => a.index - b.index);
  }

  /** The interface holding `ip` (bare), if any. */
  ifaceWithAddr(ip: string): string | undefined {
    for (const i of this.#byIndex.values()) if (i.addrs.has(ip)) return i.name;
    return undefined;
  }

  /** Re-read links and addresses with dumps, report differences, then `onResync`. */
  refresh(): void {
    const seen = new Set<number>();
    for (const l of this.#nl.listLinks()) {
      seen.add(l.index);
      this.#onLink(l);
    }
    for (const [index, i] of [...this.#byIndex]) if (!seen.has(index)) this.#remove(i);
    const addrs = new Map<number, Set<string>>();
    for (const a of this.#nl.listAddrs(0)) {
      const ip = addrOf(a);
      if (ip === undefined) continue;
      let s = addrs.get(a.index);
      if (s === undefined) addrs.set(a.index, s = new Set());
      s.add(ip);
    }
    for (const i of this.#byIndex.values()) this.#setAddrs(i, addrs.get(i.index) ?? new Set());
    this.#emit((l) => l.onResync?.());
  }

  /** Apply kernel messages (from the event source, or a test). */
  handle(msgs: readonly RtnlMessage[]): void {
    for (const m of msgs) {
      if (m.kind === "link") {
        if (m.op === "new") this.#onLink(m.link);
        else {
          const i = this.#byIndex.get(m.link.index);
          if (i !== undefined) this.#remove(i);
        }
      } else if (m.kind === "addr") {
        const i = this.#byIndex.get(m.addr.index);
        const ip = addrOf(m.addr);
        if (i === undefined || ip === undefined) continue;
        const next = new Set(i.addrs);
        if (m.op === "new") next.add(ip);
        else next.delete(ip);
        this.#setAddrs(i, next);
      }
    }
  }

  #onLink(l: LinkMsg): void {
    if (l.name === undefined) return;
    const up = isLinkUp(l);
    const mtu = l.mtu ?? 0;
    const old = this.#byIndex.get(l.index);
    if (old === undefined) {
      const i: MutableIface = { name: l.name, index: l.index, up, mtu, addrs: new Set() };
      this.#byIndex.set(l.index, i);
      this.#emit((x) => x.onLinkChange?.(i, "added"));
      return;
    }
    const renamed = old.name !== l.name;
    const upChange = old.up !== up;
    const mtuChange = old.mtu !== mtu;
    if (renamed) this.#emit((x) => x.onLinkChange?.({ ...old }, "removed"));
    old.name = l.name;
    old.up = up;
    old.mtu = mtu;
    if (renamed) this.#emit((x) => x.onLinkChange?.(old, "added"));
    else if (upChange) this.#emit((x) => x.onLinkChange?.(old, up ? "up" : "down"));
    else if (mtuChange) this.#emit((x) => x.onLinkChange?.(old, "changed"));
  }

  #remove(i: MutableIface): void {
    this.#byIndex.delete(i.index);
    this.#emit((x) => x.onLinkChange?.({ ...i, up: false }, "removed"));
  }

  #setAddrs(i: MutableIface, next: Set<string>): void {
    if (next.size === i.addrs.size && [...next].every((a) => i.addrs.has(a))) return;
    i.addrs = next;
    this.#emit((x) => x.onAddrsChange?.(i.name, next));
  }

  #emit(fn: (l: IfaceListener) => void): void {
    for (const l of this.#listeners) {
      try {
        fn(l);
      } catch (e) {
        this.#log.error("Interface listener failed", {
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }

  /** Stop the event source. */
  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#events?.close();
  }
}
