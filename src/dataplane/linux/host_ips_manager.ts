/**
 * Addresses the rules match on (upstream's host IP manager and the host-address parts of the
 * IPIP/VXLAN managers): this host's own addresses (`this-host`), every Calico node's address
 * (`all-hosts-net`, plus `ExternalNodesCIDRList`) and every VTEP's parent address
 * (`all-vxlan-net`). This host's addresses are read from its interfaces (workload interfaces
 * excluded) at the first apply and at every resync; without an address source, the node's own
 * datastore addresses stand in.
 *
 * @module
 */
import { bareIP } from "../../lib/ip.ts";
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import type { ToDataplane } from "../../proto/messages.ts";
import type { AddressSource } from "./interface_addrs.ts";
import type { Manager } from "./manager.ts";
import type { RenderState } from "./render_state.ts";

/** Options of `HostIPsManager`. */
export interface HostIPsManagerOptions {
  readonly state: RenderState;
  /** This node's name (FelixHostname). */
  readonly hostname: string;
  readonly addresses?: AddressSource;
  /** Workload interface prefixes: their addresses are not the host's. */
  readonly interfacePrefixes: readonly string[];
  /** `ExternalNodesCIDRList`: extra members of `all-hosts-net`. */
  readonly externalNodesCIDRs?: readonly string[];
  readonly log?: Log;
}

function addrs(...xs: string[]): string[] {
  return xs.map(bareIP).filter((x) => x !== "");
}

function sortedUnion(groups: Iterable<readonly string[]>, extra: readonly string[] = []): string[] {
  const out = new Set<string>(extra);
  for (const g of groups) for (const x of g) out.add(x);
  return [...out].sort();
}

/** Host and node addresses. */
export class HostIPsManager implements Manager {
  readonly name = "host-ips";
  readonly #o: HostIPsManagerOptions;
  readonly #log: Log;
  readonly #nodes = new Map<string, string[]>();
  readonly #vteps = new Map<string, string[]>();
  #refreshDue = true;

  constructor(options: HostIPsManagerOptions) {
    this.#o = options;
    this.#log = options.log ?? NULL_LOG;
  }

  onUpdate(msg: ToDataplane): void {
    switch (msg.type) {
      case "HostMetadataUpdate":
        this.#nodes.set(msg.hostname, addrs(msg.ipv4Addr, msg.ipv6Addr));
        break;
      case "HostMetadataRemove":
        this.#nodes.delete(msg.hostname);
        break;
      case "VXLANTunnelEndpointUpdate":
        this.#vteps.set(msg.node, addrs(msg.parentDeviceIp, msg.parentDeviceIpv6));
        this.#o.state.setVXLANHostNets(sortedUnion(this.#vteps.values()));
        return;
      case "VXLANTunnelEndpointRemove":
        this.#vteps.delete(msg.node);
        this.#o.state.setVXLANHostNets(sortedUnion(this.#vteps.values()));
        return;
      default:
        return;
    }
    const s = this.#o.state;
    s.setAllHostsNets(sortedUnion(this.#nodes.values(), this.#o.externalNodesCIDRs));
    if (this.#o.addresses === undefined) s.setHostIPs(this.#nodes.get(this.#o.hostname) ?? []);
  }

  async completeDeferredWork(): Promise<void> {
    if (this.#o.addresses === undefined || !this.#refreshDue) return;
    const prefixes = this.#o.interfacePrefixes;
    const ifaces = await this.#o.addresses.list();
    const own = ifaces.filter((i) => !prefixes.some((p) => i.name.startsWith(p)));
    const ips = sortedUnion(own.map((i) => i.addrs));
    this.#refreshDue = false;
    if (ips.join() !== this.#o.state.hostIPs.join()) {
      this.#log.info("Host addresses", { addresses: ips });
    }
    this.#o.state.setHostIPs(ips);
  }

  markForResync(): void {
    this.#refreshDue = true;
  }
}
