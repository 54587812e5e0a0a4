/**
 * WatchCache: revision skipping, relist diffs that delete only what vanished, built-ins giving
 * way, key collisions, unreadable values, and (property) that its state always equals what
 * `buildDesiredState` makes of the stored objects in source order.
 */
import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { buildDesiredState, type ConvertedDocument } from "../../src/datastore/desired_state.ts";
import { identityOf } from "../../src/datastore/resource_identity.ts";
import { type CacheItem, WatchCache } from "../../src/datastore/watch_cache.ts";
import { updateKeyPath } from "../../src/model/kv.ts";
import { fakeConvert } from "./fake_converter.ts";
import { pairs } from "./sync_recorder.ts";

const V3 = "projectcalico.org/v3";

function pool(name: string, cidr: string): unknown {
  return { apiVersion: V3, kind: "IPPool", metadata: { name }, spec: { cidr } };
}

function tier(name: string, order: number): unknown {
  return { apiVersion: V3, kind: "Tier", metadata: { name }, spec: { order } };
}

/** An item that counts its reads. */
function item(source: string, revision: string, doc: unknown, reads?: string[]): CacheItem {
  return {
    source,
    revision,
    read: () => {
      reads?.push(source);
      return { ok: true, doc };
    },
  };
}

const poolPath = (cidr: string) => `/calico/v1/ipam/v4/pool/${cidr.replace("/", "-")}`;
const tierPath = (name: string) => `/calico/v1/policy/tier/${name}/metadata`;

Deno.test("WatchCache does not read an item again at the same revision", () => {
  const cache = new WatchCache({ convert: fakeConvert, builtIns: [] });
  const reads: string[] = [];
  deepEqual(
    pairs(cache.apply([{ type: "put", item: item("t/a", "1", tier("a", 1), reads) }]).updates),
    [
      [tierPath("a"), { order: 1, defaultAction: "Deny" }],
    ],
  );
  deepEqual(
    cache.apply([{ type: "put", item: item("t/a", "1", tier("a", 2), reads) }]).updates,
    [],
  );
  deepEqual(
    pairs(cache.apply([{ type: "put", item: item("t/a", "2", tier("a", 2), reads) }]).updates),
    [
      [tierPath("a"), { order: 2, defaultAction: "Deny" }],
    ],
  );
  deepEqual(
    cache.apply([{ type: "put", item: item("t/a", "3", tier("a", 2), reads) }]).updates,
    [],
  );
  deepEqual(reads, ["t/a", "t/a", "t/a"]);
});

Deno.test("WatchCache.replace deletes only what vanished and leaves unchanged revisions unread", () => {
  const cache = new WatchCache({ convert: fakeConvert, builtIns: [] });
  cache.replace([item("t/a", "1", tier("a", 1)), item("t/b", "1", tier("b", 2))]);
  const reads: string[] = [];
  const r = cache.replace([
    item("t/b", "1", tier("b", 2), reads),
    item("t/c", "5", tier("c", 3), reads),
  ]);
  deepEqual(pairs(r.updates), [
    [tierPath("a"), null],
    [tierPath("c"), { order: 3, defaultAction: "Deny" }],
  ]);
  deepEqual(reads, ["t/c"]);
  equal(cache.size, 2);
});

Deno.test("WatchCache.replace with a scope leaves other sources alone", () => {
  const cache = new WatchCache({ convert: fakeConvert, builtIns: [] });
  cache.replace([
    item("tiers/a", "1", tier("a", 1)),
    item("pools/p", "1", pool("p", "10.0.0.0/8")),
  ]);
  deepEqual(pairs(cache.replace([], "pools/").updates), [[poolPath("10.0.0.0/8"), null]]);
  deepEqual([...cache.state.keys()], [tierPath("a")]);
});

Deno.test("WatchCache sends the net change of a batch: a put then delete of a new key sends nothing", () => {
  const cache = new WatchCache({ convert: fakeConvert, builtIns: [] });
  const r = cache.apply([
    { type: "put", item: item("t/a", "1", tier("a", 1)) },
    { type: "delete", source: "t/a" },
    { type: "delete", source: "t/never" },
  ]);
  deepEqual(r, { updates: [], problems: [], warnings: [] });
});

Deno.test("WatchCache gives a built-in way to a stored object of the same identity and back", () => {
  const cache = new WatchCache({ convert: fakeConvert, builtIns: [tier("default", 1000)] });
  deepEqual(pairs(cache.apply([]).updates), [[tierPath("default"), {
    order: 1000,
    defaultAction: "Deny",
  }]]);
  const stored = item("k/tiers/default", "4", tier("default", 5));
  deepEqual(pairs(cache.apply([{ type: "put", item: stored }]).updates), [
    [tierPath("default"), { order: 5, defaultAction: "Deny" }],
  ]);
  deepEqual(pairs(cache.apply([{ type: "delete", source: "k/tiers/default" }]).updates), [
    [tierPath("default"), { order: 1000, defaultAction: "Deny" }],
  ]);
});

