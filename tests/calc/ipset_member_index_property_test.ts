import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import type { IPSetData } from "../../src/calc/sinks.ts";
import { IPSetMemberIndex } from "../../src/calc/ipset_member_index.ts";
import {
  contribution,
  endpointSource,
  type MemberSource,
  networkSetSource,
} from "../../src/calc/ipset_contribution.ts";
import { parseSelector } from "../../src/selector/mod.ts";
import type { EndpointPort } from "../../src/model/values.ts";
import {
  memberData as ep,
  namedPortSetData as portSet,
  netSetData as netSet,
  Recorder,
} from "./fixtures.ts";

type Op =
  | {
    kind: "ep";
    id: number;
    labels: Record<string, string>;
    nets: string[];
    ports: EndpointPort[];
    profiles: string[];
  }
  | { kind: "epDel"; id: number }
  | { kind: "netset"; labels: Record<string, string>; nets: string[] }
  | { kind: "netsetDel" }
  | { kind: "profile"; name: string; labels: Record<string, string> | undefined }
  | { kind: "set"; set: number; active: boolean };

const SETS: readonly IPSetData[] = [
  netSet("a == 'x'"),
  netSet("all()"),
  netSet("p == 'x' || a == 'y'"),
  portSet("a == 'x'", "tcp", "http"),
  portSet("all()", "any", "http"),
  portSet("has(p)", "udp", "dns"),
];

function opArbitrary(): fc.Arbitrary<Op> {
  const labels = fc.dictionary(fc.constantFrom("a", "p"), fc.constantFrom("x", "y"), {
    maxKeys: 2,
  });
  const nets = fc.subarray(["10.0.0.1/32", "10.0.0.2/32", "fd00::1/128"]);
  const port = fc.record({
    name: fc.constantFrom("http", "dns"),
    protocol: fc.constantFrom<string | number>("tcp", "udp", 17, 6, 0),
    port: fc.constantFrom(53, 80),
  });
  return fc.oneof(
    fc.record({
      kind: fc.constant("ep" as const),
      id: fc.nat(2),
      labels,
      nets,
      ports: fc.array(port, { maxLength: 2 }),
      profiles: fc.subarray(["pa", "pb"]),
    }),
    fc.record({ kind: fc.constant("epDel" as const), id: fc.nat(2) }),
    fc.record({
      kind: fc.constant("netset" as const),
      labels,
      nets: fc.subarray(["10.0.0.1/32", "0.0.0.0/0", "10.0.0.0/8"]),
    }),
    fc.record({ kind: fc.constant("netsetDel" as const) }),
    fc.record({
      kind: fc.constant("profile" as const),
      name: fc.constantFrom("pa", "pb"),
      labels: fc.option(labels, { nil: undefined }),
    }),
    fc.record({
      kind: fc.constant("set" as const),
      set: fc.nat(SETS.length - 1),
      active: fc.boolean(),
    }),
  );
}

/** Brute force: the members each active set should hold now. */
function expectedMembers(
  active: ReadonlySet<number>,
  items: ReadonlyMap<
    string,
    { labels: Record<string, string>; profiles: string[]; source: MemberSource }
  >,
  profiles: ReadonlyMap<string, Record<string, string>>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const i of active) {
    const set = SETS[i]!;
    const members = new Set<string>();
    for (const item of items.values()) {
      const effective = { ...item.labels };
      for (const p of item.profiles) {
        for (const [k, v] of Object.entries(profiles.get(p) ?? {})) {
          if (!(k in effective)) effective[k] = v;
        }
      }
      if (!parseSelector(set.selector).evaluate(new Map(Object.entries(effective)))) continue;
      for (const m of contribution(item.source, set)) members.add(m);
    }
    out.set(set.id, members);
  }
  return out;
}

Deno.test("IPSetMemberIndex deltas always add up to the brute-force members (property)", () => {
  fc.assert(
    fc.property(fc.array(opArbitrary(), { maxLength: 40 }), (ops) => {
      const rec = new Recorder();
      const index = new IPSetMemberIndex({ sink: rec.sink });
      const active = new Set<number>();
      const items = new Map<
        string,
        { labels: Record<string, string>; profiles: string[]; source: MemberSource }
      >();
      const profiles = new Map<string, Record<string, string>>();
      const seen = new Map<string, Set<string>>();
      for (const op of ops) {
        applyOp(index, op, active, items, profiles, seen);
        for (const [name, id, member] of rec.take() as [string, string, string][]) {
          const members = seen.get(id)!;
          if (name === "onIPSetMemberAdded") {
            equal(members.has(member), false, `duplicate add ${member}`);
            members.add(member);
          } else {
            equal(members.delete(member), true, `remove of absent ${member}`);
          }
        }
        deepEqual(seen, expectedMembers(active, items, profiles));
      }
    }),
    { numRuns: 300 },
  );
});

function applyOp(
  index: IPSetMemberIndex,
  op: Op,
  active: Set<number>,
  items: Map<string, { labels: Record<string, string>; profiles: string[]; source: MemberSource }>,
  profiles: Map<string, Record<string, string>>,
  seen: Map<string, Set<string>>,
): void {
  switch (op.kind) {
    case "ep":
      index.updateEndpoint(`ep${op.id}`, ep(op.labels, op.nets, op.ports, op.profiles));
      items.set(`ep${op.id}`, { ...op, source: endpointSource(op.nets, op.ports) });
      return;
    case "epDel":
      index.updateEndpoint(`ep${op.id}`, undefined);
      items.delete(`ep${op.id}`);
      return;
    case "netset":
      index.updateNetworkSet("ns", { labels: op.labels, profileIds: [], nets: op.nets });
      items.set("ns", { labels: op.labels, profiles: [], source: networkSetSource(op.nets) });
      return;
    case "netsetDel":
      index.updateNetworkSet("ns", undefined);
      items.delete("ns");
      return;
    case "profile":
      index.updateProfileLabels(op.name, op.labels);
      if (op.labels === undefined) profiles.delete(op.name);
      else profiles.set(op.name, op.labels);
      return;
    case "set": {
      const set = SETS[op.set]!;
      if (op.active === active.has(op.set)) return;
      if (op.active) {
        active.add(op.set);
        seen.set(set.id, new Set()); // The sequencer's "added": the set starts empty.
        index.onIPSetActive(set);
      } else {
        active.delete(op.set);
        seen.delete(set.id); // The sequencer's "removed": pending members are discarded.
        index.onIPSetInactive(set.id);
      }
    }
  }
}
