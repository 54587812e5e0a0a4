import { deepEqual } from "node:assert/strict";
import fc from "fast-check";
import { EventSequencer } from "../../src/calc/event_sequencer.ts";
import type { Policy, WorkloadEndpoint } from "../../src/proto/messages.ts";
import { CheckingDataplane, type DataplaneSnapshot } from "../calc_fv/checking_dataplane.ts";
import { pid, policy, rule, wep, wepId } from "./sequencer_fixtures.ts";

// Random valid call sequences against the checking dataplane.

const SETS = ["s:0", "s:1", "s:2", "s:3"];
const MEMBERS = ["10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32"];
const POLICIES = ["p0", "p1", "p2"];
const PROFILES = ["prof0", "prof1"];
const WEPS = ["w0", "w1", "w2"];

/** What the calc graph wants the dataplane to hold after one batch. */
interface Target {
  /** Endpoint -> [policy indexes, profile indexes]. */
  readonly weps: ReadonlyMap<string, readonly [readonly number[], readonly number[]]>;
  /** Policy/profile content version (which sets it uses). */
  readonly version: number;
  /** Members per set, as bit masks over MEMBERS. */
  readonly members: readonly number[];
  readonly churn: boolean;
}

function policySets(i: number, version: number): string[] {
  return [SETS[(i + version) % SETS.length]!];
}

function profileSets(i: number, version: number): string[] {
  return [SETS[(i + version + 2) % SETS.length]!];
}

function activeOf(t: Target) {
  const policies = new Set<number>();
  const profiles = new Set<number>();
  for (const [pols, profs] of t.weps.values()) {
    pols.forEach((p) => policies.add(p));
    profs.forEach((p) => profiles.add(p));
  }
  const sets = new Set<string>();
  policies.forEach((p) => policySets(p, t.version).forEach((s) => sets.add(s)));
  profiles.forEach((p) => profileSets(p, t.version).forEach((s) => sets.add(s)));
  return { policies, profiles, sets };
}

function membersOf(t: Target, set: string): string[] {
  const mask = t.members[SETS.indexOf(set)] ?? 0;
  return MEMBERS.filter((_, i) => (mask & (1 << i)) !== 0);
}

/** The sink calls that move the sequencer from `from` to `to`, as per-object call chains. */
function chains(seq: EventSequencer, from: Target, to: Target): (() => void)[][] {
  const a = activeOf(from);
  const b = activeOf(to);
  const out: (() => void)[][] = [];
  for (const s of SETS) {
    const was = a.sets.has(s);
    const is = b.sets.has(s);
    if (is && (!was || to.churn)) {
      const pre = was ? [() => seq.onIPSetRemoved(s)] : [];
      out.push([
        ...pre,
        () => seq.onIPSetAdded(s, "net"),
        ...membersOf(to, s).map((m) => () => seq.onIPSetMemberAdded(s, m)),
      ]);
    } else if (is) {
      const old = membersOf(from, s);
      const now = membersOf(to, s);
      for (const m of MEMBERS) {
        if (old.includes(m) && !now.includes(m)) out.push([() => seq.onIPSetMemberRemoved(s, m)]);
        if (!old.includes(m) && now.includes(m)) out.push([() => seq.onIPSetMemberAdded(s, m)]);
      }
    } else if (was) out.push([() => seq.onIPSetRemoved(s)]);
  }
  POLICIES.forEach((name, i) => {
    if (b.policies.has(i)) {
      out.push([() => seq.onPolicyActive(pid(name), policy(policySets(i, to.version)))]);
    } else if (a.policies.has(i)) out.push([() => seq.onPolicyInactive(pid(name))]);
  });
  PROFILES.forEach((name, i) => {
    if (b.profiles.has(i)) {
      out.push([() => seq.onProfileActive(name, [rule(profileSets(i, to.version))], [])]);
    } else if (a.profiles.has(i)) out.push([() => seq.onProfileInactive(name)]);
  });
  for (const w of WEPS) {
    const spec = to.weps.get(w);
    if (spec !== undefined) {
      const ep = wep(spec[0].map((p) => POLICIES[p]!), spec[1].map((p) => PROFILES[p]!));
      out.push([() => seq.onWorkloadEndpointUpdate(wepId(w), ep)]);
    } else if (from.weps.has(w)) out.push([() => seq.onWorkloadEndpointRemove(wepId(w))]);
  }
  return out;
}

/** Runs the chains interleaved in a random order that keeps each chain's own order. */
function interleave(list: (() => void)[][], picks: readonly number[]): void {
  const queues = list.map((c) => [...c]);
  let k = 0;
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    const q = live[(picks[k++ % Math.max(picks.length, 1)] ?? 0) % live.length]!;
    q.shift()!();
  }
}

function expectedSnapshot(t: Target, inSync: boolean): Partial<DataplaneSnapshot> {
  const act = activeOf(t);
  const ipSets: Record<string, { type: "net"; members: string[] }> = {};
  for (const s of [...act.sets].sort()) ipSets[s] = { type: "net", members: membersOf(t, s) };
  const policies: Record<string, Policy> = {};
  for (const i of [...act.policies].sort()) {
    policies[`GlobalNetworkPolicy/${POLICIES[i]}`] = policy(policySets(i, t.version));
  }
  const profiles: Record<string, unknown> = {};
  for (const i of [...act.profiles].sort()) {
    profiles[PROFILES[i]!] = { inboundRules: [rule(profileSets(i, t.version))], outboundRules: [] };
  }
  const workloadEndpoints: Record<string, WorkloadEndpoint> = {};
  if (inSync) {
    for (const [w, [pols, profs]] of [...t.weps].sort()) {
      workloadEndpoints[`k8s/${w}/eth0`] = wep(
        pols.map((p) => POLICIES[p]!),
        profs.map((p) => PROFILES[p]!),
      );
    }
  }
  return {
    ipSets,
    policies,
    profiles: profiles as DataplaneSnapshot["profiles"],
    workloadEndpoints,
  };
}

const subset = (n: number) => fc.uniqueArray(fc.nat(n - 1), { maxLength: n });
const targetArb: fc.Arbitrary<Target> = fc.record({
  weps: fc.array(
    fc.tuple(fc.constantFrom(...WEPS), subset(POLICIES.length), subset(PROFILES.length)),
    { maxLength: 3 },
  )
    .map((xs) => new Map(xs.map(([w, p, q]) => [w, [p, q] as const]))),
  version: fc.nat(3),
  members: fc.array(fc.nat(7), { minLength: SETS.length, maxLength: SETS.length }),
  churn: fc.boolean(),
});

Deno.test("EventSequencer output passes the checking dataplane for random valid call orders", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(targetArb, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), fc.boolean()),
        {
          minLength: 1,
          maxLength: 6,
        },
      ),
      fc.nat(6),
      (steps, syncAt) => {
        const seq = new EventSequencer();
        const dp = new CheckingDataplane();
        let current: Target = { weps: new Map(), version: 0, members: [0, 0, 0, 0], churn: false };
        steps.forEach(([target, picks, flush], i) => {
          interleave(chains(seq, current, target), picks);
          current = target;
          if (i === syncAt) seq.onDatastoreInSync();
          if (flush || i === steps.length - 1) {
            dp.applyFlush(seq.flush());
            const snap = dp.snapshot();
            const want = expectedSnapshot(current, dp.inSync);
            deepEqual(
              {
                ipSets: snap.ipSets,
                policies: snap.policies,
                profiles: snap.profiles,
                workloadEndpoints: snap.workloadEndpoints,
              },
              want,
            );
          }
        });
      },
    ),
    { numRuns: 300 },
  );
});
