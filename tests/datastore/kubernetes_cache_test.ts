/**
 * KubernetesCache: the Kubernetes syncer's bookkeeping (what each object produced, who owns each
 * key, what was sent), with the fake converter.
 */
import { deepEqual, equal } from "node:assert/strict";
import { KubernetesCache } from "../../src/datastore/kubernetes_cache.ts";
import {
  type KubeResourceType,
  kubernetesResourceTypes,
  V3_GROUP,
} from "../../src/datastore/kubernetes_resources.ts";
import type { ParseError } from "../../src/datastore/syncer.ts";
import { fakeConvert } from "./fake_converter.ts";
import { pairs } from "./sync_recorder.ts";

function typeOf(plural: string): KubeResourceType {
  const t = kubernetesResourceTypes(V3_GROUP).find((x) => x.id === `${V3_GROUP} ${plural}`);
  if (t === undefined) throw new Error(`no type ${plural}`);
  return t;
}

const POOLS = typeOf("ippools");
const TIERS = typeOf("tiers");
const SETS = typeOf("globalnetworksets");

function pool(name: string, cidr: string, rv: string, natOutgoing = false) {
  return {
    apiVersion: V3_GROUP,
    kind: "IPPool",
    metadata: { name, resourceVersion: rv },
    spec: { cidr, natOutgoing },
  };
}

function tier(name: string, order: number, rv: string) {
  return { metadata: { name, resourceVersion: rv }, spec: { order } };
}

function setup() {
  const problems: string[] = [];
  const report = (prefix: string) => (p: ParseError) =>
    problems.push(`${prefix}${p.source}: ${p.message}`);
  const cache = new KubernetesCache({
    convert: fakeConvert,
    report: { error: report("error "), warning: report("warning ") },
  });
  return { cache, problems };
}

/** `[path, masquerade]` of pool updates: short and exact. */
function poolView(cache: KubernetesCache): [string, unknown][] {
  return pairs(cache.takeUpdates()).map(([p, v]) => [
    p,
    v === null ? null : (v as { masquerade: boolean }).masquerade,
  ]);
}

Deno.test("KubernetesCache.replace sends a deletion only for the object the new list lacks", () => {
  const { cache } = setup();
  cache.replace(POOLS, [pool("a", "10.1.0.0/16", "1"), pool("b", "10.2.0.0/16", "2")]);
  deepEqual(poolView(cache), [
    ["/calico/v1/ipam/v4/pool/10.1.0.0-16", false],
    ["/calico/v1/ipam/v4/pool/10.2.0.0-16", false],
  ]);
  cache.replace(POOLS, [pool("a", "10.1.0.0/16", "1")]);
  deepEqual(poolView(cache), [["/calico/v1/ipam/v4/pool/10.2.0.0-16", null]]);
  equal(cache.size(POOLS), 1);
});

Deno.test("KubernetesCache.upsert skips an object seen again with the same resourceVersion", () => {
  let calls = 0;
  const cache = new KubernetesCache({
    convert: (doc) => {
      calls++;
      return fakeConvert(doc);
    },
    report: { error() {}, warning() {} },
  });
  cache.upsert(POOLS, pool("a", "10.1.0.0/16", "7"));
  cache.upsert(POOLS, pool("a", "10.1.0.0/16", "7"));
  equal(calls, 1);
  cache.upsert(POOLS, pool("a", "10.1.0.0/16", "8"));
  equal(calls, 2);
  deepEqual(poolView(cache), [["/calico/v1/ipam/v4/pool/10.1.0.0-16", false]]);
});

Deno.test("KubernetesCache.upsert sends a changed value and nothing for an equal one", () => {
  const { cache } = setup();
  cache.upsert(POOLS, pool("a", "10.1.0.0/16", "1"));
  cache.takeUpdates();
  cache.upsert(POOLS, pool("a", "10.1.0.0/16", "2"));
  deepEqual(poolView(cache), []);
  cache.upsert(POOLS, pool("a", "10.1.0.0/16", "3", true));
  deepEqual(poolView(cache), [["/calico/v1/ipam/v4/pool/10.1.0.0-16", true]]);
});

