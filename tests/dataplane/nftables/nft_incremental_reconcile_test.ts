import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { FakeNftExecutor } from "../../../src/dataplane/nftables/fake_nft_executor.ts";
import type { NftFamily, NftTable } from "../../../src/dataplane/nftables/nft_model.ts";
import { NftReconciler } from "../../../src/dataplane/nftables/nft_reconciler.ts";
import { NftRenderer, renderTables } from "../../../src/dataplane/nftables/nft_renderer.ts";
import { parseTableListing } from "../../../src/dataplane/nftables/nft_readback.ts";
import {
  NftStateCache,
  stateOf,
  type TableState,
} from "../../../src/dataplane/nftables/nft_state.ts";
import { RenderState } from "../../../src/dataplane/linux/render_state.ts";
import { DEFAULT_CONFIG } from "../rules/fixtures.ts";
import { stepArb } from "./render_steps.ts";

/** What the (fake) kernel holds for a family, as the reconciler compares it. */
async function kernel(
  executor: FakeNftExecutor,
  family: NftFamily,
): Promise<TableState | undefined> {
  const json = await executor.listTable(family, "calico");
  return json === undefined ? undefined : parseTableListing(json, "calico");
}

function contentOf(state: TableState | undefined) {
  return state === undefined ? undefined : { ...state, setChanges: undefined };
}

Deno.test("NftRenderer + NftReconciler leave the kernel holding a full render after every step (property)", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 20 }), async (steps) => {
      const state = new RenderState({ ...DEFAULT_CONFIG, ipv6Enabled: true });
      const executor = new FakeNftExecutor();
      const renderer = new NftRenderer();
      const ip = new NftReconciler({ executor, family: "ip" });
      const ip6 = new NftReconciler({ executor, family: "ip6" });
      for (const step of steps) {
        step(state);
        const input = state.snapshot();
        const tables = renderer.render(input);
        await ip.apply(tables.ip);
        await ip6.apply(tables.ip6);
        const full = renderTables(input);
        const want = (t: NftTable | undefined) => contentOf(t && stateOf(t));
        deepEqual(contentOf(await kernel(executor, "ip")), want(full.ip));
        deepEqual(contentOf(await kernel(executor, "ip6")), want(full.ip6));
      }
    }),
    { numRuns: 100 },
  );
});

Deno.test("NftReconciler applies a patched set as its member change only", async () => {
  const state = new RenderState(DEFAULT_CONFIG);
  const hosts = Array.from({ length: 300 }, (_, i) => `10.1.${i >> 8}.${i & 255}/32`);
  state.setIPSet("s:big", "net", hosts);
  state.setIPSet("n:port", "ip-and-port", hosts.map((h) => `${h.slice(0, -3)},tcp:8080`));
  const executor = new FakeNftExecutor();
  const renderer = new NftRenderer();
  const ip = new NftReconciler({ executor, family: "ip" });
  const first = renderer.render(state.snapshot()).ip;
  await ip.apply(first);
  state.updateIPSet("s:big", ["10.2.0.1/32"], ["10.1.0.5/32"]);
  state.updateIPSet("n:port", ["10.2.0.1,tcp:8080"], []);
  const table = renderer.render(state.snapshot()).ip;
  ok(table.setChanges?.has("cali40s-big"));
  const states = new NftStateCache();
  const before = states.stateOf(first);
  const change = states.stateOf(table).setChanges?.get("cali40s-big");
  equal(change?.from, before.sets.get("cali40s-big"), "the state is patched from the last one");
  deepEqual([change?.added, change?.removed], [["10.2.0.1"], ["10.1.0.5"]]);
  const r = await ip.apply(table);
  equal(r.commands, 3);
  equal(r.summary?.elementsAdded, 2);
  equal(r.summary?.elementsDeleted, 1);
  deepEqual(
    executor.scripts.at(-1)?.trim().split("\n"),
    [
      "delete element ip calico cali40s-big { 10.1.0.5 }",
      "add element ip calico cali40n-port { 10.2.0.1 . tcp . 8080 }",
      "add element ip calico cali40s-big { 10.2.0.1 }",
    ],
  );
  deepEqual(
    contentOf(await kernel(executor, "ip")),
    contentOf(stateOf(renderTables(state.snapshot()).ip)),
  );
});
