/**
 * Heap retained by a calc graph holding the bench cluster (measured from before the updates were
 * built to after they were dropped, so it counts the values the graph keeps), and the messages of
 * its in-sync flush. Prints one line per size.
 *
 * Run: deno run -A --v8-flags=--expose-gc tests/bench/calc_graph_memory.ts
 */
import { CalcGraph } from "../../src/calc/calc_graph.ts";
import type { KVUpdate } from "../../src/model/kv.ts";
import { clusterUpdates, convertAll, HOSTNAME, pod, policy } from "./calc_workload.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("Run with --v8-flags=--expose-gc");

function heapMiB(): number {
  gc!();
  return Deno.memoryUsage().heapUsed / 2 ** 20;
}

for (const size of [10_000, 100_000]) {
  const before = heapMiB();
  let updates = clusterUpdates(size);
  const count = updates.length;
  const start = performance.now();
  const graph = new CalcGraph({ hostname: HOSTNAME });
  graph.onUpdates(updates);
  graph.onInSync();
  const messages = graph.flush();
  const ms = performance.now() - start;
  updates = [];
  const after = heapMiB();
  Deno.stdout.writeSync(new TextEncoder().encode(
    `${size} endpoints: ${count} updates -> ${messages.length} messages in ${ms.toFixed(0)} ms; ` +
      `graph retains ${(after - before).toFixed(1)} MiB of heap ` +
      `(rss ${(Deno.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)\n`,
  ));
  const single = (label: string, u: KVUpdate[]) => {
    graph.onUpdates(u);
    const out = graph.flush();
    return `${label}: ${out.length} (${[...new Set(out.map((m) => m.type))].join(", ")})`;
  };
  const added = convertAll([pod(size + 1, size + 2)]);
  const lines = [
    single("remote label change", convertAll([pod(size - 4, 200, "app-3")])),
    single("local endpoint added", added),
    single("local endpoint removed", added.map((u) => ({ ...u, value: null }) as KVUpdate)),
    single("policy edited", convertAll([policy(3, 8081)])),
  ];
  Deno.stdout.writeSync(new TextEncoder().encode(`  messages per update: ${lines.join("; ")}\n`));
}
