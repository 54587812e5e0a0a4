/**
 * FV, nftables, daemon: restart. While two probers hammer denied cells every 20 ms and a
 * long-lived allowed TCP connection echoes a byte every 50 ms, `felix` is stopped with SIGTERM,
 * left stopped for a moment, and started again. No denied probe may get through at any moment,
 * and the established connection must survive (no error, bytes still echoed afterwards).
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { assertMatrix, type Cell } from "./matrix.ts";
import { k8sNp } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";
import { report, sleep } from "./wait.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "client", ns: "alpha", ipv4: "10.65.12.1", labels: { app: "client" } },
  { name: "srv", ns: "alpha", ipv4: "10.65.12.2", labels: { app: "srv" } },
  { name: "other", ns: "alpha", ipv4: "10.65.12.3", labels: { app: "other" } },
] as const;

const SRV_POLICY = k8sNp("alpha", "srv-from-client", {
  podSelector: { matchLabels: { app: "srv" } },
  policyTypes: ["Ingress"],
  ingress: [{
    from: [{ podSelector: { matchLabels: { app: "client" } } }],
    ports: [{ protocol: "TCP", port: 8080 }],
  }],
});

const CELLS: Cell[] = [
  { from: "client", to: "srv", proto: "tcp", port: 8080, expect: "allow" },
  { from: "client", to: "srv", proto: "tcp", port: 9090, expect: "deny" },
  { from: "other", to: "srv", proto: "tcp", port: 8080, expect: "deny" },
  { from: "other", to: "srv", proto: "udp", port: 5353, expect: "deny" },
];

Deno.test({
  name: "nftables daemon: a restart lets no denied flow through and keeps established flows",
  ignore: AGENT_SKIP,
  fn: async () => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [8080, 9090],
      udp: [5353],
    });
    try {
      await scene.writeDatastore([SRV_POLICY]);
      const first = scene.startDaemon();
      await first.waitForLog(/Dataplane in sync/, 30_000);
      await assertMatrix("first start", scene.peers, CELLS);
      const client = scene.peers.get("client")!.probe;
      const other = scene.peers.get("other")!.probe;
      await client.hold("10.65.12.2", 8080);
      await client.hammer({ proto: "tcp", host: "10.65.12.2", port: 9090 }, 20, 300);
      await other.hammer({ proto: "tcp", host: "10.65.12.2", port: 8080 }, 20, 300);
      await sleep(500);
      const held = await client.holdStatus();
      ok(held.received > 0, `the held connection echoed nothing: ${JSON.stringify(held)}`);

      const stopped = await first.stop();
      ok(stopped.signal !== "SIGKILL", `felix ignored SIGTERM:\n${first.log.slice(-2000)}`);
      await sleep(1000);
      const second = scene.startDaemon();
      // The rules left by the first agent still hold the matrix; wait for the second one to
      // have programmed (its first apply after in-sync), then keep hammering a little longer.
      await second.waitForLog(/Dataplane in sync/, 30_000);
      await assertMatrix("after restart", scene.peers, CELLS);
      await sleep(2000);
      ok(second.exited === undefined, `the second felix exited:\n${second.log.slice(-2000)}`);

      const hammered = await Promise.all([client.hammerStop(), other.hammerStop()]);
      const after = await client.holdStatus();
      report(
        `restart: denied probes ${hammered.map((h) => `${h.successes}/${h.attempts}`)}` +
          ` got through; held connection ${JSON.stringify(after)}`,
      );
      deepEqual(hammered.map((h) => h.successes), [0, 0]);
      ok(hammered.every((h) => h.attempts > 100), `too few attempts: ${JSON.stringify(hammered)}`);
      equal(after.error, null);
      ok(
        after.received > held.received + 50,
        `no echoes after the restart: ${JSON.stringify(after)}`,
      );
      ok(after.maxGapMs < 1000, `the held connection stalled for ${after.maxGapMs} ms`);
    } finally {
      await scene.dispose();
    }
  },
});
