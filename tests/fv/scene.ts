/**
 * One FV scenario's world: a topology (host, outside, workloads), a probe in every namespace
 * serving the scenario's ports, the datastore file the agent reads (cluster info, the node, the
 * namespaces and pods, plus the scenario's policy documents), and the agent runs.
 *
 * Peers for the matrix: every pod by name, `host` (the host namespace at its uplink address),
 * `outside` (the outside namespace on the uplink) and `internet` (the outside namespace's
 * off-link address, reached through the host's default route; probes from `internet` leave from
 * that address).
 *
 * @module
 */
import { stringify } from "yaml";
import {
  clusterInformation,
  type Doc,
  k8sNode,
  namespace,
  pod,
  type PodPort,
} from "../calc_fv/resources.ts";
import { type AgentOptions, applyOnce, Daemon, type OnceResult } from "./agent.ts";
import type { Peer } from "./matrix.ts";
import { Topology, UPLINK } from "./netns.ts";
import { ProbeProcess } from "./probe_client.ts";

/** The node the agent runs as. */
export const NODE = "node-1";

/** A pod of the scenario. */
export interface PodDef {
  readonly name: string;
  readonly ns: string;
  readonly ipv4: string;
  readonly ipv6?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ports?: readonly PodPort[];
  readonly serviceAccount?: string;
  /** Wired up but absent from the datastore (an unknown `cali` interface to the agent). */
  readonly unlisted?: boolean;
  /** In the datastore but wired only by `wireLate()`. */
  readonly late?: boolean;
}

/** What a scenario is made of. */
export interface SceneOptions {
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly pods: readonly PodDef[];
  /** Ports every probe (pods, host, outside) serves. */
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
  /** Extra `FELIX_*` variables for every agent run. */
  readonly env?: Readonly<Record<string, string>>;
  /** Passed to `Topology.create`. */
  readonly cniSysctls?: boolean;
  readonly outsideRoutesToPods?: boolean;
}

/** A running scenario. */
export class Scene {
  readonly topology: Topology;
  readonly peers = new Map<string, Peer>();
  readonly datastoreFile: string;
  readonly #opts: SceneOptions;
  readonly #dir: string;

  private constructor(topology: Topology, dir: string, opts: SceneOptions) {
    this.topology = topology;
    this.#dir = dir;
    this.datastoreFile = `${dir}/datastore.yaml`;
    this.#opts = opts;
  }

  /** Build everything; on failure, whatever was built is removed again. */
  static async create(opts: SceneOptions): Promise<Scene> {
    const topology = await Topology.create({
      ...(opts.cniSysctls === undefined ? {} : { cniSysctls: opts.cniSysctls }),
      ...(opts.outsideRoutesToPods === undefined
        ? {}
        : { outsideRoutesToPods: opts.outsideRoutesToPods }),
    });
    const dir = await Deno.makeTempDir({ prefix: `${topology.id}-` });
    topology.onDispose(() => Deno.remove(dir, { recursive: true }));
    const scene = new Scene(topology, dir, opts);
    try {
      await scene.#startProbes();
    } catch (e) {
      await topology.dispose();
      throw e;
    }
    return scene;
  }

  async #startProbe(name: string, netns: string, ipv4: string, ipv6?: string): Promise<void> {
    const probe = await ProbeProcess.start(netns);
    this.topology.onDispose(() => probe.stop());
    await probe.serve(this.#opts.tcp, this.#opts.udp);
    this.peers.set(name, { probe, ipv4, ...(ipv6 === undefined ? {} : { ipv6 }) });
  }

  async #wire(p: PodDef): Promise<void> {
    const w = await this.topology.addWorkload({
      namespace: p.ns,
      pod: p.name,
      ipv4: p.ipv4,
      ...(p.ipv6 === undefined ? {} : { ipv6: p.ipv6 }),
    });
    await this.#startProbe(p.name, w.netns, p.ipv4, p.ipv6);
  }

  /** Wire a `late` pod now (its interface appears after the agent has seen the pod). */
  async wireLate(name: string): Promise<void> {
    const p = this.#opts.pods.find((x) => x.name === name && x.late === true);
    if (p === undefined) throw new TypeError(`Scene has no late pod "${name}"`);
    await this.#wire(p);
  }

  async #startProbes(): Promise<void> {
    const t = this.topology;
    for (const p of this.#opts.pods) {
      if (p.late !== true) await this.#wire(p);
    }
    await this.#startProbe("host", t.hostNs, UPLINK.hostV4, UPLINK.hostV6);
    await this.#startProbe("outside", t.outsideNs, UPLINK.outsideV4, UPLINK.outsideV6);
    const out = this.peers.get("outside");
    if (out !== undefined) {
      this.peers.set("internet", {
        ...out,
        ipv4: UPLINK.internetV4,
        ipv6: UPLINK.internetV6,
        bound: true,
      });
    }
  }

  /** The cluster without policy: cluster info, the node, namespaces, pods. */
  baseDocs(omitPods: readonly string[] = []): Doc[] {
    const docs: Doc[] = [
      clusterInformation({ datastoreReady: true }),
      k8sNode(NODE, {
        ipv4: `${UPLINK.hostV4}/24`,
        ipv6: `${UPLINK.hostV6}/64`,
        internalIPs: [UPLINK.hostV4],
      }),
    ];
    for (const [name, labels] of Object.entries(this.#opts.namespaces)) {
      docs.push(namespace(name, { "kubernetes.io/metadata.name": name, ...labels }));
    }
    const listed = (p: PodDef) => p.unlisted !== true && !omitPods.includes(p.name);
    for (const p of this.#opts.pods.filter(listed)) {
      docs.push(pod({
        name: p.name,
        ns: p.ns,
        node: NODE,
        ips: p.ipv6 === undefined ? [p.ipv4] : [p.ipv4, p.ipv6],
        ...(p.labels === undefined ? {} : { labels: p.labels }),
        ...(p.ports === undefined ? {} : { ports: p.ports }),
        ...(p.serviceAccount === undefined ? {} : { serviceAccount: p.serviceAccount }),
      }));
    }
    return docs;
  }

  /**
   * Write the datastore file (base docs without `omitPods`, + `extra`), atomically (write, then
   * rename).
   */
  async writeDatastore(extra: readonly Doc[], omitPods: readonly string[] = []): Promise<void> {
    const docs = [...this.baseDocs(omitPods), ...extra];
    const text = docs.map((d) => stringify(d)).join("---\n");
    const tmp = `${this.datastoreFile}.tmp`;
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, this.datastoreFile);
  }

  /** How the agent runs for this scene (`env` adds to the scene's). */
  agentOptions(env: Readonly<Record<string, string>> = {}): AgentOptions {
    return {
      hostNs: this.topology.hostNs,
      datastoreFile: this.datastoreFile,
      hostname: NODE,
      env: { ...this.#opts.env, ...env },
    };
  }

  /** Write the datastore (without `omitPods`) and program it with `felix --once --apply`. */
  async program(extra: readonly Doc[], omitPods: readonly string[] = []): Promise<OnceResult> {
    await this.writeDatastore(extra, omitPods);
    return await applyOnce(this.agentOptions());
  }

  /** Start the daemon; it is stopped at dispose time if the test did not stop it. */
  startDaemon(env: Readonly<Record<string, string>> = {}): Daemon {
    const d = Daemon.start(this.agentOptions(env));
    this.topology.onDispose(async () => {
      if (d.exited === undefined) await d.stop();
    });
    return d;
  }

  /** Stop every process and remove every namespace and file. */
  dispose(): Promise<void> {
    return this.topology.dispose();
  }
}
