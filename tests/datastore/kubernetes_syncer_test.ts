/**
 * KubernetesSyncer against the FAKE API server (tests/tools/fake_kube_apiserver.ts; a real
 * kube-apiserver cannot be had here): initial list, watch events, CRDs not installed, bad
 * objects, API group choice, paging, and the demo cluster giving the file datastore's state.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { readDocuments } from "../../src/datastore/document_reader.ts";
import { FileSyncer } from "../../src/datastore/file_syncer.ts";
import { KubernetesSyncer } from "../../src/datastore/kubernetes_syncer.ts";
import { createResourceConverter } from "../../src/datastore/resource_converter.ts";
import { CALICO_V3, CRD_V1, storedAsCrd } from "../tools/fake_kube_apiserver.ts";
import {
  crd,
  namespace,
  node,
  pod,
  serviceAccount,
  stateOf,
  statuses,
  waitUntil,
  WATCHED_TYPES,
  wepPath,
  withFakeCluster,
} from "./kubernetes_harness.ts";
import { SyncRecorder, view } from "./sync_recorder.ts";

const DEMO = fileURLToPath(new URL("../../examples/demo-cluster.yaml", import.meta.url));

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (e) {
    return (e as Error).message;
  }
}

/** A pass-through value without the metadata fields an API server stamps. */
function withoutServerFields(value: unknown): unknown {
  const meta = field(value, "metadata") as Record<string, unknown>;
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, ...rest } = meta;
  return { ...(value as Record<string, unknown>), metadata: rest };
}

Deno.test("KubernetesSyncer lists pods, namespaces, a CRD policy with its metadata annotation, an IPAMBlock and a node, then reports in-sync", async () => {
  await withFakeCluster({}, async ({ server, rec, start }) => {
    server.apply(namespace("prod", { team: "a" }));
    server.apply(serviceAccount("prod", "web", { tier: "front" }));
    server.apply(node("node-a", "192.168.5.10"));
    server.apply(pod("prod", "web-1", { ip: "10.65.0.2", labels: { app: "web" }, sa: "web" }));
    server.apply(pod("prod", "host-1", { ip: "192.168.5.10", hostNetwork: true }));
    server.apply(crd("GlobalNetworkPolicy", {
      name: "default.allow-dns",
      annotations: {
        "projectcalico.org/metadata": JSON.stringify({ name: "allow-dns", labels: { a: "b" } }),
      },
    }, { selector: "all()", egress: [{ action: "Allow", protocol: "UDP" }] }));
    server.apply(crd("GlobalNetworkPolicy", { name: "default.legacy" }, { selector: "all()" }));
    server.apply(crd("GlobalNetworkSet", {
      name: "blocked",
      annotations: { "projectcalico.org/metadata": '{"labels":{"role":"blocked"}}' },
    }, { nets: ["203.0.113.0/24"] }));
    server.apply(crd("IPAMBlock", { name: "10-65-0-0-26" }, {
      cidr: "10.65.0.0/26",
      affinity: "host:node-a",
      allocations: [0, null],
      unallocated: [1],
      attributes: [{ handle_id: "h", secondary: { node: "node-a" } }],
    }));

    await start();
    deepEqual(statuses(rec), ["wait-for-datastore", "resync-in-progress", "in-sync"]);
    deepEqual(rec.events.filter((e) => e.type === "error" || e.type === "warning"), []);
    const state = stateOf(rec);
    const wep = state.get(wepPath("node-a", "prod", "web-1"));
    deepEqual(field(wep, "ipv4Nets"), ["10.65.0.2/32"]);
    deepEqual(field(wep, "profileIds"), ["kns.prod", "ksa.prod.web"]);
    equal(field(field(wep, "labels"), "app"), "web");
    deepEqual([...state.keys()].filter((k) => k.includes("/workload/")), [
      wepPath("node-a", "prod", "web-1"),
    ]);
    deepEqual(state.get("/calico/v1/policy/profile/kns.prod/labels"), {
      "pcns.team": "a",
      "pcns.projectcalico.org/name": "prod",
    });
    deepEqual(state.get("/calico/v1/policy/profile/ksa.prod.web/labels"), {
      "pcsa.tier": "front",
      "pcsa.projectcalico.org/name": "web",
    });
    deepEqual([...state.keys()].filter((k) => k.startsWith("/calico/v1/policy/Global")).sort(), [
      "/calico/v1/policy/GlobalNetworkPolicy//allow-dns",
      "/calico/v1/policy/GlobalNetworkPolicy//legacy",
    ]);
    deepEqual(state.get("/calico/v1/netset/blocked"), {
      nets: ["203.0.113.0/24"],
      labels: { role: "blocked" },
      profileIds: [],
    });
    ok(state.has("/calico/ipam/v2/assignment/ipv4/block/10.65.0.0-26"));
    ok(state.has("/calico/resources/v3/projectcalico.org/node/node-a"));
    ok(state.has("/calico/v1/policy/tier/default/metadata"), "built-in tier");
    ok(
      state.has("/calico/v1/policy/profile/projectcalico-default-allow/rules"),
      "built-in profile",
    );
  });
});

