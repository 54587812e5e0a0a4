import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import fc from "fast-check";
import { NftRenderer, renderTables } from "../../../src/dataplane/nftables/nft_renderer.ts";
import type { NftTable } from "../../../src/dataplane/nftables/nft_model.ts";
import { renderTableText } from "../../../src/dataplane/nftables/render_script.ts";
import { RenderState } from "../../../src/dataplane/linux/render_state.ts";
import { DEFAULT_CONFIG, policy, protoRule, tier, wep } from "../rules/fixtures.ts";
import { policyId, stepArb } from "./render_steps.ts";

/** Equal content and text; each set change turns the previous table's set into this one's. */
function sameTable(
  incremental: NftTable | undefined,
  full: NftTable | undefined,
  previous: NftTable | undefined,
): void {
  if (incremental === undefined || full === undefined) return equal(incremental, full);
  const { setChanges, ...content } = incremental;
  deepEqual(content, full);
  equal(renderTableText(incremental), renderTableText(full));
  for (const [name, change] of setChanges ?? []) {
    equal(change.from, previous?.sets.get(name), `${name} changes the previous table's set`);
    const elements = new Set(change.from.elements);
    for (const e of change.removed) equal(elements.delete(e), true, `${name}: ${e} was there`);
    for (const e of change.added) {
      equal(elements.has(e), false, `${name}: ${e} was not there`);
      elements.add(e);
    }
    deepEqual([...elements].sort(), [...incremental.sets.get(name)!.elements].sort());
  }
}

Deno.test("NftRenderer equals renderTables after every step of random change sequences (property)", () => {
  fc.assert(
    fc.property(fc.array(stepArb, { minLength: 1, maxLength: 25 }), (steps) => {
      const state = new RenderState({ ...DEFAULT_CONFIG, ipv6Enabled: true });
      const renderer = new NftRenderer();
      let previous: ReturnType<NftRenderer["render"]> | undefined;
      for (const step of steps) {
        step(state);
        const input = state.snapshot();
        const incremental = renderer.render(input);
        const full = renderTables(input);
        sameTable(incremental.ip, full.ip, previous?.ip);
        sameTable(incremental.ip6, full.ip6, previous?.ip6);
        previous = incremental;
      }
    }),
    { numRuns: 150 },
  );
});

function twoEndpoints(): RenderState {
  const state = new RenderState(DEFAULT_CONFIG);
  state.setPolicy("GlobalNetworkPolicy/a", policy({ inboundRules: [protoRule("allow")] }));
  state.setIPSet("s:x", "net", ["10.0.0.1"]);
  state.setIPSet("s:y", "net", ["10.0.0.2"]);
  const tiers = [tier("default", [policyId("a")], [])];
  state.setWorkloadEndpoint("k8s/w1/eth0", wep("cali1", { tiers }));
  state.setWorkloadEndpoint("k8s/w2/eth0", wep("cali2", { tiers }));
  return state;
}

Deno.test("NftRenderer hands back the same chain and set objects for what did not change", () => {
  const state = twoEndpoints();
  const renderer = new NftRenderer();
  const before = renderer.render(state.snapshot()).ip;
  state.setWorkloadEndpoint("k8s/w2/eth0", wep("cali2", { state: "down" }));
  state.updateIPSet("s:y", ["10.0.0.3"], []);
  const after = renderer.render(state.snapshot()).ip;
  for (
    const name of [
      "filter-cali-tw-cali1",
      "filter-cali-fw-cali1",
      "filter-cali-pi-gnp/a",
    ]
  ) {
    ok(after.chains.has(name), name);
    equal(after.chains.get(name), before.chains.get(name), name);
  }
  notEqual(after.chains.get("filter-cali-tw-cali2"), before.chains.get("filter-cali-tw-cali2"));
  equal(after.sets.get("cali40s-x"), before.sets.get("cali40s-x"));
  deepEqual(after.sets.get("cali40s-y")?.elements, ["10.0.0.2/32", "10.0.0.3/32"]);
});

Deno.test("NftRenderer patches a set changed by member deltas and says how it changed", () => {
  const state = new RenderState({ ...DEFAULT_CONFIG, ipv6Enabled: true });
  const hosts = Array.from({ length: 300 }, (_, i) => `10.0.${i >> 8}.${i & 255}/32`);
  state.setIPSet("s:x", "net", hosts);
  state.setIPSet("n:p", "ip-and-port", ["10.0.0.1,tcp:80", "fd00::1,tcp:80"]);
  const renderer = new NftRenderer();
  const before = renderer.render(state.snapshot());
  state.updateIPSet("s:x", ["10.0.9.9/32", "fd00::9/128"], ["10.0.0.7/32", "10.0.0.8/32"]);
  state.updateIPSet("s:x", ["10.0.0.8/32"], []);
  state.updateIPSet("n:p", ["10.0.0.2,udp:53"], ["10.0.0.1,tcp:80"]);
  const after = renderer.render(state.snapshot());
  const full = renderTables(state.snapshot());
  sameTable(after.ip, full.ip, before.ip);
  sameTable(after.ip6, full.ip6, before.ip6);
  deepEqual(after.ip.setChanges?.get("cali40s-x"), {
    from: before.ip.sets.get("cali40s-x"),
    added: ["10.0.9.9/32"],
    removed: ["10.0.0.7/32"],
  });
  deepEqual(after.ip.setChanges?.get("cali40n-p"), {
    from: before.ip.sets.get("cali40n-p"),
    added: ["10.0.0.2 . udp . 53"],
    removed: ["10.0.0.1 . tcp . 80"],
  });
  equal(after.ip6!.sets.get("cali60n-p"), before.ip6!.sets.get("cali60n-p"), "no IPv6 change");
  equal(after.ip6!.setChanges?.has("cali60s-x"), undefined, "the IPv6 set is rebuilt, not patched");
});
