/**
 * The real converter (decode + convert + FelixConfiguration fan-out), alone and inside the file
 * syncer, and the datastore factory.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { createResourceConverter, createSyncer, FileSyncer } from "../../src/datastore/mod.ts";
import { isKV } from "../../src/model/kv.ts";
import { docs, loadWithFactory, redact } from "./fixtures.ts";
import { SyncRecorder, withTempDir } from "./sync_recorder.ts";

const GNP_HEAD = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n";

const convert = createResourceConverter();

Deno.test("FileSyncer with the resource converter reports bad selector, CIDR and action by kind, name and field, and loads the rest", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "policies.yaml");
    await Deno.writeTextFile(
      path,
      docs(
        `${GNP_HEAD}  name: bad-selector\nspec:\n  selector: app == 'web\n`,
        `${GNP_HEAD}  name: good\nspec:\n  selector: app == 'web'\n  ingress:\n  - action: Allow\n`,
        `${GNP_HEAD}  name: bad-cidr\nspec:\n  ingress:\n  - action: Allow\n    source:\n` +
          `      nets: [10.0.0.0/8, 10.0.0.300/8]\n`,
        `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: bad-action\n` +
          `  namespace: web\nspec:\n  egress:\n  - action: Accept\n`,
        `apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: pool\nspec:\n` +
          `  cidr: 10.9.0.0/16\n`,
      ),
    );
    const rec = await loadWithFactory([path]);
    const errors = rec.events.flatMap((e) => e.type === "error" ? [e.error.message] : []);
    deepEqual(redact(errors, dir), [
      `"<dir>/policies.yaml" document 0 (0-based), line 1: GlobalNetworkPolicy "bad-selector": ` +
      `spec.selector: "app == 'web" is not a valid selector: unterminated string (no closing ') ` +
      `at column 8`,
      `"<dir>/policies.yaml" document 2 (0-based), line 17: GlobalNetworkPolicy "bad-cidr": ` +
      `spec.ingress[0].source.nets[1]: "10.0.0.300/8" is not a valid CIDR`,
      `"<dir>/policies.yaml" document 3 (0-based), line 27: NetworkPolicy "web/bad-action": ` +
      `spec.egress[0].action: "Accept" is not a valid action: must be one of Allow, Deny, Log, ` +
      `Pass`,
    ]);
    const updates = rec.events.flatMap((e) => e.type === "updates" ? e.updates : []);
    deepEqual(updates.map((u) => [u.key, u.value === null]), [
      [{ kind: "Tier", name: "default" }, false],
      [{ kind: "Tier", name: "kube-admin" }, false],
      [{ kind: "Tier", name: "kube-baseline" }, false],
      [{ kind: "ProfileRules", name: "projectcalico-default-allow" }, false],
      [{ kind: "Policy", policyKind: "GlobalNetworkPolicy", namespace: "", name: "good" }, false],
      [{ kind: "IPPool", cidr: "10.9.0.0/16" }, false],
    ]);
  });
});

Deno.test("createResourceConverter turns decoder warnings and FelixConfiguration issues into warnings", () => {
  const tier = convert({
    apiVersion: "projectcalico.org/v3",
    kind: "Tier",
    metadata: { name: "t" },
    spec: { order: 1, bogus: 3 },
  });
  deepEqual(tier.ok && tier.warnings, [`Tier "t": spec.bogus: unknown field, ignored`]);
  const fc = convert({
    apiVersion: "projectcalico.org/v3",
    kind: "FelixConfiguration",
    metadata: { name: "default" },
    spec: { logSeverityScreen: "Info", notAField: 1 },
  });
  ok(fc.ok);
  deepEqual(fc.updates.map((u) => [u.key, u.value]), [
    [{ kind: "GlobalConfig", name: "LogSeverityScreen" }, "Info"],
  ]);
  deepEqual(fc.warnings, [
    `FelixConfiguration "default": notAField = "1" from datastore-global: Unknown ` +
    `FelixConfiguration field; ignored`,
  ]);
});

Deno.test("createResourceConverter reports an object left with no usable key as an error", () => {
  deepEqual(
    convert({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "n" },
      spec: { nodeName: "node-1" },
      status: { podIP: "10.0.0.999" },
    }),
    {
      ok: false,
      error: {
        message: `Cannot convert Pod "n/p": status.podIP holds "10.0.0.999", which is not an IP ` +
          `or CIDR`,
        kind: "Pod",
        name: "p",
        namespace: "n",
      },
    },
  );
  deepEqual(convert({ apiVersion: "v2", kind: "Pod", metadata: { name: "p" } }), {
    ok: false,
    error: {
      message: `Pod "p": apiVersion: "v2" is not a known apiVersion`,
      kind: "Pod",
      name: "p",
    },
  });
});

Deno.test("createResourceConverter names pod interfaces with the first InterfacePrefix entry", () => {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-1", namespace: "default" },
    spec: { nodeName: "node-1" },
    status: { podIP: "10.0.0.1" },
  };
  // SHA-1("default.web-1") starts 0761ccbeace.
  for (const [prefix, name] of [[undefined, "cali0761ccbeace"], ["tap,cali", "tap0761ccbeace"]]) {
    const c = createResourceConverter(prefix === undefined ? {} : { interfacePrefix: prefix })(pod);
    const wep = c.ok ? c.updates.find((u) => isKV(u, "WorkloadEndpoint")) : undefined;
    equal(wep !== undefined && isKV(wep, "WorkloadEndpoint") ? wep.value?.name : "", name);
  }
});

Deno.test("createSyncer makes a FileSyncer for file, an EtcdSyncer for etcdv3 and a KubernetesSyncer for kubernetes; file and etcd need a file or an endpoint", async () => {
  const callbacks = new SyncRecorder().callbacks;
  const file = await createSyncer({ datastoreType: "file", files: ["/x.yaml"], callbacks });
  ok(file instanceof FileSyncer);
  await rejects(() => createSyncer({ datastoreType: "file", callbacks }), {
    name: "TypeError",
    message:
      "Cannot create the file datastore without a file: set DatastoreFile (or --datastore-file)",
  });
  const etcd = await createSyncer({
    datastoreType: "etcdv3",
    etcd: { endpoints: ["http://127.0.0.1:2379"] },
    callbacks,
  });
  equal(etcd.constructor.name, "EtcdSyncer");
  await rejects(() => createSyncer({ datastoreType: "etcdv3", callbacks }), {
    name: "TypeError",
    message: "Cannot create the etcdv3 datastore without an endpoint: set EtcdEndpoints (or " +
      "EtcdAddr and EtcdScheme, or ETCD_ENDPOINTS)",
  });
  const k8s = await createSyncer({ datastoreType: "kubernetes", callbacks });
  equal(k8s.constructor.name, "KubernetesSyncer");
});
