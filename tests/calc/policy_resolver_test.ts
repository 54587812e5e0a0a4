import { deepEqual } from "node:assert/strict";
import fc from "fast-check";
import { type EndpointSink, PolicyResolver } from "../../src/calc/policy_resolver.ts";
import {
  type HostEndpointKey,
  keyPath,
  type PolicyKey,
  type PolicyKind,
  type WorkloadEndpointKey,
} from "../../src/model/keys.ts";
import type {
  HostEndpoint as ModelHEP,
  Policy,
  WorkloadEndpoint as ModelWEP,
} from "../../src/model/values.ts";
import type {
  HostEndpoint,
  TierInfo,
  WorkloadEndpoint,
  WorkloadEndpointID,
} from "../../src/proto/messages.ts";

type Event =
  | { readonly op: "wep"; readonly id: WorkloadEndpointID; readonly ep: WorkloadEndpoint }
  | { readonly op: "wep-remove"; readonly id: WorkloadEndpointID }
  | { readonly op: "hep"; readonly id: string; readonly ep: HostEndpoint }
  | { readonly op: "hep-remove"; readonly id: string };

class RecordingSink implements EndpointSink {
  events: Event[] = [];
  onWorkloadEndpointUpdate(id: WorkloadEndpointID, ep: WorkloadEndpoint): void {
    this.events.push({ op: "wep", id, ep });
  }
  onWorkloadEndpointRemove(id: WorkloadEndpointID): void {
    this.events.push({ op: "wep-remove", id });
  }
  onHostEndpointUpdate(id: string, ep: HostEndpoint): void {
    this.events.push({ op: "hep", id, ep });
  }
  onHostEndpointRemove(id: string): void {
    this.events.push({ op: "hep-remove", id });
  }
  take(): Event[] {
    const out = this.events;
    this.events = [];
    return out;
  }
  /** One short line per event: `wep <endpointId>`, `hep-remove <id>`. */
  ops(): string[] {
    return this.take().map((e) =>
      `${e.op} ${typeof e.id === "string" ? e.id : `${e.id.workloadId}/${e.id.endpointId}`}`
    );
  }
}

function setup(): { sink: RecordingSink; pr: PolicyResolver } {
  const sink = new RecordingSink();
  return { sink, pr: new PolicyResolver({ sink }) };
}

function wepKey(name: string): WorkloadEndpointKey {
  return {
    kind: "WorkloadEndpoint",
    hostname: "node1",
    orchestratorId: "k8s",
    workloadId: `ns/${name}`,
    endpointId: "eth0",
  };
}

function hepKey(name: string): HostEndpointKey {
  return { kind: "HostEndpoint", hostname: "node1", endpointId: name };
}

function wep(name: string, extra: Partial<ModelWEP> = {}): ModelWEP {
  return {
    state: "active",
    name,
    profileIds: ["kns.ns"],
    ipv4Nets: ["10.0.0.1/32"],
    ipv6Nets: [],
    ipv4NAT: [],
    ipv6NAT: [],
    labels: { app: name },
    ports: [],
    allowSpoofedSourcePrefixes: [],
    ...extra,
  };
}

function hep(name: string): ModelHEP {
  return {
    name,
    expectedIPv4Addrs: ["192.168.0.1"],
    expectedIPv6Addrs: [],
    labels: {},
    profileIds: ["hprof"],
    ports: [],
  };
}

function pkey(name: string, policyKind: PolicyKind = "GlobalNetworkPolicy", ns = ""): PolicyKey {
  return { kind: "Policy", policyKind, namespace: ns, name };
}

