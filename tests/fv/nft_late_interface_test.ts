/**
 * FV, nftables, daemon: a workload interface that appears after the agent has computed its
 * endpoint (the CNI plugin creates the veth after the pod is in the datastore, or the agent
 * starts first). The harness leaves the per-interface sysctls to the agent, so the new workload
 * has no proxy ARP, and no connectivity at all, until the agent handles the new interface; then
 * the matrix must hold, policy included. The time from the interface's creation to the first
 * working connection is reported. The agent reacts to the interface monitor's link event, so
 * the first probe after wiring already works: a pod whose first ARP for its gateway went
 * unanswered would wait for the kernel's ARP retry (1 s), so the bound below tells the two apart.
 */
import { ok } from "node:assert/strict";
import { assertMatrix, type Cell } from "./matrix.ts";
import { k8sNp } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";
import { eventually, report } from "./wait.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "early", ns: "alpha", ipv4: "10.65.16.1", labels: { app: "early" } },
  { name: "late", ns: "alpha", ipv4: "10.65.16.2", labels: { app: "late" }, late: true },
] as const;

const LATE_POLICY = k8sNp("alpha", "late-from-early", {
  podSelector: { matchLabels: { app: "late" } },
  policyTypes: ["Ingress"],
  ingress: [{
    from: [{ podSelector: { matchLabels: { app: "early" } } }],
    ports: [{ protocol: "TCP", port: 8080 }],
  }],
});

const CELLS: Cell[] = [
  { from: "early", to: "late", proto: "tcp", port: 8080, expect: "allow" },
  { from: "early", to: "late", proto: "tcp", port: 9090, expect: "deny" },
  { from: "late", to: "early", proto: "tcp", port: 9090, expect: "allow" },
];

Deno.test({
  name: "nftables daemon: a workload interface created after its pod is programmed when it appears",
  ignore: AGENT_SKIP,
  fn: async () => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [8080, 9090],
      udp: [],
      cniSysctls: false,
    });
    try {
      await scene.writeDatastore([LATE_POLICY]);
      const daemon = scene.startDaemon();
      await daemon.waitForLog(/Dataplane in sync/, 30_000);
      const start = performance.now();
      await scene.wireLate("late");
      const { elapsedMs } = await eventually(
        () => assertMatrix("late interface", scene.peers, [CELLS[0]!], { retryTimeoutMs: 300 }),
        20_000,
        50,
      );
      report(
        `late interface: reachable ${(performance.now() - start).toFixed(0)} ms after the veth ` +
          `was created (${elapsedMs.toFixed(0)} ms after wiring finished)`,
      );
      ok(elapsedMs < 500, `reachable ${elapsedMs.toFixed(0)} ms after wiring; expected < 500 ms`);
      await assertMatrix("late interface, full", scene.peers, CELLS);
    } finally {
      await scene.dispose();
    }
  },
});
