import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { InternalDataplane } from "../../../src/dataplane/linux/internal_dataplane.ts";
import { MemorySysctl } from "../../../src/dataplane/linux/sysctl.ts";
import { NftablesManager } from "../../../src/dataplane/linux/nftables_manager.ts";
import { RenderState } from "../../../src/dataplane/linux/render_state.ts";
import { FakeNftExecutor } from "../../../src/dataplane/nftables/fake_nft_executor.ts";
import { rulesConfigFrom } from "../../../src/dataplane/rules/render_input.ts";
import { Config } from "../../../src/config/mod.ts";
import { MemoryLog } from "../../../src/lib/log.ts";
import type { ToDataplane } from "../../../src/proto/messages.ts";
import { blankRule, type Rule } from "../../../src/proto/rule.ts";
import { fakeManagers } from "./fake_managers.ts";
import { encapUpdate, IN_SYNC, wep, wepUpdate } from "./proto_fixtures.ts";
import { table } from "./nft_fixtures.ts";

const VALUES = new Config({ hostname: "node-1" }).values;

const ALLOW: Rule = { ...blankRule("allow"), ruleId: "r1" };

const PROFILE: ToDataplane = {
  type: "ActiveProfileUpdate",
  id: "kns.prod",
  inboundRules: [ALLOW],
  outboundRules: [ALLOW],
};

function dataplane() {
  const executor = new FakeNftExecutor();
  const sysctl = new MemorySysctl();
  const log = new MemoryLog();
  const managers = fakeManagers(executor, sysctl, log);
  const dp = new InternalDataplane({ managers, log, applyIntervalMs: 0, resyncIntervalMs: 0 });
  return { executor, sysctl, dp, managers, log };
}

Deno.test("The managers program both tables only after InSync", async () => {
  const { executor, dp } = dataplane();
  dp.onMessages([PROFILE, wepUpdate("a", wep("cali1", ["10.65.0.1/32"]))]);
  await new Promise((r) => setTimeout(r, 10));
  equal(executor.scripts.length, 0, "nothing is programmed before InSync");
  dp.onMessages([IN_SYNC]);
  await dp.settled();
  deepEqual(executor.tableNames(), ["ip calico", "ip6 calico"]);
  const ip = executor.table("ip", "calico")!;
  deepEqual([...ip.sets.get("filter-cali-from-wl-dispatch")!.elements], [
    ["cali1", "goto filter-cali-fw-cali1"],
  ]);
  deepEqual([...ip.sets.get("cali40this-host")!.elements.keys()], ["10.99.0.1"]);
  await dp.close();
});

Deno.test("NftablesManager turns a new endpoint into a small transaction", async () => {
  const { executor, dp } = dataplane();
  dp.onMessages([PROFILE, wepUpdate("a", wep("cali1", ["10.65.0.1/32"])), IN_SYNC]);
  await dp.settled();
  const full = executor.scripts.join("\n").length;
  const before = executor.scripts.length;
  dp.onMessages([wepUpdate("b", wep("cali2", ["10.65.0.2/32"]))]);
  await dp.settled();
  const added = executor.scripts.slice(before);
  equal(added.length, 2, "one transaction per table");
  ok(added[1]!.includes("ip6 calico"));
  const lines = added[0]!.trim().split("\n");
  ok(
    lines.includes(
      'add element ip calico filter-cali-from-wl-dispatch { "cali2" : goto filter-cali-fw-cali2 }',
    ),
  );
  ok(lines.includes("add chain ip calico filter-cali-fw-cali2"));
  ok(!lines.some((l) => l.includes("table")), "the table is not re-created");
  ok(!lines.some((l) => l.includes("cali1")), "the other endpoint's chains are untouched");
  ok(added[0]!.length * 5 < full, `${added[0]!.length} bytes vs ${full} for the first apply`);
  await dp.close();
});

Deno.test("NftablesManager renders only when the recorded state changed, and again after a failure", async () => {
  const state = new RenderState(rulesConfigFrom(VALUES));
  const executor = new FakeNftExecutor();
  let renders = 0;
  const m = new NftablesManager({
    state,
    config: VALUES,
    executor,
    render: () => {
      renders++;
      return { ip: table({ chains: { [`filter-x${state.version}`]: [] } }), ip6: undefined };
    },
  });
  await m.completeDeferredWork();
  await m.completeDeferredWork();
  equal(renders, 1);
  equal(executor.scripts.length, 1);
  state.setHostIPs(["10.0.0.1"]);
  executor.failNext();
  await rejects(m.completeDeferredWork(), /Operation not permitted/);
  await m.completeDeferredWork();
  equal(renders, 2, "a retry reuses the rendered tables");
  equal(executor.listings, 3, "ip and ip6 read at start, ip again after the failure");
  m.markForResync();
  await m.completeDeferredWork();
  equal(renders, 2);
  equal(executor.listings, 5);
});

Deno.test("NftablesManager re-renders on an EncapsulationUpdate that changes the rules config", () => {
  const state = new RenderState(rulesConfigFrom(VALUES));
  const m = new NftablesManager({ state, config: VALUES, executor: new FakeNftExecutor() });
  const v = state.version;
  m.onUpdate(encapUpdate({ ipipEnabled: true }));
  equal(state.version, v + 1);
  equal(state.config.ipipEnabled, true);
});
