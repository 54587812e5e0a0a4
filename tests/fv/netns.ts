/**
 * The FV topology: one "host" network namespace (where the agent runs), workload namespaces
 * joined to it by veth pairs the way the Calico CNI plugin builds them, and an "outside"
 * namespace behind the host's `eth0` (the node's uplink, for natOutgoing, CIDR and host-endpoint
 * tests). Nothing is created in the root namespace: every link is made inside a test namespace.
 *
 * Workload wiring (as the CNI plugin does it): host side `cali` + 11 hex of SHA-1
 * ("<namespace>.<pod>") with MAC ee:ee:ee:ee:ee:ee (so its link-local is
 * fe80::ecee:eeff:feee:eeee), workload side `eth0` with a /32 (and /128), a default route via
 * 169.254.1.1 (v6: via fe80::ecee:eeff:feee:eeee) that the host side answers by proxy ARP, and
 * a host route `<ip>/32 dev cali...`. The CNI plugin also sets the host side's sysctls
 * (proxy_arp, proxy_delay, forwarding; v6 proxy_ndp, forwarding) and ip_forward; so does the
 * harness, unless `cniSysctls: false` leaves it to the agent.
 *
 * Names are unique per topology (`fv<pid>x<random>-...`), so test files running in parallel do
 * not collide; `dispose()` removes every namespace even after a failure, and `sweepStale()`
 * removes namespaces left by a killed run (their pid is gone).
 *
 * @module
 */
import { podInterfaceName } from "../../src/model/convert_pod.ts";
import { ipIn, run, sysctlIn, tryRun } from "./cmd.ts";

/** The host's uplink address and the outside namespace's address on that link. */
export const UPLINK = {
  hostV4: "10.99.0.1",
  outsideV4: "10.99.0.2",
  hostV6: "fd99::1",
  outsideV6: "fd99::2",
  /** An "internet" address on the outside namespace, not on the uplink subnet. */
  internetV4: "198.18.0.10",
  internetV6: "fd18::10",
} as const;

/** The pod CIDRs the outside namespace routes back through the host (when asked to). */
export const POD_CIDR_V4 = "10.65.0.0/16";
export const POD_CIDR_V6 = "fd65::/64";

/** The gateway every workload routes through. */
export const WORKLOAD_GATEWAY_V4 = "169.254.1.1";
export const WORKLOAD_GATEWAY_V6 = "fe80::ecee:eeff:feee:eeee";

/** A workload to wire up. */
export interface WorkloadSpec {
  readonly namespace: string;
  readonly pod: string;
  readonly ipv4: string;
  readonly ipv6?: string;
}

/** A wired workload. */
export interface Workload extends WorkloadSpec {
  /** Its network namespace. */
  readonly netns: string;
  /** The host-side interface (`cali...`). */
  readonly iface: string;
}

/** Options of `Topology.create`. */
export interface TopologyOptions {
  /** Set the per-interface sysctls as the CNI plugin does (default true). */
  readonly cniSysctls?: boolean;
  /** Give the outside namespace routes to the pod CIDRs via the host (default true). */
  readonly outsideRoutesToPods?: boolean;
}

let counter = 0;

function uniquePrefix(): string {
  const rand = crypto.getRandomValues(new Uint8Array(3));
  const hex = [...rand].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `fv${Deno.pid}x${hex}${counter++}`;
}

/** A host namespace with its workloads and the outside namespace. */
export class Topology {
  /** Unique name prefix of every namespace of this topology. */
  readonly id: string;
  readonly hostNs: string;
  readonly outsideNs: string;
  readonly workloads: Workload[] = [];
  readonly #cniSysctls: boolean;
  readonly #namespaces: string[] = [];
  readonly #cleanups: (() => Promise<void>)[] = [];

  private constructor(opts: TopologyOptions) {
    this.id = uniquePrefix();
    this.hostNs = `${this.id}-host`;
    this.outsideNs = `${this.id}-out`;
    this.#cniSysctls = opts.cniSysctls ?? true;
  }

  /** Build the host and outside namespaces and the uplink between them. */
  static async create(opts: TopologyOptions = {}): Promise<Topology> {
    const t = new Topology(opts);
    try {
      await t.#createHost(opts.outsideRoutesToPods ?? true);
    } catch (e) {
      await t.dispose();
      throw e;
    }
    return t;
  }

