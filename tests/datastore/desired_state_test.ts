import { deepEqual, equal, throws } from "node:assert/strict";
import { buildDesiredState, type ConvertedDocument } from "../../src/datastore/desired_state.ts";
import { diffStates, toBatches } from "../../src/datastore/kv_diff.ts";
import type { ResourceIdentity } from "../../src/datastore/resource_identity.ts";
import { describeIdentity, identityOf } from "../../src/datastore/resource_identity.ts";
import { kv, type KVUpdate, updateKeyPath } from "../../src/model/kv.ts";

function id(kind: string, name: string, namespace = ""): ResourceIdentity {
  return { family: "calico", kind, namespace, name };
}

function doc(
  identity: ResourceIdentity | undefined,
  updates: readonly KVUpdate[] | null,
  where = "f",
  builtIn = false,
): ConvertedDocument {
  const base = { source: where, where: `"${where}"`, builtIn, updates };
  return identity === undefined ? base : { ...base, identity };
}

const hep = (name: string) => ({
  name,
  expectedIPv4Addrs: [],
  expectedIPv6Addrs: [],
  labels: {},
  profileIds: [],
  ports: [],
});
const hepKey = { kind: "HostEndpoint", hostname: "node-1", endpointId: "eth0" } as const;

function paths(entries: ReadonlyMap<string, KVUpdate>): [string, unknown][] {
  return [...entries].map(([p, u]) => [p, u.value]);
}

Deno.test("buildDesiredState gives a colliding HostEndpoint key to the alphabetically-first name", () => {
  const state = buildDesiredState([
    doc(id("HostEndpoint", "hep-c"), [kv(hepKey, hep("c"))], "c"),
    doc(id("HostEndpoint", "hep-a"), [kv(hepKey, hep("a"))], "a"),
    doc(id("HostEndpoint", "hep-b"), [kv(hepKey, hep("b"))], "b"),
  ]);
  deepEqual(paths(state.entries), [["/calico/v1/host/node-1/endpoint/eth0", hep("a")]]);
  deepEqual(state.problems.map((p) => [p.source, p.name, p.message]), [
    [
      "c",
      "hep-c",
      `HostEndpoint "hep-c" in "c" maps to the same key ` +
      `"/calico/v1/host/node-1/endpoint/eth0" as HostEndpoint "hep-a"; "hep-a" is used because ` +
      `its name sorts first`,
    ],
    [
      "b",
      "hep-b",
      `HostEndpoint "hep-b" in "b" maps to the same key ` +
      `"/calico/v1/host/node-1/endpoint/eth0" as HostEndpoint "hep-a"; "hep-a" is used because ` +
      `its name sorts first`,
    ],
  ]);
});

Deno.test("buildDesiredState lets the later document win any other key collision", () => {
  const key = { kind: "Tier", name: "t" } as const;
  const state = buildDesiredState([
    doc(id("Tier", "x"), [kv(key, { order: 1, defaultAction: "Deny" })], "one"),
    doc(id("Thing", "y"), [kv(key, { order: 2, defaultAction: "Deny" })], "two"),
  ]);
  deepEqual(paths(state.entries), [[
    "/calico/v1/policy/tier/t/metadata",
    { order: 2, defaultAction: "Deny" },
  ]]);
  deepEqual(state.problems.map((p) => p.message), [
    `Key "/calico/v1/policy/tier/t/metadata" is set by both Tier "x" in "one" and Thing "y" in ` +
    `"two"; the later document is used`,
  ]);
});

Deno.test("buildDesiredState drops null updates, failed documents and silently replaced built-ins", () => {
  const key = { kind: "Tier", name: "default" } as const;
  const state = buildDesiredState([
    doc(id("Tier", "default"), [kv(key, { order: 1_000_000, defaultAction: "Deny" })], "b", true),
    doc(id("Profile", "p"), [kv({ kind: "ProfileLabels", name: "p" }, null)]),
    doc(undefined, null),
    doc(id("Tier", "default"), [kv(key, { order: 3, defaultAction: "Pass" })]),
  ]);
  deepEqual(paths(state.entries), [[
    "/calico/v1/policy/tier/default/metadata",
    { order: 3, defaultAction: "Pass" },
  ]]);
  deepEqual(state.problems, []);
});

Deno.test("buildDesiredState reports a duplicate with its kind, namespace and name", () => {
  const state = buildDesiredState([
    doc(id("NetworkSet", "s", "ns1"), [], "first"),
    doc(id("NetworkSet", "s", "ns1"), null, "second"),
  ]);
  deepEqual(state.problems, [{
    source: "first",
    kind: "NetworkSet",
    name: "s",
    namespace: "ns1",
    message: `NetworkSet "ns1/s" in "first" is defined again in "second"; the later definition ` +
      `is used`,
  }]);
  equal(state.entries.size, 0);
});

Deno.test("identityOf folds Calico groups together and keeps Kubernetes groups apart", () => {
  deepEqual(
    identityOf({ apiVersion: "crd.projectcalico.org/v1", kind: "IPPool", metadata: { name: "a" } }),
    { family: "calico", kind: "IPPool", namespace: "", name: "a" },
  );
  deepEqual(
    identityOf({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "np", namespace: "web" },
    }),
    { family: "networking.k8s.io", kind: "NetworkPolicy", namespace: "web", name: "np" },
  );
  deepEqual(identityOf({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" } }), {
    family: "",
    kind: "Pod",
    namespace: "default",
    name: "p",
  });
  deepEqual(
    identityOf({ apiVersion: "v1", kind: "Namespace", metadata: { name: "n" } })?.namespace,
    "",
  );
  equal(identityOf({ kind: "Pod", metadata: {} }), undefined);
  equal(identityOf("text"), undefined);
  equal(describeIdentity(id("Pod", "web-1", "frontend")), `Pod "frontend/web-1"`);
});

Deno.test("diffStates sends deletions, new keys and changed values, and skips deep-equal values", () => {
  const t = (name: string, order: number, revision = "") =>
    kv({ kind: "Tier", name }, { order, defaultAction: "Deny" }, revision);
  const map = (...us: KVUpdate[]) => new Map(us.map((u) => [updateKeyPath(u), u]));
  const out = diffStates(
    map(t("gone", 1, "7"), t("same", 2, "1"), t("changed", 3)),
    map(t("same", 2, "2"), t("changed", 4), t("new", 5)),
  );
  deepEqual(out, [
    { key: { kind: "Tier", name: "gone" }, value: null, revision: "" },
    t("changed", 4),
    t("new", 5),
  ]);
});

Deno.test("toBatches splits in order into batches of at most the size, and rejects bad sizes", () => {
  const us = Array.from({ length: 5 }, (_, i) => kv({ kind: "Tier", name: `t${i}` }, null));
  deepEqual(toBatches(us, 2).map((b) => b.map((u) => u.key)), [
    [{ kind: "Tier", name: "t0" }, { kind: "Tier", name: "t1" }],
    [{ kind: "Tier", name: "t2" }, { kind: "Tier", name: "t3" }],
    [{ kind: "Tier", name: "t4" }],
  ]);
  deepEqual(toBatches([]), []);
  throws(() => toBatches(us, 0), {
    name: "RangeError",
    message: `Cannot batch updates by "0": the size must be a positive integer`,
  });
});
