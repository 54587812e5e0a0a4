import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { compareTiers, governs, PolicySorter } from "../../src/calc/policy_sorter.ts";
import { keyPath, type PolicyKey } from "../../src/model/keys.ts";
import type { Policy, Tier } from "../../src/model/values.ts";
import { modelPolicy, policyKey as key } from "./fixtures.ts";

function policy(tier: string, order: number | null, extra: Partial<Policy> = {}): Policy {
  return modelPolicy({ tier, order, ...extra });
}

/** `tier: kind/namespace/name ...` lines for compact assertions. */
function render(sorter: PolicySorter, keys: readonly PolicyKey[]): string[] {
  return sorter.sortTiers(keys.map(keyPath)).map((t) =>
    `${t.name}[${t.defaultAction}]: ` +
    t.policies.map((p) => `${p.id.kind}/${p.id.namespace}/${p.id.name}`).join(" ")
  );
}

Deno.test("PolicySorter orders tiers valid first, then ordered, then by order, then by name", () => {
  const sorter = new PolicySorter();
  sorter.updateTier("b", { order: 10, defaultAction: "Deny" });
  sorter.updateTier("a", { order: 10, defaultAction: "Pass" });
  sorter.updateTier("first", { order: 1, defaultAction: "Deny" });
  sorter.updateTier("unordered", { order: null, defaultAction: "Deny" });
  const tiers = ["missing-b", "missing-a", "unordered", "b", "a", "first"];
  const keys = tiers.map((t) => key(`p-${t}`));
  keys.forEach((k, i) => sorter.updatePolicy(k, policy(tiers[i] ?? "", 1)));
  deepEqual(render(sorter, keys), [
    "first[Deny]: GlobalNetworkPolicy//p-first",
    "a[Pass]: GlobalNetworkPolicy//p-a",
    "b[Deny]: GlobalNetworkPolicy//p-b",
    "unordered[Deny]: GlobalNetworkPolicy//p-unordered",
    "missing-a[]: GlobalNetworkPolicy//p-missing-a",
    "missing-b[]: GlobalNetworkPolicy//p-missing-b",
  ]);
});

Deno.test("PolicySorter breaks tier-name ties in byte order, not locale order", () => {
  const sorter = new PolicySorter();
  const names = ["b", "B", "a", "\u00e9", "Z"];
  for (const n of names) sorter.updatePolicy(key(n), policy(n, null));
  deepEqual(sorter.sortTiers(names.map((n) => keyPath(key(n)))).map((t) => t.name), [
    "B",
    "Z",
    "a",
    "b",
    "\u00e9",
  ]);
});

Deno.test("PolicySorter orders policies by order, missing last, ties by name/namespace/kind", () => {
  const sorter = new PolicySorter();
  const keys = [
    key("z", "GlobalNetworkPolicy"),
    key("none", "GlobalNetworkPolicy"),
    key("web", "NetworkPolicy", "prod"),
    key("web", "KubernetesNetworkPolicy", "prod"),
    key("web", "NetworkPolicy", "dev"),
    key("web-a", "GlobalNetworkPolicy"),
    key("web", "GlobalNetworkPolicy"),
    key("a", "GlobalNetworkPolicy"),
  ];
  const orders = [1, null, 5, 5, 5, 5, 5, null];
  keys.forEach((k, i) => sorter.updatePolicy(k, policy("default", orders[i] ?? null)));
  deepEqual(render(sorter, keys), [
    "default[]: GlobalNetworkPolicy//z " +
    // Bytes of "<name>/<namespace>/<kind>": "web-a/" < "web/" because '-' (0x2d) < '/' (0x2f).
    "GlobalNetworkPolicy//web-a " +
    "GlobalNetworkPolicy//web NetworkPolicy/dev/web KubernetesNetworkPolicy/prod/web " +
    "NetworkPolicy/prod/web " +
    "GlobalNetworkPolicy//a GlobalNetworkPolicy//none",
  ]);
});

Deno.test("PolicySorter sorts only the policies given, skipping unknown ones", () => {
  const sorter = new PolicySorter();
  sorter.updatePolicy(key("a"), policy("t1", 1));
  sorter.updatePolicy(key("b"), policy("t2", 1));
  deepEqual(render(sorter, [key("b"), key("unknown")]), ["t2[]: GlobalNetworkPolicy//b"]);
  deepEqual(render(sorter, []), []);
});

Deno.test("PolicySorter.updatePolicy reports only metadata changes", () => {
  const sorter = new PolicySorter();
  const k = key("p");
  equal(sorter.updatePolicy(k, policy("default", 1)), true);
  equal(sorter.updatePolicy(k, policy("default", 1, { selector: "a == 'b'" })), false);
  equal(sorter.updatePolicy(k, policy("default", 2)), true);
  equal(sorter.updatePolicy(k, policy("default", 2, { types: ["ingress", "egress"] })), true);
  equal(sorter.updatePolicy(k, policy("default", 2, { types: ["ingress", "egress"] })), false);
  equal(sorter.updatePolicy(k, policy("other", 2, { types: ["ingress", "egress"] })), true);
  equal(sorter.updatePolicy(k, undefined), true);
  equal(sorter.updatePolicy(k, undefined), false);
  equal(sorter.hasPolicy(keyPath(k)), false);
});

Deno.test("PolicySorter.updateTier reports only real changes", () => {
  const sorter = new PolicySorter();
  equal(sorter.updateTier("t", { order: 1, defaultAction: "Deny" }), true);
  equal(sorter.updateTier("t", { order: 1, defaultAction: "Deny" }), false);
  equal(sorter.updateTier("t", { order: 1, defaultAction: "Pass" }), true);
  equal(sorter.updateTier("t", undefined), true);
  equal(sorter.updateTier("t", undefined), false);
});

Deno.test("governs treats empty types as both directions", () => {
  const meta = { tier: "t", order: null, untracked: false, preDNAT: false, applyOnForward: false };
  equal(governs({ ...meta, types: [] }, "ingress"), true);
  equal(governs({ ...meta, types: [] }, "egress"), true);
  equal(governs({ ...meta, types: ["egress"] }, "ingress"), false);
  equal(governs({ ...meta, types: ["egress"] }, "egress"), true);
});

Deno.test("compareTiers is a total order consistent with its rules", () => {
  const tierArb = fc.record({
    name: fc.constantFrom("a", "b", "c", "B"),
    tier: fc.option(
      fc.record({
        order: fc.option(fc.integer({ min: -2, max: 2 }), { nil: null }),
        defaultAction: fc.constant<Tier["defaultAction"]>("Deny"),
      }),
      { nil: undefined },
    ),
  });
  fc.assert(fc.property(tierArb, tierArb, tierArb, (a, b, c) => {
    equal(Math.sign(compareTiers(a, b)), -Math.sign(compareTiers(b, a)));
    if (compareTiers(a, b) <= 0 && compareTiers(b, c) <= 0) equal(compareTiers(a, c) <= 0, true);
    if (a.tier !== undefined && b.tier === undefined) equal(compareTiers(a, b) < 0, true);
  }));
});
