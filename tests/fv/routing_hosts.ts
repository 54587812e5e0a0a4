/**
 * Two hosts for the routing FV: each is a `Topology` (tests/fv/netns.ts: a host namespace with
 * its uplink to an outside namespace, and CNI-wired workloads), and the two host namespaces are
 * joined by an underlay veth `eth1` (192.168.77.1/24 and .2/24) that carries VXLAN. One routing
 * agent (`routing_agent.ts`) per host, reading the same datastore file.
 *
 * @module
 */
import { join } from "node:path";
import { ipIn, run } from "./cmd.ts";
import { Topology, type Workload } from "./netns.ts";
import { type FvNode, type FvPod, writeCluster } from "./routing_cluster.ts";

const AGENT = new URL("./routing_agent.ts", import.meta.url).pathname;

/** A running routing agent. */
export class RoutingAgent {
  readonly #child: Deno.ChildProcess;
  readonly #lines: string[] = [];
  readonly #stderr: Promise<string>;
  readonly #stdout: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(hostNs: string, args: readonly string[]) {
    this.#child = new Deno.Command("ip", {
      args: ["netns", "exec", hostNs, Deno.execPath(), "run", "-A", AGENT, ...args],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdout = this.#read();
    this.#stderr = new Response(this.#child.stderr).text();
  }

  async #read(): Promise<void> {
    const dec = new TextDecoder();
    let pending = "";
    for await (const chunk of this.#child.stdout) {
      pending += dec.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        this.#lines.push(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        for (const w of this.#waiters.splice(0)) w();
      }
    }
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Stdout lines as JSON. */
  get events(): Record<string, unknown>[] {
    return this.#lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** Wait until `n` applies happened (the first one is the in-sync apply). */
  async applied(n = 1, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.filter((e) => e.applied !== undefined).length < n) {
      if (Date.now() > deadline) {
        throw new Error(
          `Agent did not apply ${n} time(s) in ${timeoutMs} ms: ${await this.#tail()}`,
        );
      }
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  async #tail(): Promise<string> {
    const err = await Promise.race([
      this.#stderr,
      new Promise<string>((r) => setTimeout(() => r("(running)"), 10)),
    ]);
    return err.slice(-2000);
  }

  /** The agent's log (complete once it has exited). */
  stderr(): Promise<string> {
    return this.#stderr;
  }

  /** SIGTERM, wait for exit; the exit line's route totals. */
  async stop(): Promise<{ replaced: number; deleted: number } | undefined> {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // Already exited.
    }
    const status = await this.#child.status;
    await this.#stdout;
    const stderr = await this.#stderr;
    if (!status.success) throw new Error(`Agent exited ${status.code}: ${stderr.slice(-2000)}`);
    const exit = this.events.find((e) => e.exit === true);
    return exit?.totals as { replaced: number; deleted: number } | undefined;
  }
}

/** Two hosts joined by an underlay, with a datastore file both agents watch. */
export class TwoHosts {
  readonly a: Topology;
  readonly b: Topology;
  readonly dir: string;
  readonly datastore: string;
  readonly #agents = new Set<RoutingAgent>();

  private constructor(a: Topology, b: Topology, dir: string) {
    this.a = a;
    this.b = b;
    this.dir = dir;
    this.datastore = join(dir, "cluster.json");
  }

  /** Build both hosts and the underlay (192.168.77.1/24 on A, .2/24 on B). */
  static async create(): Promise<TwoHosts> {
    const a = await Topology.create({ outsideRoutesToPods: false });
    let b: Topology | undefined;
    try {
      b = await Topology.create({ outsideRoutesToPods: false });
      await ipIn(a.hostNs, [
        "link",
        "add",
        "eth1",
        "type",
        "veth",
        "peer",
        "name",
        "eth1",
        "netns",
        b.hostNs,
      ]);
      await ipIn(a.hostNs, ["addr", "add", "192.168.77.1/24", "dev", "eth1"]);
      await ipIn(b.hostNs, ["addr", "add", "192.168.77.2/24", "dev", "eth1"]);
      await ipIn(a.hostNs, ["link", "set", "eth1", "up"]);
      await ipIn(b.hostNs, ["link", "set", "eth1", "up"]);
      const dir = await Deno.makeTempDir({ prefix: "felix-two-host-" });
      return new TwoHosts(a, b, dir);
    } catch (e) {
      await b?.dispose();
      await a.dispose();
      throw e;
    }
  }

  /** Write the datastore (`extra`: more documents, e.g. policies). */
  writeCluster(
    nodes: readonly FvNode[],
    pods: readonly FvPod[],
    extra: readonly unknown[] = [],
  ): Promise<void> {
    return writeCluster(this.datastore, nodes, pods, extra);
  }

  /** Wire a pod's namespace to its host as the CNI plugin does, minus the host route. */
  async addPod(host: Topology, p: FvPod): Promise<Workload> {
    const w = await host.addWorkload({ namespace: p.namespace, pod: p.name, ipv4: p.ip });
    // The agent under test programs the workload route; drop the one the CNI wiring adds.
    await ipIn(host.hostNs, ["route", "del", `${p.ip}/32`, "dev", w.iface]);
    return w;
  }

  /** Start a routing agent for `hostname` in `host`'s namespace. */
  startAgent(host: Topology, hostname: string, extra: readonly string[] = []): RoutingAgent {
    const agent = new RoutingAgent(host.hostNs, [
      "--datastore-file",
      this.datastore,
      "--hostname",
      hostname,
      "--mtu-file",
      join(this.dir, `mtu-${hostname}`),
      ...extra,
    ]);
    this.#agents.add(agent);
    return agent;
  }

  /** Stop an agent started here. */
  async stopAgent(agent: RoutingAgent): Promise<{ replaced: number; deleted: number } | undefined> {
    this.#agents.delete(agent);
    return await agent.stop();
  }

  /** Stop every agent, delete every namespace and the temp dir; never throws. */
  async dispose(): Promise<void> {
    for (const agent of [...this.#agents]) await this.stopAgent(agent).catch(() => undefined);
    await this.b.dispose();
    await this.a.dispose();
    await Deno.remove(this.dir, { recursive: true }).catch(() => undefined);
  }
}

/** `ip route show` lines of a namespace's main table (IPv4), sorted, whitespace trimmed. */
export async function routesIn(ns: string): Promise<string[]> {
  const out = await run("ip", ["-n", ns, "route", "show", "table", "main"]);
  return out.split("\n").map((l) => l.trim()).filter((l) => l !== "").sort();
}

/** Permanent ARP and FDB entries on `vxlan.calico` in a namespace, as text lines. */
export async function vtepEntriesIn(ns: string): Promise<string[]> {
  const arp = await run("ip", [
    "-n",
    ns,
    "neigh",
    "show",
    "dev",
    "vxlan.calico",
    "nud",
    "permanent",
  ]);
  const fdb = await run("bridge", ["-n", ns, "fdb", "show", "dev", "vxlan.calico"]);
  return [
    ...arp.split("\n").filter((l) => l.trim() !== "").map((l) => `arp ${l.trim()}`),
    ...fdb.split("\n").filter((l) => l.includes(" dst ")).map((l) => `fdb ${l.trim()}`),
  ].sort();
}
