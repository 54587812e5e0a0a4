/**
 * Scenarios: the order of tiers and of policies within a tier on a local endpoint, with ties and
 * missing orders; Pass rules and tier default actions; staged policies, which are never enforced.
 */
import { deepEqual } from "node:assert/strict";
import { scenarioTest } from "./harness.ts";
import { podId, ruleOf, selectorSet, type TierSummary, wepTiers } from "./snapshot_checks.ts";
import type { DataplaneSnapshot } from "./checking_dataplane.ts";
import { gnp, k8sNp, namespace, np, pod, stagedGnp, stagedNp, tier } from "./resources.ts";

const HOST = "node-1";
const POD = podId("shop", "p");
const shop = namespace("shop");
const local = pod({ name: "p", ns: "shop", node: HOST, ips: ["10.65.0.1"], labels: { app: "p" } });

type Spec = Record<string, unknown>;
const inTier = (tierName: string, name: string, spec: Spec = {}) =>
  gnp(name, { tier: tierName, selector: "all()", ingress: [{ action: "Allow" }], ...spec });
const g = (id: string) => `GlobalNetworkPolicy/${id}`;
const ingressOnly = (name: string, action: TierSummary["action"], ...ids: string[]) => ({
  tier: name,
  action,
  ingress: ids,
  egress: [],
});

/** The pod's tiers, in order, must be `tiers`. */
const podTiersAre = (...tiers: TierSummary[]) => (s: DataplaneSnapshot) =>
  deepEqual(wepTiers(s, POD), tiers);

/** The one policy of each tier in the first scenario. */
const POLICY_OF_TIER: Readonly<Record<string, string>> = {
  "kube-admin": "admin",
  alpha: "alpha-p",
  beta: "beta-p",
  gamma: "gamma-p",
  ghost: "ghost-p",
  "kube-baseline": "baseline",
  default: "default-p",
};
const TIER_POLICIES = Object.entries(POLICY_OF_TIER).map(([t, name]) => inTier(t, name));
/** The pod's tiers must be these (name and default action), each with its one policy. */
const tiersInOrder = (...tiers: [string, TierSummary["action"]][]) =>
  podTiersAre(...tiers.map(([t, action]) => ingressOnly(t, action, g(POLICY_OF_TIER[t]!))));

scenarioTest({
  name: "tiers are ordered by order then name; no order and missing tiers go last",
  hostname: HOST,
  states: [
    {
      name: "alpha and beta tie at 100, gamma has no order, ghost has no Tier",
      resources: [
        shop,
        local,
        ...TIER_POLICIES,
        tier("beta", { order: 100, defaultAction: "Deny" }),
        tier("alpha", { order: 100, defaultAction: "Pass" }),
        tier("gamma", { defaultAction: "Deny" }),
      ],
      check: tiersInOrder(
        ["alpha", "Pass"],
        ["beta", "Deny"],
        ["kube-admin", "Pass"],
        ["default", "Deny"],
        ["kube-baseline", "Pass"],
        ["gamma", "Deny"],
        ["ghost", ""],
      ),
    },
    {
      name: "alpha moves after kube-admin, beta loses its order, ghost gets a Tier",
      resources: [
        shop,
        local,
        ...TIER_POLICIES,
        tier("beta", { defaultAction: "Deny" }),
        tier("alpha", { order: 2000, defaultAction: "Pass" }),
        tier("gamma", { defaultAction: "Deny" }),
        tier("ghost", { order: 1.5 }),
      ],
      check: tiersInOrder(
        ["ghost", "Deny"],
        ["kube-admin", "Pass"],
        ["alpha", "Pass"],
        ["default", "Deny"],
        ["kube-baseline", "Pass"],
        ["beta", "Deny"],
        ["gamma", "Deny"],
      ),
    },
    {
      name: "gamma and ghost without Tiers, beta's policy gone",
      resources: [
        shop,
        local,
        ...TIER_POLICIES.filter((p) => p !== TIER_POLICIES[2]),
        tier("beta", { defaultAction: "Deny" }),
        tier("alpha", { order: 2000, defaultAction: "Pass" }),
      ],
      check: tiersInOrder(
        ["kube-admin", "Pass"],
        ["alpha", "Pass"],
        ["default", "Deny"],
        ["kube-baseline", "Pass"],
        ["gamma", ""],
        ["ghost", ""],
      ),
    },
  ],
});

const ordered = (name: string, order?: number) =>
  gnp(name, {
    selector: "all()",
    ingress: [{ action: "Allow" }],
    ...(order === undefined ? {} : { order }),
  });
const nsOrdered = (name: string, order: number) =>
  np("shop", name, { selector: "all()", ingress: [{ action: "Allow" }], order });
const K8S_K = k8sNp("shop", "k", { podSelector: {}, ingress: [{}] });