Deno.test("KubernetesSyncer sends a watched add, change and delete as exactly one update each", async () => {
  await withFakeCluster({}, async ({ server, rec, start }) => {
    server.apply(namespace("prod"));
    await start();
    await waitUntil("every type is watched", () => server.openWatches === WATCHED_TYPES);
    rec.take();
    const path = wepPath("node-a", "prod", "p1");

    server.apply(pod("prod", "p1", { ip: "10.65.0.3", labels: { v: "1" } }));
    await waitUntil("the add", () => stateOf(rec).has(path));
    server.apply(pod("prod", "p1", { ip: "10.65.0.3", labels: { v: "2" } }));
    await waitUntil(
      "the change",
      () => field(field(stateOf(rec).get(path), "labels"), "v") === "2",
    );
    server.remove("v1", "Pod", "p1", "prod");
    await waitUntil("the delete", () => !stateOf(rec).has(path));

    const seen = view(rec.take()).map((batch) =>
      (batch as [string, unknown][]).map(([p, v]) => [p, field(field(v, "labels"), "v") ?? v])
    );
    deepEqual(seen, [[[path, "1"]], [[path, "2"]], [[path, null]]]);
  });
});

Deno.test("KubernetesSyncer reaches in-sync with CRDs not installed and picks them up once installed", async () => {
  await withFakeCluster({}, async ({ server, rec, start }) => {
    server.setInstalled(CRD_V1, "stagednetworkpolicies", false);
    server.setInstalled(CRD_V1, "ipamblocks", false);
    await start();
    deepEqual(statuses(rec), ["wait-for-datastore", "resync-in-progress", "in-sync"]);

    server.setInstalled(CRD_V1, "ipamblocks", true);
    server.apply(crd("IPAMBlock", { name: "10-66-0-0-26" }, {
      cidr: "10.66.0.0/26",
      affinity: "host:node-b",
      allocations: [null],
      unallocated: [0],
      attributes: [],
    }));
    const path = "/calico/ipam/v2/assignment/ipv4/block/10.66.0.0-26";
    await waitUntil("the block", () => stateOf(rec).has(path));
    deepEqual(statuses(rec), ["wait-for-datastore", "resync-in-progress", "in-sync"]);
  });
});

Deno.test("KubernetesSyncer reports a bad object, treats it as absent and keeps the rest flowing", async () => {
  await withFakeCluster({}, async ({ server, rec, start }) => {
    server.apply(namespace("prod"));
    server.apply(pod("prod", "good", { ip: "10.65.0.4" }));
    server.apply(pod("prod", "bad", { ip: "10.65.0.300" }));
    server.apply({ apiVersion: "v1", kind: "Namespace", metadata: { labels: { x: "y" } } });
    server.apply(crd("GlobalNetworkPolicy", {
      name: "broken",
      annotations: { "projectcalico.org/metadata": "{" },
    }, {}));
    await start();
    const errors = rec.events.flatMap((e) => (e.type === "error" ? [e.error] : []));
    errors.sort((a, b) => a.source.localeCompare(b.source));
    deepEqual(errors.map((e) => [e.source, e.kind, e.namespace, e.name]), [
      ["/api/v1/namespaces", "Namespace", undefined, undefined],
      ["/api/v1/pods/prod/bad", "Pod", "prod", "bad"],
      [
        "/apis/crd.projectcalico.org/v1/globalnetworkpolicies/broken",
        undefined,
        undefined,
        undefined,
      ],
    ]);
    equal(errors[0]?.message, "Namespace from /api/v1/namespaces has no metadata.name; skipped");
    ok(errors[1]?.message.includes('"10.65.0.300"'), String(errors[1]?.message));
    equal(
      errors[2]?.message,
      'GlobalNetworkPolicy "broken": metadata.annotations["projectcalico.org/metadata"]: cannot ' +
        `parse "{" as JSON: ${jsonError("{")}`,
    );
    const good = wepPath("node-a", "prod", "good");
    const bad = wepPath("node-a", "prod", "bad");
    ok(stateOf(rec).has(good));
    ok(!stateOf(rec).has(bad));

    server.apply(pod("prod", "bad", { ip: "10.65.0.30" }));
    await waitUntil("the fixed pod", () => stateOf(rec).has(bad));
    server.apply(pod("prod", "bad", { ip: "not-an-ip" }));
    await waitUntil("the broken pod to be deleted", () => !stateOf(rec).has(bad));
    equal(rec.events.filter((e) => e.type === "error").length, 4);
    ok(stateOf(rec).has(good));
  });
});