function policy(tier: string, order: number | null, extra: Partial<Policy> = {}): Policy {
  return {
    tier,
    order,
    selector: "all()",
    originalSelector: "all()",
    namespace: "",
    types: ["ingress"],
    inboundRules: [],
    outboundRules: [],
    untracked: false,
    preDNAT: false,
    applyOnForward: false,
    performanceHints: [],
    ...extra,
  };
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

function onlyWep(events: Event[]): WorkloadEndpoint {
  const [e, ...rest] = events;
  deepEqual(rest, []);
  if (e?.op !== "wep") throw new Error(`Expected one workload update, got "${e?.op}"`);
  return e.ep;
}

function onlyHep(events: Event[]): HostEndpoint {
  const [e, ...rest] = events;
  deepEqual(rest, []);
  if (e?.op !== "hep") throw new Error(`Expected one host update, got "${e?.op}"`);
  return e.ep;
}

Deno.test("PolicyResolver emits nothing before in-sync, then every pending endpoint", () => {
  const { sink, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateHostEndpoint(hepKey("eth0"), hep("eth0"));
  addMatched(pr, pkey("p"), policy("default", 1), id);
  pr.flush(false);
  pr.flush(false);
  deepEqual(sink.take(), []);
  pr.flush(true);
  deepEqual(sink.ops(), ["wep ns/a/eth0", "hep eth0"]);
  pr.flush(true);
  deepEqual(sink.take(), []);
  // In sync is sticky: a later flush(false) still emits.
  pr.updateWorkloadEndpoint(wepKey("a"), undefined);
  pr.flush(false);
  deepEqual(sink.ops(), ["wep-remove ns/a/eth0"]);
});

Deno.test("PolicyResolver sends the full workload endpoint message", () => {
  const { sink, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateTier("default", { order: null, defaultAction: "Deny" });
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  addMatched(pr, pkey("p", "NetworkPolicy", "ns"), policy("default", 1), id);
  pr.flush(true);
  deepEqual(sink.take(), [{
    op: "wep",
    id: { orchestratorId: "k8s", workloadId: "ns/a", endpointId: "eth0" },
    ep: {
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
  }]);
  const nat = [{ extIP: "1.2.3.4", intIP: "10.0.0.1" }];
  pr.updateWorkloadEndpoint(
    wepKey("a"),
    wep("cali-a", { mac: "ee:ee:ee:ee:ee:ee", ipv4NAT: nat, annotations: { k: "v" } }),
  );
  pr.flush(true);
  const ep = onlyWep(sink.take());
  deepEqual([ep.mac, ep.ipv4NAT, ep.annotations], ["ee:ee:ee:ee:ee:ee", nat, { k: "v" }]);
});

Deno.test("PolicyResolver orders an endpoint's tiers: valid, ordered, by order, by name", () => {
  const { sink, pr } = setup();
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
  deepEqual(show(onlyWep(sink.take()).tiers), [
    "z-low[Deny] in: p-z-low | out: ",
    "a-mid[Deny] in: p-a-mid | out: ",
    "b-mid[Pass] in: p-b-mid | out: ",
    "unordered[Deny] in: p-unordered | out: ",
    "no-resource[] in: p-no-resource | out: ",
  ]);
});

Deno.test("PolicyResolver orders policies by order, missing order last, ties by name/namespace/kind", () => {
  const { sink, pr } = setup();
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
  const tiers = onlyWep(sink.take()).tiers;
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
  const { sink, pr } = setup();
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
  deepEqual(show(onlyWep(sink.take()).tiers), [
    "t[Deny] in: in both legacy | out: out both legacy",
  ]);
});

Deno.test("PolicyResolver carries a Pass tier's default action", () => {
  const { sink, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateTier("pass", { order: 1, defaultAction: "Pass" });
  addMatched(pr, pkey("p"), policy("pass", 1, { types: ["egress"] }), id);
  pr.flush(true);
  deepEqual(show(onlyWep(sink.take()).tiers), ["pass[Pass] in:  | out: p"]);
});

Deno.test("PolicyResolver builds a host endpoint's four tier lists", () => {
  const { sink, pr } = setup();
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
  const ep = onlyHep(sink.take());
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
  const { sink, pr } = setup();
  pr.updateHostEndpoint(hepKey("all-ifaces"), hep("*"));
  addMatched(pr, pkey("p"), policy("t", 1), keyPath(hepKey("all-ifaces")));
  pr.flush(true);
  const ep = onlyHep(sink.take());
  deepEqual([ep.name, show(ep.tiers)], ["*", ["t[] in: p | out: "]]);
});

Deno.test("PolicyResolver removes endpoints it sent, and only those", () => {
  const { sink, pr } = setup();
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateHostEndpoint(hepKey("eth0"), hep("eth0"));
  pr.flush(true);
  sink.take();
  pr.updateWorkloadEndpoint(wepKey("a"), undefined);
  pr.updateHostEndpoint(hepKey("eth0"), undefined);
  pr.updateWorkloadEndpoint(wepKey("never-sent"), wep("cali-n"));
  pr.updateWorkloadEndpoint(wepKey("never-sent"), undefined);
  pr.updateHostEndpoint(hepKey("unknown"), undefined);
  pr.onPolicyMatch(pkey("p"), keyPath(wepKey("ghost")));
  pr.flush(true);
  deepEqual(sink.ops(), ["wep-remove ns/a/eth0", "hep-remove eth0"]);
  pr.updateWorkloadEndpoint(wepKey("a"), undefined);
  pr.flush(true);
  deepEqual(sink.take(), []);
});

Deno.test("PolicyResolver drops a policy from an endpoint when its match stops", () => {
  const { sink, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  addMatched(pr, pkey("p"), policy("t", 1), id);
  addMatched(pr, pkey("q"), policy("t", 2), id);
  pr.flush(true);
  sink.take();
  pr.onPolicyMatchStopped(pkey("p"), id);
  pr.flush(true);
  deepEqual(show(onlyWep(sink.take()).tiers), ["t[] in: q | out: "]);
  pr.onPolicyMatchStopped(pkey("q"), id);
  pr.flush(true);
  deepEqual(onlyWep(sink.take()).tiers, []);
});

Deno.test("PolicyResolver re-emits every endpoint on a tier change", () => {
  const { sink, pr } = setup();
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateWorkloadEndpoint(wepKey("b"), wep("cali-b"));
  pr.updateHostEndpoint(hepKey("eth0"), hep("eth0"));
  addMatched(pr, pkey("p"), policy("t", 1), keyPath(wepKey("a")));
  pr.updateTier("t", { order: 1, defaultAction: "Deny" });
  pr.flush(true);
  sink.take();
  pr.updateTier("t", { order: 1, defaultAction: "Pass" });
  pr.flush(true);
  deepEqual(sink.ops(), ["wep ns/a/eth0", "wep ns/b/eth0", "hep eth0"]);
  pr.updateTier("unrelated", { order: 2, defaultAction: "Deny" });
  pr.flush(true);
  deepEqual(sink.ops(), ["wep ns/a/eth0", "wep ns/b/eth0", "hep eth0"]);
  pr.updateTier("unrelated", { order: 2, defaultAction: "Deny" });
  pr.flush(true);
  deepEqual(sink.take(), []);
});

Deno.test("PolicyResolver re-emits only the endpoints a changed policy matches", () => {
  const { sink, pr } = setup();
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.updateWorkloadEndpoint(wepKey("b"), wep("cali-b"));
  addMatched(pr, pkey("p"), policy("t", 1), keyPath(wepKey("a")));
  pr.updatePolicy(pkey("unmatched"), policy("t", 1));
  pr.flush(true);
  sink.take();
  pr.updatePolicy(pkey("unmatched"), policy("t", 7));
  pr.updatePolicy(pkey("unmatched"), undefined);
  pr.updatePolicy(pkey("p"), policy("t", 1, { selector: "rules-only change" }));
  pr.flush(true);
  deepEqual(sink.take(), []);
  pr.updatePolicy(pkey("p"), policy("t", 2));
  pr.flush(true);
  deepEqual(sink.ops(), ["wep ns/a/eth0"]);
});

Deno.test("PolicyResolver ignores deep-equal endpoint updates", () => {
  const { sink, pr } = setup();
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.flush(true);
  sink.take();
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.flush(true);
  deepEqual(sink.take(), []);
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a", { ipv4Nets: ["10.0.0.2/32"] }));
  pr.flush(true);
  deepEqual(onlyWep(sink.take()).ipv4Nets, ["10.0.0.2/32"]);
});

Deno.test("PolicyResolver places a policy once its metadata arrives after the match", () => {
  const { sink, pr } = setup();
  const id = keyPath(wepKey("a"));
  pr.updateWorkloadEndpoint(wepKey("a"), wep("cali-a"));
  pr.onPolicyMatch(pkey("p"), id);
  pr.flush(true);
  deepEqual(onlyWep(sink.take()).tiers, []);
  pr.updatePolicy(pkey("p"), policy("t", 1));
  pr.flush(true);
  deepEqual(show(onlyWep(sink.take()).tiers), ["t[] in: p | out: "]);
});

/** The dataplane's view: the last message per endpoint; a removal must follow an update. */
function applyEvents(view: Map<string, unknown>, events: readonly Event[]): void {
  for (const e of events) {
    const id = typeof e.id === "string" ? `hep ${e.id}` : `wep ${e.id.workloadId}`;
    if (e.op === "wep" || e.op === "hep") view.set(id, e.ep);
    else if (!view.delete(id)) throw new Error(`Removal of unsent endpoint "${id}"`);
  }
}

type ResolverOp =
  | { readonly op: "policy"; readonly name: string; readonly value: Policy | undefined }
  | {
    readonly op: "tier";
    readonly name: string;
    readonly order: number | null;
    readonly pass: boolean;
    readonly present: boolean;
  }
  | { readonly op: "wep"; readonly name: string; readonly iface: string | undefined }
  | { readonly op: "hep"; readonly name: string; readonly present: boolean }
  | { readonly op: "match"; readonly policy: string; readonly endpoint: number }
  | { readonly op: "flush"; readonly inSync: boolean };

const TIERS = ["t1", "t2", "t3"];
const ENDPOINTS = [keyPath(wepKey("a")), keyPath(wepKey("b")), keyPath(hepKey("h"))];

const resolverOpArb: fc.Arbitrary<ResolverOp> = fc.oneof(
  fc.record({
    op: fc.constant("policy" as const),
    name: fc.constantFrom("p1", "p2", "p3", "p4"),
    value: fc.option(
      fc.record({
        tier: fc.constantFrom(...TIERS),
        order: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
        types: fc.subarray(["ingress", "egress"] as const),
        untracked: fc.boolean(),
        preDNAT: fc.boolean(),
        applyOnForward: fc.boolean(),
      }).map((m) => policy(m.tier, m.order, m)),
      { nil: undefined },
    ),
  }),
  fc.record({
    op: fc.constant("tier" as const),
    name: fc.constantFrom(...TIERS),
    order: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    pass: fc.boolean(),
    present: fc.boolean(),
  }),
  fc.record({
    op: fc.constant("wep" as const),
    name: fc.constantFrom("a", "b"),
    iface: fc.option(fc.constantFrom("cali-1", "cali-2"), { nil: undefined }),
  }),
  fc.record({ op: fc.constant("hep" as const), name: fc.constant("h"), present: fc.boolean() }),
  fc.record({
    op: fc.constant("match" as const),
    policy: fc.constantFrom("p1", "p2", "p3", "p4"),
    endpoint: fc.integer({ min: 0, max: ENDPOINTS.length - 1 }),
  }),
  fc.record({ op: fc.constant("flush" as const), inSync: fc.boolean() }),
);

/** Applies one op; matches toggle, as the ARC reports each transition exactly once. */
function applyResolverOp(pr: PolicyResolver, matched: Set<string>, op: ResolverOp): void {
  switch (op.op) {
    case "policy":
      return pr.updatePolicy(pkey(op.name), op.value);
    case "tier": {
      const tier = { order: op.order, defaultAction: op.pass ? "Pass" as const : "Deny" as const };
      return pr.updateTier(op.name, op.present ? tier : undefined);
    }
    case "wep":
      return pr.updateWorkloadEndpoint(
        wepKey(op.name),
        op.iface === undefined ? undefined : wep(op.iface),
      );
    case "hep":
      return pr.updateHostEndpoint(hepKey(op.name), op.present ? hep("eth0") : undefined);
    case "match": {
      const endpoint = ENDPOINTS[op.endpoint] ?? "";
      const pair = `${op.policy} ${endpoint}`;
      if (matched.delete(pair)) return pr.onPolicyMatchStopped(pkey(op.policy), endpoint);
      matched.add(pair);
      return pr.onPolicyMatch(pkey(op.policy), endpoint);
    }
    case "flush":
      return pr.flush(op.inSync);
  }
}

Deno.test("PolicyResolver's incremental output equals a from-scratch resolve of the final state", () => {
  fc.assert(
    fc.property(fc.array(resolverOpArb, { maxLength: 40 }), (ops) => {
      const { sink, pr } = setup();
      const matched = new Set<string>();
      const view = new Map<string, unknown>();
      for (const op of ops) {
        applyResolverOp(pr, matched, op);
        applyEvents(view, sink.take());
      }
      pr.flush(true);
      applyEvents(view, sink.take());
      // Replay only the latest value of each input into a fresh resolver.
      const fresh = setup();
      const latest = new Map<string, ResolverOp>();
      for (const op of ops) {
        if (op.op === "flush" || op.op === "match") continue;
        latest.set(`${op.op} ${op.name}`, op);
      }
      for (const op of latest.values()) applyResolverOp(fresh.pr, new Set(), op);
      for (const pair of matched) {
        const [policyName = "", endpoint = ""] = pair.split(" ");
        fresh.pr.onPolicyMatch(pkey(policyName), endpoint);
      }
      fresh.pr.flush(true);
      const expected = new Map<string, unknown>();
      applyEvents(expected, fresh.sink.take());
      deepEqual(view, expected);
    }),
    { numRuns: 300 },
  );
});
