/**
 * Per-interface sysctls of workload interfaces, as upstream's endpoint manager sets them
 * (rules-rendering.md §5): IPv4 `rp_filter=1` (0 when the endpoint may spoof sources),
 * `route_localnet=1`, `proxy_arp=1`, `neigh/<if>/proxy_delay=0`, `forwarding=1`; with IPv6 on,
 * `accept_ra=0` always, and `proxy_ndp=1`, `forwarding=1` when the endpoint has IPv6 addresses.
 * An interface that does not exist yet stays pending and is tried again at later applies (at
 * once when the interface monitor reports it, through the endpoint manager).
 *
 * @module
 */
import type { Log } from "../../lib/log.ts";
import type { SysctlWriter } from "./sysctl.ts";

/** What decides an interface's sysctls. */
export interface WorkloadIface {
  readonly hasIPv6: boolean;
  readonly allowSpoofing: boolean;
}

/** The `[path, value]` pairs for one workload interface, in write order. */
export function workloadSysctls(
  name: string,
  iface: WorkloadIface,
  ipv6Enabled: boolean,
): [string, string][] {
  // A dot in an interface name is a slash in sysctl paths (eth0.100 -> eth0/100).
  const n = name.replaceAll(".", "/");
  const v4 = `/proc/sys/net/ipv4/conf/${n}`;
  const out: [string, string][] = [
    [`${v4}/rp_filter`, iface.allowSpoofing ? "0" : "1"],
    [`${v4}/route_localnet`, "1"],
    [`${v4}/proxy_arp`, "1"],
    [`/proc/sys/net/ipv4/neigh/${n}/proxy_delay`, "0"],
    [`${v4}/forwarding`, "1"],
  ];
  if (!ipv6Enabled) return out;
  const v6 = `/proc/sys/net/ipv6/conf/${n}`;
  out.push([`${v6}/accept_ra`, "0"]);
  if (iface.hasIPv6) out.push([`${v6}/proxy_ndp`, "1"], [`${v6}/forwarding`, "1"]);
  return out;
}

/** Options of `WorkloadSysctls`. */
export interface WorkloadSysctlsOptions {
  readonly sysctl: SysctlWriter;
  readonly ipv6Enabled: boolean;
  readonly log: Log;
}

/** Tracks which workload interfaces still need their sysctls written. */
export class WorkloadSysctls {
  readonly #sysctl: SysctlWriter;
  readonly #ipv6Enabled: boolean;
  readonly #log: Log;
  readonly #ifaces = new Map<string, WorkloadIface>();
  readonly #pending = new Set<string>();
  /** Pending interfaces that did not exist at the last attempt. */
  readonly #missing = new Set<string>();
  #ipv6Present: boolean | undefined;

  constructor(options: WorkloadSysctlsOptions) {
    this.#sysctl = options.sysctl;
    this.#ipv6Enabled = options.ipv6Enabled;
    this.#log = options.log;
  }

  /** Record an interface (new or changed); its sysctls are written at the next apply. */
  set(name: string, iface: WorkloadIface): void {
    const old = this.#ifaces.get(name);
    if (old?.hasIPv6 === iface.hasIPv6 && old.allowSpoofing === iface.allowSpoofing) return;
    this.#ifaces.set(name, iface);
    this.#pending.add(name);
  }

  /** Forget an interface. */
  delete(name: string): void {
    this.#ifaces.delete(name);
    this.#pending.delete(name);
    this.#missing.delete(name);
  }

  /**
   * Write interface `name`'s sysctls again at the next apply (it appeared, or was re-created);
   * false if no workload uses it.
   */
  requeue(name: string): boolean {
    if (!this.#ifaces.has(name)) return false;
    this.#pending.add(name);
    return true;
  }

  /** Whether interface `name` waits for its sysctls. */
  isPending(name: string): boolean {
    return this.#pending.has(name);
  }

  /** Write every interface's sysctls again (resync: an interface may have been re-created). */
  requeueAll(): void {
    for (const name of this.#ifaces.keys()) this.#pending.add(name);
  }

  /** Interfaces waiting to appear. */
  get missing(): ReadonlySet<string> {
    return this.#missing;
  }

  /** Whether some interface is still pending. */
  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  /** Write the pending interfaces' sysctls; throws on an error other than a missing interface. */
  async apply(): Promise<void> {
    this.#ipv6Present ??= !this.#ipv6Enabled ||
      await this.#sysctl.exists("/proc/sys/net/ipv6");
    const ipv6 = this.#ipv6Enabled && this.#ipv6Present;
    for (const name of [...this.#pending]) {
      const iface = this.#ifaces.get(name)!;
      if (await this.#writeAll(name, workloadSysctls(name, iface, ipv6))) {
        this.#pending.delete(name);
        this.#missing.delete(name);
      } else if (!this.#missing.has(name)) {
        this.#missing.add(name);
        this.#log.info("Workload interface does not exist yet; will set its sysctls later", {
          iface: name,
        });
      }
    }
  }

  /** False when the interface is missing (its first path does not exist). */
  async #writeAll(name: string, pairs: readonly [string, string][]): Promise<boolean> {
    for (const [path, value] of pairs) {
      try {
        await this.#sysctl.write(path, value);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
        if (path.includes("/ipv6/")) continue; // IPv6 off on this interface only.
        return false;
      }
    }
    this.#log.debug("Set workload interface sysctls", { iface: name, count: pairs.length });
    return true;
  }
}
