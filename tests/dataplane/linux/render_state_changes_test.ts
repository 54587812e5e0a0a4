import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { RenderState } from "../../../src/dataplane/linux/render_state.ts";
import { rulesConfigFrom } from "../../../src/dataplane/rules/render_input.ts";
import { Config } from "../../../src/config/mod.ts";

const CONFIG = rulesConfigFrom(new Config({ hostname: "node-1" }).values);

Deno.test("RenderState.snapshot reports the exact member changes of sets changed by deltas", () => {
  const s = new RenderState(CONFIG);
  s.setIPSet("s:a", "net", ["10.0.0.1/32", "10.0.0.2/32"]);
  s.setIPSet("s:b", "net", ["10.0.0.9/32"]);
  const first = s.snapshot();
  deepEqual([...first.ipSetChanges!.keys()], [], "whole sets are no deltas");
  s.updateIPSet("s:a", ["10.0.0.3/32", "10.0.0.1/32"], ["10.0.0.2/32"]);
  s.updateIPSet("s:a", ["10.0.0.2/32", "10.0.0.4/32"], ["10.0.0.3/32", "10.0.0.8/32"]);
  s.updateIPSet("s:b", ["10.0.0.7/32"], []);
  s.setIPSet("s:b", "net", ["10.0.0.5/32"]);
  const second = s.snapshot();
  deepEqual([...second.ipSetChanges!.keys()], ["s:a"], "a replaced set is no delta");
  const change = second.ipSetChanges!.get("s:a")!;
  equal(change.from, first.ipSets.get("s:a"));
  deepEqual(change.added, ["10.0.0.4/32"]);
  deepEqual(change.removed, []);
  s.updateIPSet("s:a", [], ["10.0.0.1/32"]);
  const third = s.snapshot();
  equal(third.ipSetChanges!.get("s:a")!.from, second.ipSets.get("s:a"));
  deepEqual(third.ipSetChanges!.get("s:a")!.removed, ["10.0.0.1/32"]);
  s.deleteIPSet("s:a");
  deepEqual([...s.snapshot().ipSetChanges!.keys()], []);
});

Deno.test("RenderState's set changes turn the previous snapshot's members into the new ones (property)", () => {
  const member = fc.integer({ min: 0, max: 12 }).map((i) => `10.0.0.${i}/32`);
  const delta = fc.record({ added: fc.array(member), removed: fc.array(member) });
  fc.assert(
    fc.property(fc.array(member), fc.array(fc.array(delta, { maxLength: 3 }), { maxLength: 5 }), (
      initial,
      rounds,
    ) => {
      const s = new RenderState(CONFIG);
      s.setIPSet("s:a", "net", initial);
      let before = s.snapshot();
      for (const round of rounds) {
        for (const d of round) s.updateIPSet("s:a", d.added, d.removed);
        const after = s.snapshot();
        if (after === before) continue; // nothing changed: the same snapshot
        const now = after.ipSets.get("s:a")!.members;
        const change = after.ipSetChanges!.get("s:a");
        if (change === undefined) {
          equal(after.ipSets.get("s:a"), before.ipSets.get("s:a"));
        } else {
          equal(change.from, before.ipSets.get("s:a"));
          const rebuilt = new Set(change.from.members);
          for (const m of change.removed) equal(rebuilt.delete(m), true, `${m} was there`);
          for (const m of change.added) {
            equal(rebuilt.has(m), false, `${m} was not there`);
            rebuilt.add(m);
          }
          deepEqual([...rebuilt].sort(), [...now].sort());
        }
        before = after;
      }
    }),
    { numRuns: 300 },
  );
});
