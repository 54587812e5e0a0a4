/**
 * nftables dataplane benches, in a network namespace of their own (root only):
 *
 * - the full apply of the calc-graph bench cluster (10,000 endpoints of which 200 local, 1,000
 *   policies of 5 rules, 500 network sets) through the agent's path: the in-sync messages into
 *   the Linux managers, render, plan, and one transaction per table through libnftables;
 * - `nft -f` of the very scripts that apply sent (one process per table, as an operator or a
 *   CLI-based agent would run them), and libnftables on the same scripts without the render;
 * - one local endpoint added (and removed) after in-sync: the time, and the size of the
 *   transaction it produced (printed once).
 *
 * The managers are composed here as `buildManagers` (src/daemon/dataplane.ts) composes the
 * nftables part, with in-memory sysctls and addresses: the only OS access is the libnftables
 * context, opened inside the bench namespace, so nothing can reach the root namespace.
 *
 * Run: deno bench -A tests/bench/nft_apply_bench.ts
 * Sizes and breakdowns only (no timing loops):
 *   deno run -A tests/bench/nft_apply_bench.ts --sizes-only
 *
 * @module
 */
import { CalcGraph } from "../../src/calc/calc_graph.ts";
import { Config } from "../../src/config/config.ts";
import { NULL_LOG } from "../../src/lib/log.ts";
import type { KVUpdate } from "../../src/model/kv.ts";
import type { ToDataplane } from "../../src/proto/messages.ts";
import { EndpointManager } from "../../src/dataplane/linux/endpoint_manager.ts";
import { HostIPsManager } from "../../src/dataplane/linux/host_ips_manager.ts";
import { StaticAddresses } from "../../src/dataplane/linux/interface_addrs.ts";
import { InternalDataplane } from "../../src/dataplane/linux/internal_dataplane.ts";
import { IPSetsManager } from "../../src/dataplane/linux/ipsets_manager.ts";
import { MasqManager } from "../../src/dataplane/linux/masq_manager.ts";
import { NftablesManager } from "../../src/dataplane/linux/nftables_manager.ts";
import { PolicyManager } from "../../src/dataplane/linux/policy_manager.ts";
import { RenderState } from "../../src/dataplane/linux/render_state.ts";
import { MemorySysctl } from "../../src/dataplane/linux/sysctl.ts";
import {
  LibnftablesExecutor,
  type NftExecutor,
} from "../../src/dataplane/nftables/nft_executor.ts";
import type { NftFamily } from "../../src/dataplane/nftables/nft_model.ts";
import { rulesConfigFrom } from "../../src/dataplane/rules/render_input.ts";
import { Libnftables } from "../../native/nftables.ts";
import { withNetns } from "../../native/netlink_netns.ts";
import { clusterUpdates, convertAll, HOSTNAME, pod } from "./calc_workload.ts";

const ROOT = Deno.uid() === 0;
const NS = `nftbench${Deno.pid}`;
const TABLES = ["ip calico", "ip6 calico"];

function ip(args: string[]): void {
  new Deno.Command("ip", { args, stdout: "null", stderr: "null" }).outputSync();
}

if (ROOT) {
  ip(["netns", "add", NS]);
  globalThis.addEventListener("unload", () => ip(["netns", "del", NS]));
}

/** One transaction as the executor saw it. */
interface Transaction {
  readonly script: string;
  readonly ms: number;
}

