/**
 * The host's interfaces and their addresses over rtnetlink, in the shape the endpoint and
 * host-IP managers' address source has (`list()` of `{ name, addrs }`): from an interface
 * monitor's state when one is given (no syscall), else from a link and an address dump. A
 * drop-in for `ip -j addr show`.
 *
 * @module
 */
import { addrOf } from "../../../native/netlink_codec.ts";
import type { NetlinkHandle } from "../routing/netlink_handle.ts";
import type { IfaceMonitor } from "./iface_monitor.ts";

/** One interface and its addresses (bare IPs, both families). */
export interface IfaceAddrs {
  readonly name: string;
  readonly addrs: readonly string[];
}

/** Lists interfaces with their addresses through netlink. */
export class NetlinkAddresses {
  readonly #nl: NetlinkHandle | undefined;
  readonly #monitor: IfaceMonitor | undefined;

  constructor(source: { readonly netlink: NetlinkHandle } | { readonly monitor: IfaceMonitor }) {
    this.#nl = "netlink" in source ? source.netlink : undefined;
    this.#monitor = "monitor" in source ? source.monitor : undefined;
  }

  /** Every interface with its addresses, by interface index. */
  list(): Promise<readonly IfaceAddrs[]> {
    if (this.#monitor !== undefined) {
      return Promise.resolve(
        this.#monitor.all().map((i) => ({ name: i.name, addrs: [...i.addrs] })),
      );
    }
    try {
      const nl = this.#nl!;
      const byIndex = new Map<number, string[]>();
      for (const a of nl.listAddrs(0)) {
        const ip = addrOf(a);
        if (ip === undefined) continue;
        const list = byIndex.get(a.index) ?? [];
        list.push(ip);
        byIndex.set(a.index, list);
      }
      return Promise.resolve(
        nl.listLinks().flatMap((l) =>
          l.name === undefined ? [] : [{ name: l.name, addrs: byIndex.get(l.index) ?? [] }]
        ),
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }
}
