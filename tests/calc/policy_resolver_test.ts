import { deepEqual } from "node:assert/strict";
import { type EndpointSink, PolicyResolver } from "../../src/calc/policy_resolver.ts";
import { keyPath, type PolicyKey } from "../../src/model/keys.ts";
import type {
  HostEndpoint as ModelHEP,
  Policy,
  WorkloadEndpoint as ModelWEP,
} from "../../src/model/values.ts";
import type { HostEndpoint, TierInfo, WorkloadEndpoint } from "../../src/proto/messages.ts";
import {
  type Call,
  hepKey,
  modelHostEndpoint,
  modelPolicy,
  modelWorkloadEndpoint,
  policyKey as pkey,
  Recorder,
  wepKey,
} from "./fixtures.ts";

function setup(): { rec: Recorder<EndpointSink>; pr: PolicyResolver } {
  const rec = new Recorder<EndpointSink>();
  return { rec, pr: new PolicyResolver({ sink: rec.sink }) };
}

const SHORT_OP = {
  onWorkloadEndpointUpdate: "wep",
  onWorkloadEndpointRemove: "wep-remove",
  onHostEndpointUpdate: "hep",
  onHostEndpointRemove: "hep-remove",
} as const;

/** One short line per call: `wep <workloadId>/<endpointId>`, `hep-remove <id>`. */
function ops(calls: readonly Call<EndpointSink>[]): string[] {
  return calls.map(([method, id]) =>
    `${SHORT_OP[method]} ${typeof id === "string" ? id : `${id.workloadId}/${id.endpointId}`}`
  );
}

function wep(name: string, extra: Partial<ModelWEP> = {}): ModelWEP {
  return modelWorkloadEndpoint({
    name,
    profileIds: ["kns.ns"],
    ipv4Nets: ["10.0.0.1/32"],
    labels: { app: name },
    ...extra,
  });
}

function hep(name: string): ModelHEP {
  return modelHostEndpoint({ name, expectedIPv4Addrs: ["192.168.0.1"], profileIds: ["hprof"] });
}

function policy(tier: string, order: number | null, extra: Partial<Policy> = {}): Policy {
  return modelPolicy({ tier, order, ...extra });
}

/** Adds a policy and its match with `endpointId`, as the dispatcher and the ARC would. */
function addMatched(pr: PolicyResolver, k: PolicyKey, p: Policy, endpointId: string): void {
  pr.updatePolicy(k, p);
  pr.onPolicyMatch(k, endpointId);
}

/** A TierInfo in compact form: `name[action] in: a b | out: c`. */
function show(tiers: readonly TierInfo[]): string[] {
  const ids = (l: TierInfo["ingressPolicies"]) => l.map((p) => p.name).join(" ");
  return tiers.map((t) =>
    `${t.name}[${t.defaultAction}] in: ${ids(t.ingressPolicies)} | out: ${ids(t.egressPolicies)}`
  );
}

function onlyWep(calls: readonly Call<EndpointSink>[]): WorkloadEndpoint {
  const [c, ...rest] = calls;
  deepEqual(rest, []);
  if (c?.[0] !== "onWorkloadEndpointUpdate") {
    throw new Error(`Expected one workload update, got "${c?.[0]}"`);
  }
  return c[2];
}

function onlyHep(calls: readonly Call<EndpointSink>[]): HostEndpoint {
  const [c, ...rest] = calls;
  deepEqual(rest, []);
  if (c?.[0] !== "onHostEndpointUpdate") {
    throw new Error(`Expected one host update, got "${c?.[0]}"`);
  }
  return c[2];
}