Deno.test("KubernetesSyncer discovers projectcalico.org/v3 when the server has only that group", async () => {
  await withFakeCluster({ calicoGroups: [CALICO_V3] }, async ({ server, rec, log, start }) => {
    server.apply({
      apiVersion: CALICO_V3,
      kind: "GlobalNetworkPolicy",
      metadata: { name: "v3-policy" },
      spec: { selector: "all()" },
    });
    await start();
    ok(stateOf(rec).has("/calico/v1/policy/GlobalNetworkPolicy//v3-policy"));
    ok(log.records.some((r) =>
      r.message === "Chose the Calico API group" &&
      r.fields["group"] === CALICO_V3
    ));
    ok(server.requests.some((r) => r.path === "/apis/projectcalico.org/v3/globalnetworkpolicies"));
    ok(!server.requests.some((r) => r.path.startsWith("/apis/crd.projectcalico.org/")));
  });
});

Deno.test("KubernetesSyncer uses CALICO_API_GROUP over discovery", async () => {
  await withFakeCluster({ calicoGroups: [CRD_V1, CALICO_V3] }, async ({ server, start }) => {
    await start({ env: (n) => (n === "CALICO_API_GROUP" ? CALICO_V3 : undefined) });
    ok(!server.requests.some((r) => r.path === "/apis"), "no discovery");
    ok(server.requests.some((r) => r.path === "/apis/projectcalico.org/v3/tiers"));
    ok(!server.requests.some((r) => r.path.startsWith("/apis/crd.projectcalico.org/")));
  });
});

Deno.test("KubernetesSyncer follows continue tokens through a paginated list", async () => {
  await withFakeCluster({}, async ({ server, rec, start }) => {
    server.apply(namespace("prod"));
    for (let i = 0; i < 5; i++) server.apply(pod("prod", `p${i}`, { ip: `10.65.1.${i + 1}` }));
    await start({ timing: { pageSize: 2 } });
    equal([...stateOf(rec).keys()].filter((k) => k.includes("/workload/")).length, 5);
    const pages = server.requests.filter((r) => r.path === "/api/v1/pods" && !r.query["watch"]);
    deepEqual(pages.map((r) => [r.query["limit"], r.query["continue"] !== undefined]), [
      ["2", false],
      ["2", true],
      ["2", true],
    ]);
  });
});

Deno.test("KubernetesSyncer gives the demo cluster the same state as the file datastore", async () => {
  const read = readDocuments(DEMO, await Deno.readTextFile(DEMO));
  ok(read.ok);
  const fileRec = new SyncRecorder();
  const fileSyncer = new FileSyncer({
    paths: [DEMO],
    convert: createResourceConverter(),
    callbacks: fileRec.callbacks,
    watch: false,
    pollIntervalMs: 0,
  });
  const fileSynced = fileRec.nextStatus("in-sync");
  await fileSyncer.start();
  await fileSynced;
  await fileSyncer.stop();

  await withFakeCluster({}, async ({ server, rec, start }) => {
    for (const d of read.documents) {
      const o = d.value as Record<string, unknown>;
      server.apply(o["apiVersion"] === CALICO_V3 ? storedAsCrd(o) : o);
    }
    await start();
    deepEqual(rec.events.filter((e) => e.type === "error" || e.type === "warning"), []);
    const kube = stateOf(rec);
    const file = stateOf(fileRec);
    deepEqual([...kube.keys()].sort(), [...file.keys()].sort());
    const differ = [...kube.keys()].filter((k) => !isDeepStrictEqual(kube.get(k), file.get(k)));
    // Only pass-through resources differ: they carry what the API server stamps on every object.
    deepEqual(differ, [
      "/calico/resources/v3/projectcalico.org/node/node-1",
      "/calico/resources/v3/projectcalico.org/node/node-2",
    ]);
    for (const k of differ) deepEqual(withoutServerFields(kube.get(k)), file.get(k));
  });
});

Deno.test("KubernetesSyncer.start rejects with what to set when no Kubernetes configuration exists", async () => {
  const rec = new SyncRecorder();
  const syncer = new KubernetesSyncer({
    callbacks: rec.callbacks,
    convert: createResourceConverter(),
    env: () => undefined,
  });
  await rejects(syncer.start(), {
    name: "TypeError",
    message: "Cannot find the Kubernetes API server: set KUBECONFIG (or Felix's kubeconfig " +
      "option) to a kubeconfig file, set K8S_API_ENDPOINT, create $HOME/.kube/config, or run " +
      "in a pod with a service account",
  });
  await syncer.stop();
  deepEqual(statuses(rec), ["wait-for-datastore"]);
});
