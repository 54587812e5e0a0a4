import { deepEqual } from "node:assert/strict";
import fc from "fast-check";
import { type EndpointSink, PolicyResolver } from "../../src/calc/policy_resolver.ts";
import { keyPath } from "../../src/model/keys.ts";
import type { Policy } from "../../src/model/values.ts";
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

/** The dataplane's view: the last message per endpoint; a removal must follow an update. */
function applyCalls(view: Map<string, unknown>, calls: readonly Call<EndpointSink>[]): void {
  for (const c of calls) {
    const id = typeof c[1] === "string" ? `hep ${c[1]}` : `wep ${c[1].workloadId}`;
    if (c[0] === "onWorkloadEndpointUpdate" || c[0] === "onHostEndpointUpdate") view.set(id, c[2]);
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
      }).map((m) => modelPolicy(m)),
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
        op.iface === undefined ? undefined : modelWorkloadEndpoint({ name: op.iface }),
      );
    case "hep":
      return pr.updateHostEndpoint(hepKey(op.name), op.present ? modelHostEndpoint() : undefined);
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
      const { rec, pr } = setup();
      const matched = new Set<string>();
      const view = new Map<string, unknown>();
      for (const op of ops) {
        applyResolverOp(pr, matched, op);
        applyCalls(view, rec.take());
      }
      pr.flush(true);
      applyCalls(view, rec.take());
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
      applyCalls(expected, fresh.rec.take());
      deepEqual(view, expected);
    }),
    { numRuns: 300 },
  );
});