  async #addNamespace(name: string): Promise<void> {
    await run("ip", ["netns", "add", name]);
    this.#namespaces.push(name);
    await ipIn(name, ["link", "set", "lo", "up"]);
    await sysctlIn(name, ["net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]);
  }

  async #createHost(outsideRoutesToPods: boolean): Promise<void> {
    await this.#addNamespace(this.hostNs);
    await this.#addNamespace(this.outsideNs);
    await sysctlIn(this.hostNs, ["net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"]);
    await ipIn(this.hostNs, [
      "link",
      "add",
      "eth0",
      "type",
      "veth",
      "peer",
      "name",
      "eth0",
      "netns",
      this.outsideNs,
    ]);
    const h = this.hostNs, o = this.outsideNs;
    await ipIn(h, ["addr", "add", `${UPLINK.hostV4}/24`, "dev", "eth0"]);
    await ipIn(h, ["-6", "addr", "add", `${UPLINK.hostV6}/64`, "dev", "eth0", "nodad"]);
    await ipIn(o, ["addr", "add", `${UPLINK.outsideV4}/24`, "dev", "eth0"]);
    await ipIn(o, ["-6", "addr", "add", `${UPLINK.outsideV6}/64`, "dev", "eth0", "nodad"]);
    await ipIn(o, ["addr", "add", `${UPLINK.internetV4}/32`, "dev", "lo"]);
    await ipIn(o, ["-6", "addr", "add", `${UPLINK.internetV6}/128`, "dev", "lo", "nodad"]);
    await ipIn(h, ["link", "set", "eth0", "up"]);
    await ipIn(o, ["link", "set", "eth0", "up"]);
    await ipIn(h, ["route", "add", "default", "via", UPLINK.outsideV4]);
    await ipIn(h, ["-6", "route", "add", "default", "via", UPLINK.outsideV6]);
    if (outsideRoutesToPods) {
      await ipIn(o, ["route", "add", POD_CIDR_V4, "via", UPLINK.hostV4]);
      await ipIn(o, ["-6", "route", "add", POD_CIDR_V6, "via", UPLINK.hostV6]);
    }
  }

  /** Create a workload namespace and wire it to the host as the CNI plugin does. */
  async addWorkload(spec: WorkloadSpec): Promise<Workload> {
    const netns = `${this.id}-w${this.workloads.length}`;
    const iface = podInterfaceName(spec.namespace, spec.pod);
    await this.#addNamespace(netns);
    const h = this.hostNs;
    await ipIn(h, [
      "link",
      "add",
      iface,
      "address",
      "ee:ee:ee:ee:ee:ee",
      "type",
      "veth",
      "peer",
      "name",
      "eth0",
      "netns",
      netns,
    ]);
    if (this.#cniSysctls) await this.#hostSideSysctls(iface, spec.ipv6 !== undefined);
    await ipIn(h, ["link", "set", iface, "up"]);
    await ipIn(netns, ["link", "set", "eth0", "up"]);
    await ipIn(netns, ["addr", "add", `${spec.ipv4}/32`, "dev", "eth0"]);
    await ipIn(netns, ["route", "add", WORKLOAD_GATEWAY_V4, "dev", "eth0", "scope", "link"]);
    await ipIn(netns, ["route", "add", "default", "via", WORKLOAD_GATEWAY_V4, "dev", "eth0"]);
    await ipIn(h, ["route", "add", `${spec.ipv4}/32`, "dev", iface, "scope", "link"]);
    if (spec.ipv6 !== undefined) {
      await ipIn(netns, ["-6", "addr", "add", `${spec.ipv6}/128`, "dev", "eth0", "nodad"]);
      await ipIn(netns, [
        "-6",
        "route",
        "add",
        "default",
        "via",
        WORKLOAD_GATEWAY_V6,
        "dev",
        "eth0",
      ]);
      await ipIn(h, ["-6", "route", "add", `${spec.ipv6}/128`, "dev", iface]);
    }
    const w: Workload = { ...spec, netns, iface };
    this.workloads.push(w);
    return w;
  }

  async #hostSideSysctls(iface: string, v6: boolean): Promise<void> {
    const settings = [
      `net.ipv4.conf.${iface}.proxy_arp=1`,
      `net.ipv4.neigh.${iface}.proxy_delay=0`,
      `net.ipv4.conf.${iface}.forwarding=1`,
    ];
    if (v6) {
      settings.push(`net.ipv6.conf.${iface}.proxy_ndp=1`, `net.ipv6.conf.${iface}.forwarding=1`);
    }
    await sysctlIn(this.hostNs, settings);
  }

  /** Run `fn` at dispose time, before the namespaces go (stop processes here). */
  onDispose(fn: () => Promise<void>): void {
    this.#cleanups.push(fn);
  }

  /** Stop registered processes and delete every namespace; never throws. */
  async dispose(): Promise<void> {
    for (const fn of this.#cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch {
        // Keep cleaning up.
      }
    }
    for (const ns of this.#namespaces.splice(0).reverse()) {
      await tryRun("ip", ["netns", "del", ns]);
    }
  }
}

/** Delete FV namespaces whose creating process no longer exists. */
export async function sweepStale(): Promise<string[]> {
  const list = await tryRun("ip", ["netns", "list"]);
  const removed: string[] = [];
  for (const line of list.stdout.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const m = /^fv(\d+)x[0-9a-f]{6}\d+-/.exec(name);
    if (m === null) continue;
    try {
      Deno.statSync(`/proc/${m[1]}`);
      continue;
    } catch {
      // The owner is gone.
    }
    await tryRun("ip", ["netns", "del", name]);
    removed.push(name);
  }
  return removed;
}