/** The real executor, recording what it runs. */
class RecordingExecutor implements NftExecutor {
  readonly #inner = new LibnftablesExecutor({
    open: () => withNetns(NS, () => Libnftables.open()),
  });
  log: Transaction[] = [];

  async run(script: string): Promise<void> {
    const t0 = performance.now();
    await this.#inner.run(script);
    this.log.push({ script, ms: performance.now() - t0 });
  }

  listTable(family: NftFamily, table: string): Promise<string | undefined> {
    return this.#inner.listTable(family, table);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

const config = new Config({ hostname: HOSTNAME });
config.updateFrom("environment", { FELIX_NFTABLESMODE: "Enabled" });
const VALUES = config.values;

/** The last nftables manager made, for its apply report. */
let lastNftManager: NftablesManager | undefined;

/** The nftables managers of the Linux dataplane, as `buildManagers` lists them. */
function newDataplane(executor: NftExecutor): InternalDataplane {
  const state = new RenderState(rulesConfigFrom(VALUES));
  const addresses = new StaticAddresses([
    { name: "eth0", addrs: ["192.168.0.1"] },
  ]);
  const managers = [
    new IPSetsManager({ state }),
    new PolicyManager({ state }),
    new EndpointManager({
      state,
      ipv6Enabled: VALUES.Ipv6Support,
      log: NULL_LOG,
      sysctl: new MemorySysctl(),
      addresses,
    }),
    new MasqManager({ state }),
    new HostIPsManager({
      state,
      hostname: HOSTNAME,
      interfacePrefixes: ["cali"],
      externalNodesCIDRs: [],
      log: NULL_LOG,
      addresses,
    }),
    lastNftManager = new NftablesManager({ state, config: VALUES, executor, log: NULL_LOG }),
  ];
  return new InternalDataplane({ managers, resyncIntervalMs: 0, applyIntervalMs: 0 });
}

const UPDATES = ROOT ? clusterUpdates(10_000) : [];

function snapshotMessages(graph: CalcGraph, updates: readonly KVUpdate[]): readonly ToDataplane[] {
  graph.onUpdates(updates);
  graph.onInSync();
  return graph.flush();
}

/** A libnftables context in the bench namespace, for table deletion and the FFI-only runs. */
const ctx = ROOT ? withNetns(NS, () => Libnftables.open()) : undefined;

async function deleteTables(): Promise<void> {
  const script = TABLES.map((t) => `add table ${t}\ndelete table ${t}\n`).join("");
  const r = await ctx!.run(script);
  if (!r.ok) throw new Error(`Cannot delete the bench tables: ${r.error}`);
}

/** Full apply through the agent's path; resolves with the transactions it ran. */
async function agentApply(b?: Deno.BenchContext): Promise<Transaction[]> {
  await deleteTables();
  const messages = snapshotMessages(new CalcGraph({ hostname: HOSTNAME }), UPDATES);
  const rec = new RecordingExecutor();
  const dp = newDataplane(rec);
  b?.start();
  dp.onMessages(messages);
  await dp.settled();
  b?.end();
  await dp.close();
  await rec.close();
  return rec.log;
}

const FULL = ROOT ? await agentApply() : [];
const FULL_BREAKDOWN = ROOT ? breakdown(FULL) : "";
const SCRIPT_FILES = FULL.map((t, i) => {
  const path = Deno.makeTempFileSync({ prefix: `nftbench-${i}-`, suffix: ".nft" });
  Deno.writeTextFileSync(path, t.script);
  return path;
});
globalThis.addEventListener("unload", () => SCRIPT_FILES.forEach((f) => Deno.removeSync(f)));

Deno.bench({
  name:
    "full apply via the agent (calc output -> managers -> render -> libnftables), 200 local endpoints, 1,000 policies",
  group: "full apply",
  baseline: true,
  ignore: !ROOT,
  n: 5,
  warmup: 1,
  async fn(b) {
    await agentApply(b);
  },
});

Deno.bench({
  name: "nft -f of the same scripts (one process per table)",
  group: "full apply",
  ignore: !ROOT,
  n: 5,
  warmup: 1,
  async fn(b) {
    await deleteTables();
    b.start();
    for (const f of SCRIPT_FILES) {
      const out = await new Deno.Command("ip", { args: ["netns", "exec", NS, "nft", "-f", f] })
        .output();
      if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    }
    b.end();
  },
});

Deno.bench({
  name: "libnftables of the same scripts (no render, no plan)",
  group: "full apply",
  ignore: !ROOT,
  n: 5,
  warmup: 1,
  async fn(b) {
    await deleteTables();
    b.start();
    for (const t of FULL) {
      const r = await ctx!.run(t.script);
      if (!r.ok) throw new Error(r.error);
    }
    b.end();
  },
});

/** A dataplane in sync with the cluster, and a local endpoint to add and remove. */
async function inSyncToggler(): Promise<{
  readonly toggle: () => Promise<Transaction[]>;
  readonly resync: () => Promise<void>;
  readonly close: () => Promise<void>;
}> {
  await deleteTables();
  const graph = new CalcGraph({ hostname: HOSTNAME });
  const rec = new RecordingExecutor();
  const dp = newDataplane(rec);
  dp.onMessages(snapshotMessages(graph, UPDATES));
  await dp.settled();
  const added = convertAll([pod(20_000, 20_001)]);
  const removed = added.map((u) => ({ ...u, value: null }) as KVUpdate);
  let present = false;
  return {
    async toggle() {
      rec.log = [];
      graph.onUpdates(present ? removed : added);
      present = !present;
      dp.onMessages(graph.flush());
      await dp.settled();
      return rec.log;
    },
    async resync() {
      dp.resync();
      await dp.settled();
    },
    async close() {
      await dp.close();
      await rec.close();
    },
  };
}

const incremental = ROOT ? await inSyncToggler() : undefined;
let resynced = false;

Deno.bench({
  name: "one local endpoint added / removed after in-sync (calc flush -> libnftables)",
  group: "incremental",
  ignore: !ROOT,
  n: 40,
  warmup: 4,
  async fn() {
    // The full-apply benches above rebuilt the tables: re-read them once first.
    if (!resynced) await incremental!.resync();
    resynced = true;
    await incremental!.toggle();
  },
});

/**
 * Render time and per-table reconcile time of the last nftables apply, each reconcile split into
 * its transaction (`ts`, the kernel's part) and the rest (read-back, planning, script text).
 */
function breakdown(ts: readonly Transaction[]): string {
  const r = lastNftManager?.lastReport;
  if (r === undefined) return "no report";
  const tables = r.results.map((x) => {
    const kernel = ts.filter((t) => ` ${t.script.split("\n", 1)[0]} `.includes(` ${x.table} `))
      .reduce((sum, t) => sum + t.ms, 0);
    return `${x.table} ${x.durationMs.toFixed(1)} ms (transaction ${kernel.toFixed(1)} ms, ` +
      `rest ${(x.durationMs - kernel).toFixed(1)} ms)`;
  }).join(", ");
  return `render ${r.renderMs.toFixed(1)} ms; reconcile ${tables}`;
}

function describe(ts: readonly Transaction[]): string {
  return ts.map((t) => {
    const lines = t.script.split("\n").filter((l) => l.trim() !== "").length;
    return `${
      t.script.split("\n")[0]?.slice(0, 40)
    }...: ${t.script.length} bytes, ${lines} lines, ${t.ms.toFixed(1)} ms`;
  }).join("; ");
}

if (ROOT) {
  const timed = async () => {
    const t0 = performance.now();
    const ts = await incremental!.toggle();
    return `${(performance.now() - t0).toFixed(0)} ms in all (${breakdown(ts)}): ${describe(ts)}`;
  };
  const add = await timed();
  const remove = await timed();
  const sizes = [
    `full apply (${FULL_BREAKDOWN}): ${describe(FULL)}`,
    `endpoint added: ${add}`,
    `endpoint removed: ${remove}`,
  ];
  Deno.stdout.writeSync(
    new TextEncoder().encode(sizes.map((s) => `nft_apply_bench: ${s}\n`).join("")),
  );
  if (Deno.args.includes("--sizes-only")) {
    await incremental!.close();
    await ctx!.close();
    Deno.exit(0); // runs the unload handlers: the namespace and the script files go
  }
}