scenarioTest({
  name: "policies are ordered by order, no order last, ties by name then namespace then kind",
  hostname: HOST,
  states: [
    {
      name: "ties at 5, 10 and 1000",
      resources: [
        shop,
        local,
        ordered("p-b", 10),
        ordered("p-a", 10),
        ordered("p-none"),
        ordered("p-first", 1.5),
        ordered("x", 5),
        nsOrdered("x", 5),
        nsOrdered("k", 1000),
        K8S_K,
      ],
      check: podTiersAre(ingressOnly(
        "default",
        "Deny",
        g("p-first"),
        g("x"),
        "NetworkPolicy/shop/x",
        g("p-a"),
        g("p-b"),
        "KubernetesNetworkPolicy/shop/k",
        "NetworkPolicy/shop/k",
        g("p-none"),
      )),
    },
    {
      name: "orders change: p-b first, p-none gets one, the namespaced x loses the tie",
      resources: [
        shop,
        local,
        ordered("p-b", 1),
        ordered("p-a", 10),
        ordered("p-none", 1000),
        ordered("x", 5),
        nsOrdered("x", 4),
        K8S_K,
      ],
      check: podTiersAre(ingressOnly(
        "default",
        "Deny",
        g("p-b"),
        "NetworkPolicy/shop/x",
        g("x"),
        g("p-a"),
        "KubernetesNetworkPolicy/shop/k",
        g("p-none"),
      )),
    },
  ],
});

const both = (action: string) => ({ ingress: [{ action }], egress: [{ action }] });

scenarioTest({
  name: "Pass rules become next-tier and tiers carry their default action",
  hostname: HOST,
  states: [
    {
      name: "a Pass tier with a Pass policy, a Deny tier with an egress-only policy",
      resources: [
        shop,
        local,
        tier("security", { order: 100, defaultAction: "Pass" }),
        tier("strict", { order: 200, defaultAction: "Deny" }),
        gnp("pass-all", { tier: "security", selector: "all()", ...both("Pass") }),
        gnp("egress-only", {
          tier: "strict",
          selector: "all()",
          types: ["Egress"],
          egress: [{ action: "Allow" }],
        }),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, POD), [
          { tier: "security", action: "Pass", ingress: [g("pass-all")], egress: [g("pass-all")] },
          { tier: "strict", action: "Deny", ingress: [], egress: [g("egress-only")] },
        ]);
        deepEqual(ruleOf(s, g("pass-all"), "inbound", 0).action, "next-tier");
        deepEqual(ruleOf(s, g("pass-all"), "outbound", 0).action, "next-tier");
      },
    },
    {
      name: "security defaults to Deny, strict has no policy left",
      resources: [
        shop,
        local,
        tier("security", { order: 100, defaultAction: "Deny" }),
        tier("strict", { order: 200, defaultAction: "Deny" }),
        gnp("pass-all", { tier: "security", selector: "all()", ...both("Pass") }),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, POD), [
          { tier: "security", action: "Deny", ingress: [g("pass-all")], egress: [g("pass-all")] },
        ]);
      },
    },
    {
      name: "an ingress-only Pass policy and a Deny policy in one Pass tier",
      resources: [
        shop,
        local,
        tier("security", { order: 100, defaultAction: "Pass" }),
        gnp("pass-in", {
          tier: "security",
          order: 1,
          selector: "all()",
          ingress: [{ action: "Pass", source: { nets: ["10.0.0.0/8"] } }, { action: "Deny" }],
        }),
        gnp("deny-out", {
          tier: "security",
          order: 2,
          selector: "all()",
          types: ["Egress"],
          egress: [{ action: "Deny", destination: { nets: ["192.0.2.0/24"] } }],
        }),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, POD), [
          { tier: "security", action: "Pass", ingress: [g("pass-in")], egress: [g("deny-out")] },
        ]);
        const pass = ruleOf(s, g("pass-in"), "inbound", 0);
        deepEqual([pass.action, pass.srcNet], ["next-tier", ["10.0.0.0/8"]]);
        deepEqual(ruleOf(s, g("pass-in"), "inbound", 1).action, "deny");
      },
    },
  ],
});

const FROM_X = { ingress: [{ action: "Allow", source: { selector: "app == 'x'" } }] };

scenarioTest({
  name: "staged policies are never enforced",
  hostname: HOST,
  states: [
    {
      name: "staged global and namespaced policies, and an enforced twin",
      resources: [
        shop,
        local,
        stagedGnp("staged", { selector: "all()", ...FROM_X }),
        stagedNp("shop", "staged", { selector: "all()", ...FROM_X }),
        stagedGnp("twin", { selector: "all()", stagedAction: "Set", ...FROM_X }),
        gnp("twin", { selector: "all()", ingress: [{ action: "Allow" }] }),
      ],
      check: (s) => {
        deepEqual(Object.keys(s.policies), [g("twin")]);
        deepEqual(wepTiers(s, POD), [ingressOnly("default", "Deny", g("twin"))]);
        deepEqual(s.ipSets, {});
      },
    },
    {
      name: "stagedAction Delete, and the enforced twin gone",
      resources: [
        shop,
        local,
        stagedGnp("staged", { selector: "all()", stagedAction: "Delete", ...FROM_X }),
        stagedGnp("twin", { selector: "all()", ...FROM_X }),
      ],
      check: (s) => {
        deepEqual(s.policies, {});
        deepEqual(wepTiers(s, POD), []);
        deepEqual(s.ipSets, {});
      },
    },
    {
      name: "the staged policy promoted to an enforced one",
      resources: [
        shop,
        local,
        stagedGnp("twin", { selector: "all()", ...FROM_X }),
        gnp("staged", { selector: "all()", ...FROM_X }),
      ],
      check: (s) => {
        deepEqual(Object.keys(s.policies), [g("staged")]);
        deepEqual(wepTiers(s, POD), [ingressOnly("default", "Deny", g("staged"))]);
        deepEqual(s.ipSets, { [selectorSet("app == 'x'")]: { type: "net", members: [] } });
      },
    },
  ],
});