Deno.test("WatchCache gives a shared IPPool CIDR to the first name, reports the other, promotes it", () => {
  const cache = new WatchCache({ convert: fakeConvert, builtIns: [] });
  const r = cache.replace([
    item("pools/b", "1", pool("b", "10.0.0.0/8")),
    item("pools/a", "1", pool("a", "10.0.0.0/8")),
  ]);
  deepEqual(pairs(r.updates).map(([p]) => p), [poolPath("10.0.0.0/8")]);
  deepEqual(r.problems, [{
    source: "pools/b",
    kind: "IPPool",
    name: "b",
    message: `IPPool "b" at "pools/b" maps to the same key "${poolPath("10.0.0.0/8")}" as ` +
      `IPPool "a" at "pools/a"; "a" is used because its name sorts first`,
  }]);
  const moved = cache.apply([{
    type: "put",
    item: item("pools/a", "2", pool("a", "10.1.0.0/16")),
  }]);
  deepEqual(pairs(moved.updates).map(([p]) => p), [poolPath("10.1.0.0/16")]);
  equal(cache.state.size, 2);
  deepEqual(moved.problems, []);
});

Deno.test("WatchCache reports an unreadable or unconvertible object with its source and drops its keys", () => {
  const cache = new WatchCache({ convert: fakeConvert, builtIns: [] });
  cache.apply([{ type: "put", item: item("t/a", "1", tier("a", 1)) }]);
  const r = cache.apply([
    {
      type: "put",
      item: { source: "t/a", revision: "2", read: () => ({ ok: false, message: "bad" }) },
    },
    {
      type: "put",
      item: item("t/b", "2", { apiVersion: V3, kind: "Tier", metadata: { name: "b" } }),
    },
  ]);
  deepEqual(pairs(r.updates), [[tierPath("a"), null]]);
  deepEqual(r.problems, [
    { source: "t/a", message: "bad" },
    { source: "t/b", kind: "Tier", name: "b", message: `Tier "b": spec.order: required` },
  ]);
});

const SOURCES = ["s/a", "s/b", "s/c", "s/d"] as const;
const docArb = fc.oneof(
  fc.record({
    kind: fc.constant("pool"),
    name: fc.constantFrom("p", "q", "r"),
    cidr: fc.constantFrom("10.0.0.0/8", "10.1.0.0/16"),
  }),
  fc.record({
    kind: fc.constant("tier"),
    name: fc.constantFrom("default", "t"),
    order: fc.integer({ min: 1, max: 3 }),
  }),
);
const opArb = fc.record({
  source: fc.constantFrom(...SOURCES),
  doc: fc.option(docArb, { nil: undefined }),
});

function docOf(d: { kind: string; name: string; cidr?: string; order?: number }): unknown {
  return d.kind === "pool" ? pool(d.name, d.cidr ?? "") : tier(d.name, d.order ?? 0);
}

Deno.test("WatchCache state always equals buildDesiredState of the stored objects in source order", () => {
  const builtIns = [tier("default", 1000)];
  fc.assert(
    fc.property(fc.array(fc.array(opArb, { maxLength: 4 }), { maxLength: 8 }), (batches) => {
      const cache = new WatchCache({ convert: fakeConvert, builtIns });
      const stored = new Map<string, unknown>();
      const sent = new Map<string, unknown>();
      let rev = 0;
      for (const batch of [[], ...batches]) {
        const r = cache.apply(batch.map((op) => {
          if (op.doc === undefined) {
            stored.delete(op.source);
            return { type: "delete", source: op.source };
          }
          const doc = docOf(op.doc);
          stored.set(op.source, doc);
          return { type: "put", item: item(op.source, String(++rev), doc) };
        }));
        for (const u of r.updates) {
          if (u.value === null) sent.delete(updateKeyPath(u));
          else sent.set(updateKeyPath(u), u.value);
        }
      }
      const docs: ConvertedDocument[] = [
        ...builtIns.map((doc) => ["", doc] as const),
        ...[...stored].sort(([a], [b]) => a < b ? -1 : 1),
      ].map(([source, doc]) => {
        const c = fakeConvert(doc);
        const identity = identityOf(doc);
        return {
          source,
          where: source,
          builtIn: source === "",
          ...(identity === undefined ? {} : { identity }),
          updates: c.ok ? c.updates : null,
        };
      });
      const want = new Map([...buildDesiredState(docs).entries].map(([p, u]) => [p, u.value]));
      deepEqual(new Map([...cache.state].map(([p, u]) => [p, u.value])), want);
      deepEqual(sent, want);
    }),
    { numRuns: 300 },
  );
});