Deno.test("KubernetesCache gives an IPPool key to the name that sorts first and promotes the next on removal", () => {
  const { cache } = setup();
  cache.upsert(POOLS, pool("zeta", "10.1.0.0/16", "1", true));
  cache.upsert(POOLS, pool("alpha", "10.1.0.0/16", "2", false));
  cache.upsert(POOLS, pool("omega", "10.1.0.0/16", "3", true));
  deepEqual(poolView(cache), [
    ["/calico/v1/ipam/v4/pool/10.1.0.0-16", true],
    ["/calico/v1/ipam/v4/pool/10.1.0.0-16", false],
  ]);
  cache.remove(POOLS, pool("alpha", "", "4"));
  deepEqual(poolView(cache), [["/calico/v1/ipam/v4/pool/10.1.0.0-16", true]]);
  cache.remove(POOLS, pool("omega", "", "5"));
  cache.remove(POOLS, pool("zeta", "", "6"));
  deepEqual(poolView(cache), [["/calico/v1/ipam/v4/pool/10.1.0.0-16", null]]);
});

Deno.test("KubernetesCache lets a stored Tier replace the built-in one and restores it on deletion", () => {
  const { cache } = setup();
  cache.setBuiltIns([{ kind: "Tier", metadata: { name: "default" }, spec: { order: 1000000 } }]);
  deepEqual(pairs(cache.takeUpdates()), [
    ["/calico/v1/policy/tier/default/metadata", { order: 1000000, defaultAction: "Deny" }],
  ]);
  cache.upsert(TIERS, tier("default", 5, "10"));
  deepEqual(pairs(cache.takeUpdates()), [
    ["/calico/v1/policy/tier/default/metadata", { order: 5, defaultAction: "Deny" }],
  ]);
  cache.replace(TIERS, []);
  deepEqual(pairs(cache.takeUpdates()), [
    ["/calico/v1/policy/tier/default/metadata", { order: 1000000, defaultAction: "Deny" }],
  ]);
});

Deno.test("KubernetesCache reports an object that fails to convert and deletes what it had produced", () => {
  const { cache, problems } = setup();
  cache.upsert(POOLS, pool("a", "10.1.0.0/16", "1"));
  cache.takeUpdates();
  cache.upsert(POOLS, pool("a", "not-a-cidr", "2"));
  deepEqual(poolView(cache), [["/calico/v1/ipam/v4/pool/10.1.0.0-16", null]]);
  deepEqual(problems, ['error IPPool "a": IPPool "a": spec.cidr: bad CIDR "not-a-cidr"']);
  equal(cache.size(POOLS), 1, "the object is known (so a relist at the same revision is quiet)");
});

Deno.test("KubernetesCache reports an object without metadata.name and keeps going", () => {
  const { cache, problems } = setup();
  cache.replace(POOLS, [{ spec: {} }, pool("b", "10.2.0.0/16", "2")]);
  deepEqual(poolView(cache), [["/calico/v1/ipam/v4/pool/10.2.0.0-16", false]]);
  deepEqual(problems, [
    "error IPPool from /apis/projectcalico.org/v3/ippools: IPPool from " +
    "/apis/projectcalico.org/v3/ippools has no metadata.name; skipped",
  ]);
});

Deno.test("KubernetesCache forwards converter warnings with the object as source", () => {
  const { cache, problems } = setup();
  cache.upsert(SETS, {
    metadata: { name: "s", resourceVersion: "1" },
    spec: { nets: ["10.0.0.0/8", "junk"] },
  });
  deepEqual(problems, ['warning GlobalNetworkSet "s": spec.nets: skipped "junk"']);
  deepEqual(pairs(cache.takeUpdates()), [
    ["/calico/v1/netset/s", { nets: ["10.0.0.0/8"], labels: {}, profileIds: [] }],
  ]);
});