Deno.test("PolicyResolver emits nothing before in-sync, then every pending endpoint", () => {
  const { rec, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateHostEndpoint(hepKey("eth0"), hep("eth0"));
  addMatched(pr, pkey("p"), policy("default", 1), id);
  pr.flush(false);
  pr.flush(false);
  deepEqual(rec.take(), []);
  pr.flush(true);
  deepEqual(ops(rec.take()), ["wep ns/a/eth0", "hep eth0"]);
  pr.flush(true);
  deepEqual(rec.take(), []);
  // In sync is sticky: a later flush(false) still emits.
  pr.updateWorkloadEndpoint(wepKey("a"), undefined);
  pr.flush(false);
  deepEqual(ops(rec.take()), ["wep-remove ns/a/eth0"]);
});

Deno.test("PolicyResolver sends the full workload endpoint message", () => {
  const { rec, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateTier("default", { order: null, defaultAction: "Deny" });
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  addMatched(pr, pkey("p", "NetworkPolicy", "ns"), policy("default", 1), id);
  pr.flush(true);
  deepEqual(rec.take(), [[
    "onWorkloadEndpointUpdate",
    { orchestratorId: "k8s", workloadId: "ns/a", endpointId: "eth0" },
    {
      state: "active",
      name: "cali-a",
      mac: "",
      profileIds: ["kns.ns"],
      ipv4Nets: ["10.0.0.1/32"],
      ipv6Nets: [],
      tiers: [{
        name: "default",
        ingressPolicies: [{ kind: "NetworkPolicy", namespace: "ns", name: "p" }],
        egressPolicies: [],
        defaultAction: "Deny",
      }],
      ipv4NAT: [],
      ipv6NAT: [],
      allowSpoofedSourcePrefixes: [],
      annotations: {},
    },
  ]]);
  const nat = [{ extIP: "1.2.3.4", intIP: "10.0.0.1" }];
  pr.updateWorkloadEndpoint(
    wepKey("a"),
    wep("cali-a", { mac: "ee:ee:ee:ee:ee:ee", ipv4NAT: nat, annotations: { k: "v" } }),
  );
  pr.flush(true);
  const ep = onlyWep(rec.take());
  deepEqual([ep.mac, ep.ipv4NAT, ep.annotations], ["ee:ee:ee:ee:ee:ee", nat, { k: "v" }]);
});

Deno.test("PolicyResolver orders an endpoint's tiers: valid, ordered, by order, by name", () => {
  const { rec, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateTier("z-low", { order: 1, defaultAction: "Deny" });
  pr.updateTier("b-mid", { order: 5, defaultAction: "Pass" });
  pr.updateTier("a-mid", { order: 5, defaultAction: "Deny" });
  pr.updateTier("unordered", { order: null, defaultAction: "Deny" });
  for (const tier of ["no-resource", "unordered", "b-mid", "a-mid", "z-low"]) {
    addMatched(pr, pkey(`p-${tier}`), policy(tier, 1), id);
  }
  pr.updateTier("no-match", { order: 0, defaultAction: "Deny" });
  pr.flush(true);
  deepEqual(show(onlyWep(rec.take()).tiers), [
    "z-low[Deny] in: p-z-low | out: ",
    "a-mid[Deny] in: p-a-mid | out: ",
    "b-mid[Pass] in: p-b-mid | out: ",
    "unordered[Deny] in: p-unordered | out: ",
    "no-resource[] in: p-no-resource | out: ",
  ]);
});

Deno.test("PolicyResolver orders policies by order, missing order last, ties by name/namespace/kind", () => {
  const { rec, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  const cases: [PolicyKey, number | null][] = [
    [pkey("none-b"), null],
    [pkey("none-a"), null],
    [pkey("x", "NetworkPolicy", "ns2"), 10],
    [pkey("x", "NetworkPolicy", "ns1"), 10],
    [pkey("x", "KubernetesNetworkPolicy", "ns1"), 10],
    [pkey("first"), 2.5],
    [pkey("a"), 10],
  ];
  for (const [k, order] of cases) addMatched(pr, k, policy("default", order), id);
  pr.flush(true);
  const tiers = onlyWep(rec.take()).tiers;
  deepEqual(tiers[0]?.ingressPolicies.map((p) => `${p.kind}/${p.namespace}/${p.name}`), [
    "GlobalNetworkPolicy//first",
    "GlobalNetworkPolicy//a",
    "KubernetesNetworkPolicy/ns1/x",
    "NetworkPolicy/ns1/x",
    "NetworkPolicy/ns2/x",
    "GlobalNetworkPolicy//none-a",
    "GlobalNetworkPolicy//none-b",
  ]);
});

Deno.test("PolicyResolver lists policies per direction and drops tiers without any", () => {
  const { rec, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateTier("t", { order: 1, defaultAction: "Deny" });
  addMatched(pr, pkey("in"), policy("t", 1, { types: ["ingress"] }), id);
  addMatched(pr, pkey("out"), policy("t", 2, { types: ["egress"] }), id);
  addMatched(pr, pkey("both"), policy("t", 3, { types: ["ingress", "egress"] }), id);
  addMatched(pr, pkey("legacy"), policy("t", 4, { types: [] }), id);
  // Only untracked/preDNAT policies: nothing for a workload, so the tier is dropped.
  addMatched(pr, pkey("raw"), policy("u", 1, { untracked: true, types: [] }), id);
  addMatched(pr, pkey("dnat"), policy("u", 2, { preDNAT: true }), id);
  pr.flush(true);
  deepEqual(show(onlyWep(rec.take()).tiers), [
    "t[Deny] in: in both legacy | out: out both legacy",
  ]);
});

Deno.test("PolicyResolver carries a Pass tier's default action", () => {
  const { rec, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateTier("pass", { order: 1, defaultAction: "Pass" });
  addMatched(pr, pkey("p"), policy("pass", 1, { types: ["egress"] }), id);
  pr.flush(true);
  deepEqual(show(onlyWep(rec.take()).tiers), ["pass[Pass] in:  | out: p"]);
});

Deno.test("PolicyResolver builds a host endpoint's four tier lists", () => {
  const { rec, pr } = setup();
  const id = keyPath(hepKey("eth0"));
  pr.updateHostEndpoint(hepKey("eth0"), hep("eth0"));
  pr.updateTier("t", { order: 1, defaultAction: "Deny" });
  addMatched(pr, pkey("normal"), policy("t", 1, { types: ["ingress", "egress"] }), id);
  addMatched(pr, pkey("fwd"), policy("t", 2, { applyOnForward: true, types: ["egress"] }), id);
  addMatched(pr, pkey("raw"), policy("t", 3, { untracked: true, types: [] }), id);
  addMatched(pr, pkey("dnat"), policy("t", 4, { preDNAT: true, types: ["ingress", "egress"] }), id);
  addMatched(pr, pkey("dnat-out"), policy("t", 5, { preDNAT: true, types: ["egress"] }), id);
  addMatched(pr, pkey("x"), policy("missing", 1, { untracked: true, applyOnForward: true }), id);
  pr.flush(true);
  const ep = onlyHep(rec.take());
  deepEqual(show(ep.tiers), ["t[Deny] in: normal | out: normal fwd"]);
  deepEqual(show(ep.forwardTiers), ["t[Deny] in:  | out: fwd"]);
  deepEqual(show(ep.untrackedTiers), ["t[Pass] in: raw | out: raw", "missing[Pass] in: x | out: "]);
  deepEqual(show(ep.preDNATTiers), ["t[Pass] in: dnat | out: "]);
  deepEqual(
    [ep.name, ep.profileIds, ep.expectedIPv4Addrs, ep.expectedIPv6Addrs],
    ["eth0", ["hprof"], ["192.168.0.1"], []],
  );
});

Deno.test("PolicyResolver treats a '*' host endpoint like any other", () => {
  const { rec, pr } = setup();
  pr.updateHostEndpoint(hepKey("all-ifaces"), hep("*"));
  addMatched(pr, pkey("p"), policy("t", 1), keyPath(hepKey("all-ifaces")));
  pr.flush(true);
  const ep = onlyHep(rec.take());
  deepEqual([ep.name, show(ep.tiers)], ["*", ["t[] in: p | out: "]]);
});

Deno.test("PolicyResolver removes endpoints it sent, and only those", () => {
  const { rec, pr } = setup();
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateHostEndpoint(hepKey("eth0"), hep("eth0"));
  pr.flush(true);
  rec.take();
  pr.updateWorkloadEndpoint(wepKey("a"), undefined);
  pr.updateHostEndpoint(hepKey("eth0"), undefined);
  pr.updateWorkloadEndpoint(wepKey("never-sent"), wep("cali-n"));
  pr.updateWorkloadEndpoint(wepKey("never-sent"), undefined);
  pr.updateHostEndpoint(hepKey("unknown"), undefined);
  pr.onPolicyMatch(pkey("p"), keyPath(wepKey("ghost")));
  pr.flush(true);
  deepEqual(ops(rec.take()), ["wep-remove ns/a/eth0", "hep-remove eth0"]);
  pr.updateWorkloadEndpoint(wepKey("a"), undefined);
  pr.flush(true);
  deepEqual(rec.take(), []);
});

Deno.test("PolicyResolver drops a policy from an endpoint when its match stops", () => {
  const { rec, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  addMatched(pr, pkey("p"), policy("t", 1), id);
  addMatched(pr, pkey("q"), policy("t", 2), id);
  pr.flush(true);
  rec.take();
  pr.onPolicyMatchStopped(pkey("p"), id);
  pr.flush(true);
  deepEqual(show(onlyWep(rec.take()).tiers), ["t[] in: q | out: "]);
  pr.onPolicyMatchStopped(pkey("q"), id);
  pr.flush(true);
  deepEqual(onlyWep(rec.take()).tiers, []);
});

Deno.test("PolicyResolver re-emits every endpoint on a tier change", () => {
  const { rec, pr } = setup();
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateWorkloadEndpoint(wepKey("b"), wep("cali-b"));
  pr.updateHostEndpoint(hepKey("eth0"), hep("eth0"));
  addMatched(pr, pkey("p"), policy("t", 1), keyPath(wepKey("a")));
  pr.updateTier("t", { order: 1, defaultAction: "Deny" });
  pr.flush(true);
  rec.take();
  pr.updateTier("t", { order: 1, defaultAction: "Pass" });
  pr.flush(true);
  deepEqual(ops(rec.take()), ["wep ns/a/eth0", "wep ns/b/eth0", "hep eth0"]);
  pr.updateTier("unrelated", { order: 2, defaultAction: "Deny" });
  pr.flush(true);
  deepEqual(ops(rec.take()), ["wep ns/a/eth0", "wep ns/b/eth0", "hep eth0"]);
  pr.updateTier("unrelated", { order: 2, defaultAction: "Deny" });
  pr.flush(true);
  deepEqual(rec.take(), []);
});

Deno.test("PolicyResolver re-emits only the endpoints a changed policy matches", () => {
  const { rec, pr } = setup();
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateWorkloadEndpoint(wepKey("b"), wep("cali-b"));
  addMatched(pr, pkey("p"), policy("t", 1), keyPath(wepKey("a")));
  pr.updatePolicy(pkey("unmatched"), policy("t", 1));
  pr.flush(true);
  rec.take();
  pr.updatePolicy(pkey("unmatched"), policy("t", 7));
  pr.updatePolicy(pkey("unmatched"), undefined);
  pr.updatePolicy(pkey("p"), policy("t", 1, { selector: "rules-only change" }));
  pr.flush(true);
  deepEqual(rec.take(), []);
  pr.updatePolicy(pkey("p"), policy("t", 2));
  pr.flush(true);
  deepEqual(ops(rec.take()), ["wep ns/a/eth0"]);
});

Deno.test("PolicyResolver ignores deep-equal endpoint updates", () => {
  const { rec, pr } = setup();
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.flush(true);
  rec.take();
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.flush(true);
  deepEqual(rec.take(), []);
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a", { ipv4Nets: ["10.0.0.2/32"] }));
  pr.flush(true);
  deepEqual(onlyWep(rec.take()).ipv4Nets, ["10.0.0.2/32"]);
});

Deno.test("PolicyResolver places a policy once its metadata arrives after the match", () => {
  const { rec, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.onPolicyMatch(pkey("p"), id);
  pr.flush(true);
  deepEqual(onlyWep(rec.take()).tiers, []);
  pr.updatePolicy(pkey("p"), policy("t", 1));
  pr.flush(true);
  deepEqual(show(onlyWep(rec.take()).tiers), ["t[] in: p | out: "]);
});
