/**
 * FV, nftables, daemon: with `felix` running, an edit of the datastore file flips a cell of the
 * matrix. The time from the file's rename to the first probe that sees the new verdict is
 * measured in both directions (allow -> deny and deny -> allow) over a few runs; the medians are
 * reported on stderr (they go into docs/PERFORMANCE.md) and must stay under a generous bound.
 */
import { equal, ok } from "node:assert/strict";
import { assertMatrix, type Cell } from "./matrix.ts";
import { k8sNp } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";
import { median, nowMs, report, sleep } from "./wait.ts";

const AGENT_SKIP = await agentSkip();
const RUNS = 3;
/** A flip must be seen within this long (the debounce, an apply, and slack for 2 busy cores). */
const BOUND_MS = 5000;

const PODS = [
  { name: "client", ns: "alpha", ipv4: "10.65.10.1", labels: { app: "client" } },
  { name: "srv", ns: "alpha", ipv4: "10.65.10.2", labels: { app: "srv" } },
] as const;

const DENY = k8sNp("alpha", "srv-deny", {
  podSelector: { matchLabels: { app: "srv" } },
  policyTypes: ["Ingress"],
});

const cell = (expect: "allow" | "deny"): Cell => ({
  from: "client",
  to: "srv",
  proto: "tcp",
  port: 8080,
  expect,
});

Deno.test({
  name: "nftables daemon: a datastore edit flips a matrix cell; the flip time is measured",
  ignore: AGENT_SKIP,
  fn: async () => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [8080],
      udp: [],
    });
    try {
      await scene.writeDatastore([]);
      const daemon = scene.startDaemon();
      await daemon.waitForLog(/Dataplane in sync/, 30_000);
      await assertMatrix("start", scene.peers, [cell("allow")]);
      const client = scene.peers.get("client")!.probe;
      const flips: Record<"deny" | "allow", number[]> = { deny: [], allow: [] };
      for (let i = 0; i < 2 * RUNS; i++) {
        const to = i % 2 === 0 ? "deny" : "allow";
        const watch = client.until(
          { proto: "tcp", host: "10.65.10.2", port: 8080 },
          to === "deny" ? "timeout" : "ok",
          { intervalMs: 20, timeoutMs: 300, maxMs: 20_000 },
        );
        await sleep(100);
        const before = await Promise.race([watch, sleep(0).then(() => "pending")]);
        equal(before, "pending", `the probe saw "${to}" before the edit`);
        await scene.writeDatastore(to === "deny" ? [DENY] : []);
        const written = nowMs();
        const at = await watch;
        ok(at !== undefined, `no probe saw "${to}" within 20 s of the edit`);
        ok(at >= written - 25, `a probe saw "${to}" ${written - at} ms before the edit`);
        flips[to].push(Math.max(0, at - written));
        await assertMatrix(`after flip ${i}`, scene.peers, [cell(to)]);
      }
      const deny = median(flips.deny), allow = median(flips.allow);
      report(
        `live change: allow->deny median ${deny.toFixed(0)} ms [${
          flips.deny.map((x) => x.toFixed(0))
        }]` +
          `, deny->allow median ${allow.toFixed(0)} ms [${flips.allow.map((x) => x.toFixed(0))}]`,
      );
      ok(
        deny < BOUND_MS && allow < BOUND_MS,
        `flip medians ${deny} / ${allow} ms over ${BOUND_MS}`,
      );
      const status = await daemon.stop();
      ok(status.signal !== "SIGKILL", `felix ignored SIGTERM:\n${daemon.log.slice(-2000)}`);
    } finally {
      await scene.dispose();
    }
  },
});
