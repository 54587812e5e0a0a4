import { deepEqual, equal, match, notEqual } from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  assignRuleIds,
  canonicalJSON,
  policyRuleIdSeed,
  profileRuleIdSeed,
  RULE_ID_LENGTH,
} from "../../src/calc/rule_id.ts";
import { blankRule, type RuleWithoutId } from "../../src/proto/rule.ts";

function rule(action: RuleWithoutId["action"], srcNet: string[] = []): RuleWithoutId {
  return { ...blankRule(action), srcNet };
}

Deno.test("canonicalJSON sorts keys at every level and leaves out undefined properties", () => {
  equal(
    canonicalJSON({ b: 1, a: [{ d: undefined, c: "x" }, null], e: { z: true, y: 2 } }),
    '{"a":[{"c":"x"},null],"b":1,"e":{"y":2,"z":true}}',
  );
  equal(canonicalJSON({ x: 1, y: 2 }), canonicalJSON({ y: 2, x: 1 }));
});

Deno.test("policyRuleIdSeed and profileRuleIdSeed build the upstream-shaped seeds", () => {
  equal(policyRuleIdSeed("inbound", "", "gnp-1"), "pol-in-default/gnp-1");
  equal(policyRuleIdSeed("outbound", "", "gnp-1"), "pol-out-default/gnp-1");
  equal(policyRuleIdSeed("inbound", "prod", "np-1"), "pol-in-default/prod/np-1");
  equal(profileRuleIdSeed("inbound", "kns.default"), "prof-in-kns.default");
  equal(profileRuleIdSeed("outbound", "kns.default"), "prof-out-kns.default");
});

Deno.test("assignRuleIds chains SHA-224 over the seed and each rule's canonical JSON", () => {
  const rules = [rule("allow"), rule("deny", ["10.0.0.0/8"])];
  const h0 = createHash("sha224").update("pol-in-default/p").digest();
  const h1 = createHash("sha224").update(h0).update(canonicalJSON(rules[0])).digest();
  const h2 = createHash("sha224").update(h1).update(canonicalJSON(rules[1])).digest();
  const out = assignRuleIds("pol-in-default/p", rules);
  deepEqual(out.map((r) => r.ruleId), [
    h1.toString("base64url").slice(0, 16),
    h2.toString("base64url").slice(0, 16),
  ]);
  deepEqual(out[1], { ...rules[1], ruleId: out[1]!.ruleId });
});

Deno.test("assignRuleIds gives a fixed 16-character base64url id for a fixed input", () => {
  const [only] = assignRuleIds("prof-in-p", [rule("deny")]);
  equal(only?.ruleId.length, RULE_ID_LENGTH);
  match(only!.ruleId, /^[A-Za-z0-9_-]{16}$/);
  // Pinned: a change to the canonical JSON or the chain changes every rule id in the dataplane.
  equal(only!.ruleId, "2NjRkd-5kmXcGz63");
});

Deno.test("assignRuleIds ids depend on the seed, the position and every earlier rule", () => {
  const a = assignRuleIds("prof-in-p", [rule("allow"), rule("deny")]);
  const b = assignRuleIds("prof-out-p", [rule("allow"), rule("deny")]);
  const c = assignRuleIds("prof-in-p", [rule("log"), rule("deny")]);
  notEqual(a[0]!.ruleId, b[0]!.ruleId);
  notEqual(a[1]!.ruleId, c[1]!.ruleId);
  const same = assignRuleIds("prof-in-p", [rule("deny"), rule("deny")]);
  notEqual(same[0]!.ruleId, same[1]!.ruleId);
});

Deno.test("assignRuleIds leaves its input rules untouched", () => {
  const input = [rule("allow")];
  assignRuleIds("prof-in-p", input);
  equal("ruleId" in input[0]!, false);
});
