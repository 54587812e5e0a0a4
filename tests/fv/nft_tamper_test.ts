/**
 * FV, nftables, daemon: tampering. With `felix` running on a short refresh interval, deleting
 * our tables and flushing one of our chains are both repaired by the periodic resync: the
 * ruleset text comes back exactly as it was and the matrix is right again. A table someone else
 * added (with a base chain and a rule) is left exactly as it was, through resyncs and applies.
 */
import { equal, notEqual, ok } from "node:assert/strict";
import { execIn, tryExecIn } from "./cmd.ts";
import { assertMatrix, type Cell } from "./matrix.ts";
import { k8sNp } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";
import { eventually, report, sleep } from "./wait.ts";

const AGENT_SKIP = await agentSkip();

/** NftablesRefreshInterval (seconds): the period of the dataplane's full resync. */
const FAST_REFRESH = { FELIX_NFTABLESREFRESHINTERVAL: "1" };

const PODS = [
  { name: "client", ns: "alpha", ipv4: "10.65.11.1", ipv6: "fd65::b01", labels: { app: "client" } },
  { name: "srv", ns: "alpha", ipv4: "10.65.11.2", ipv6: "fd65::b02", labels: { app: "srv" } },
  { name: "other", ns: "alpha", ipv4: "10.65.11.3", labels: { app: "other" } },
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
  { from: "client", to: "srv", proto: "tcp", port: 8080, family: 6, expect: "allow" },
  { from: "client", to: "srv", proto: "tcp", port: 9090, expect: "deny" },
  { from: "other", to: "srv", proto: "tcp", port: 8080, expect: "deny" },
  { from: "srv", to: "client", proto: "tcp", port: 9090, expect: "allow" },
];

const FOREIGN = [
  "table ip foreign {",
  "  chain input { type filter hook input priority 10; policy accept;",
  '    tcp dport 4999 counter accept comment "not calico"',
  "  }",
  "}",
].join("\n");

function nft(ns: string, args: readonly string[]): Promise<string> {
  return execIn(ns, "nft", args);
}

Deno.test({
  name:
    "nftables daemon: a deleted table and a flushed chain are repaired; a foreign table is left alone",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [8080, 9090],
      udp: [],
    });
    const ns = scene.topology.hostNs;
    try {
      await scene.writeDatastore([SRV_POLICY]);
      await execIn(ns, "nft", ["-f", "-"], FOREIGN);
      const foreign = await nft(ns, ["-a", "list", "table", "ip", "foreign"]);
      const daemon = scene.startDaemon(FAST_REFRESH);
      await daemon.waitForLog(/Dataplane in sync/, 30_000);
      await assertMatrix("programmed", scene.peers, CELLS);
      const v4 = await nft(ns, ["-s", "list", "table", "ip", "calico"]);
      const v6 = await nft(ns, ["-s", "list", "table", "ip6", "calico"]);

      await t.step("deleted tables come back as they were", async () => {
        await nft(ns, ["delete", "table", "ip", "calico"]);
        await nft(ns, ["delete", "table", "ip6", "calico"]);
        notEqual((await tryExecIn(ns, "nft", ["list", "table", "ip", "calico"])).code, 0);
        const { elapsedMs } = await eventually(async () => {
          equal(await nft(ns, ["-s", "list", "table", "ip", "calico"]), v4);
          equal(await nft(ns, ["-s", "list", "table", "ip6", "calico"]), v6);
        }, 15_000);
        report(`tamper: deleted tables restored after ${elapsedMs.toFixed(0)} ms (refresh 1 s)`);
        await assertMatrix("after table delete", scene.peers, CELLS);
      });

      await t.step("a flushed workload chain comes back as it was", async () => {
        const srv = scene.topology.workloads.find((w) => w.pod === "srv")!;
        const chain = `filter-cali-tw-${srv.iface}`;
        const before = await nft(ns, ["-s", "list", "chain", "ip", "calico", chain]);
        ok(before.split("\n").length > 4, `chain ${chain} looks empty:\n${before}`);
        await nft(ns, ["flush", "chain", "ip", "calico", chain]);
        const flushed = await nft(ns, ["-s", "list", "chain", "ip", "calico", chain]);
        notEqual(flushed, before);
        const { elapsedMs } = await eventually(async () => {
          equal(await nft(ns, ["-s", "list", "chain", "ip", "calico", chain]), before);
        }, 15_000);
        report(`tamper: flushed chain restored after ${elapsedMs.toFixed(0)} ms (refresh 1 s)`);
        await assertMatrix("after chain flush", scene.peers, CELLS);
        equal(await nft(ns, ["-s", "list", "table", "ip", "calico"]), v4);
      });

      await t.step("the foreign table is untouched through resyncs and an apply", async () => {
        await scene.writeDatastore([]);
        await eventually(
          () => assertMatrix("policy removed", scene.peers, [{ ...CELLS[3]!, expect: "allow" }]),
          15_000,
        );
        await sleep(2500);
        equal(await nft(ns, ["-a", "list", "table", "ip", "foreign"]), foreign);
      });
    } finally {
      await scene.dispose();
    }
  },
});
