/**
 * examples/demo-cluster.yaml: every document decodes with the real decoder, and the file syncer
 * loads it with no problem and the keys a two-node cluster should have.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { readDocuments } from "../../src/datastore/document_reader.ts";
import { decodeObject } from "../../src/model/decode.ts";
import { type KVUpdate, updateKeyPath } from "../../src/model/kv.ts";
import { loadWithFactory } from "./fixtures.ts";
import type { SyncRecorder } from "./sync_recorder.ts";

const DEMO = fileURLToPath(new URL("../../examples/demo-cluster.yaml", import.meta.url));

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The demo loaded once through the file datastore: final state by key path, and the events. */
async function loadDemo(): Promise<{ state: Map<string, KVUpdate>; rec: SyncRecorder }> {
  const rec = await loadWithFactory([DEMO]);
  const state = new Map<string, KVUpdate>();
  for (const e of rec.events) {
    if (e.type !== "updates") continue;
    for (const u of e.updates) {
      if (u.value === null) state.delete(updateKeyPath(u));
      else state.set(updateKeyPath(u), u);
    }
  }
  return { state, rec };
}

Deno.test("demo-cluster.yaml: every document decodes with the real decoder, without warnings", async () => {
  const read = readDocuments(DEMO, await Deno.readTextFile(DEMO));
  ok(read.ok, read.ok ? "" : read.reason);
  deepEqual(read.problems, []);
  equal(read.documents.length, 46);
  const failures = read.documents.flatMap((d) => {
    const r = decodeObject(d.value);
    if (!r.ok) return [`document ${d.location.document}: ${r.error.message}`];
    return r.warnings.map((w) => `document ${d.location.document}: ${w}`);
  });
  deepEqual(failures, []);
});

Deno.test("demo-cluster.yaml loads through the file datastore with no parse error or warning", async () => {
  const { rec } = await loadDemo();
  deepEqual(rec.events.filter((e) => e.type === "error" || e.type === "warning"), []);
  deepEqual(
    rec.events.filter((e) => e.type === "status").map((e) => e.type === "status" && e.status),
    [
      "wait-for-datastore",
      "resync-in-progress",
      "in-sync",
    ],
  );
});

Deno.test("demo-cluster.yaml yields the expected workload endpoints, profiles, pools and config", async () => {
  const { state } = await loadDemo();
  const get = (path: string) => state.get(path)?.value;

  const web = get(
    "/calico/v1/host/node-1/workload/k8s/frontend%2fweb-7d9f8b6c4-x2k9p/endpoint/eth0",
  );
  const iface = `cali${(await sha1Hex("frontend.web-7d9f8b6c4-x2k9p")).slice(0, 11)}`;
  ok(typeof web === "object" && web !== null && "name" in web, "the web pod's endpoint is missing");
  equal(web.name, iface);
  ok(/^cali[0-9a-f]{11}$/.test(web.name));
  ok("ipv4Nets" in web && "profileIds" in web);
  deepEqual(web.ipv4Nets, ["10.244.84.129/32"]);
  deepEqual(web.profileIds, ["kns.frontend", "ksa.frontend.web"]);

  const weps = [...state.values()].filter((u) => u.key.kind === "WorkloadEndpoint");
  equal(weps.length, 11, "11 pod endpoints (the host-networked pod has none)");

  deepEqual(get("/calico/v1/policy/profile/kns.backend/labels"), {
    "pcns.kubernetes.io/metadata.name": "backend",
    "pcns.team": "api",
    "pcns.env": "prod",
    "pcns.projectcalico.org/name": "backend",
  });
  const pool = get("/calico/v1/ipam/v4/pool/10.244.0.0-16");
  ok(typeof pool === "object" && pool !== null && "vxlanMode" in pool);
  equal(pool.vxlanMode, "always");
  ok("masquerade" in pool && pool.masquerade === true);
  ok(state.has("/calico/v1/ipam/v4/pool/10.250.0.0-16"));
  ok(state.has("/calico/ipam/v2/assignment/ipv4/block/10.244.84.128-26"));
  ok(state.has("/calico/ipam/v2/assignment/ipv4/block/10.244.166.192-26"));
  equal(get("/calico/v1/Ready"), true);
  equal(get("/calico/v1/config/LogSeverityScreen"), "Info");
  equal(get("/calico/v1/host/node-1/config/LogSeverityScreen"), "Debug");
  equal(get("/calico/v1/host/node-2/config/IPv4VXLANTunnelAddr"), "10.244.166.192");
  ok(state.has("/calico/v1/host/node-1/endpoint/node-1-eth0"));
  ok(state.has("/calico/v1/policy/profile/projectcalico-default-allow/rules"));
  deepEqual(
    [...state.keys()].filter((k) => k.endsWith("/metadata")).sort(),
    ["default", "kube-admin", "kube-baseline", "security"].map((t) =>
      `/calico/v1/policy/tier/${t}/metadata`
    ),
  );
});
