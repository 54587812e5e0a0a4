/**
 * Calc-graph benches: a whole cluster's snapshot to the flushed in-sync output (10,000 and
 * 100,000 endpoints, 200 local; 1,000 policies of 5 rules; 500 network sets), and single updates
 * after in-sync. The snapshot is also the baseline for the single updates: it is what a
 * recompute-everything design would pay for each change.
 *
 * Run: deno bench -A tests/bench/calc_graph_bench.ts
 * Heap and message counts: deno run -A --v8-flags=--expose-gc tests/bench/calc_graph_memory.ts
 */
import { CalcGraph } from "../../src/calc/calc_graph.ts";
import type { KVUpdate } from "../../src/model/kv.ts";
import { clusterUpdates, convertAll, HOSTNAME, pod, policy } from "./calc_workload.ts";

const small = clusterUpdates(10_000);
const large = clusterUpdates(100_000);

function snapshot(updates: readonly KVUpdate[]): CalcGraph {
  const g = new CalcGraph({ hostname: HOSTNAME });
  g.onUpdates(updates);
  g.onInSync();
  g.flush();
  return g;
}

Deno.bench({
  name: "snapshot: 10,000 endpoints, 1,000 policies, 500 network sets -> in-sync output",
  group: "snapshot",
  n: 5,
  warmup: 1,
  fn() {
    snapshot(small);
  },
});

Deno.bench({
  name: "snapshot: 100,000 endpoints, 1,000 policies, 500 network sets -> in-sync output",
  group: "snapshot",
  n: 3,
  warmup: 1,
  fn() {
    snapshot(large);
  },
});

/** Two alternating updates applied to a graph in sync: each call applies the next and flushes. */
function toggler(base: readonly KVUpdate[], a: KVUpdate[], b: KVUpdate[]): () => void {
  const g = snapshot(base);
  let flip = false;
  return () => {
    g.onUpdates(flip ? a : b);
    g.flush();
    flip = !flip;
  };
}

for (
  const [label, base, size] of [["10,000", small, 10_000], ["100,000", large, 100_000]] as const
) {
  // A pod on another node with role web and version v1, so its labels feed rule IP sets.
  const remote = size - 4;
  const relabel = toggler(
    base,
    convertAll([pod(remote, 200)]),
    convertAll([pod(remote, 200, "app-3")]),
  );
  Deno.bench({
    name: `update (${label} endpoints): remote endpoint label change`,
    group: `update ${label}`,
    fn: relabel,
  });

  const added = convertAll([pod(size + 1, size + 2)]);
  const removed = added.map((u) => ({ ...u, value: null }) as KVUpdate);
  const addRemove = toggler(base, removed, added);
  Deno.bench({
    name: `update (${label} endpoints): local endpoint added / removed`,
    group: `update ${label}`,
    fn: addRemove,
  });

  const edit = toggler(base, convertAll([policy(3)]), convertAll([policy(3, 8081)]));
  Deno.bench({
    name: `update (${label} endpoints): policy edited (a rule's port)`,
    group: `update ${label}`,
    fn: edit,
  });
}
