/**
 * `felix --once` against a real etcd prints the same computed state as against a file holding the
 * same resources (issue 7).
 */
import { deepEqual, equal } from "node:assert/strict";
import { etcdPairs, fileDocuments } from "../datastore/etcd_resources.ts";
import { etcdAvailable, EtcdWriter, startEtcd } from "../tools/etcd_server.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function once(env: Record<string, string>): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--once", "--hostname", "worker-1"],
    cwd: ROOT,
    env,
    clearEnv: true,
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  equal(out.code, 0, stderr);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The document without the parameters that say where the data came from. */
function withoutDatastoreConfig(doc: Record<string, unknown>): Record<string, unknown> {
  const config = { ...(doc.config as Record<string, unknown>) };
  for (const k of ["DatastoreType", "DatastoreFile", "EtcdEndpoints"]) delete config[k];
  return { ...doc, config };
}

Deno.test({
  name: "felix --once against etcd prints the same state as against a file of the same resources",
  ignore: !etcdAvailable(),
  async fn() {
    const etcd = await startEtcd();
    const dir = await Deno.makeTempDir();
    const writer = new EtcdWriter(etcd.endpoint);
    try {
      await writer.putAll(etcdPairs());
      const file = `${dir}/cluster.json`;
      await Deno.writeTextFile(file, JSON.stringify(fileDocuments()));
      const fromFile = await once({ FELIX_DATASTORETYPE: "file", FELIX_DATASTOREFILE: file });
      const fromEtcd = await once({
        FELIX_DATASTORETYPE: "etcdv3",
        FELIX_ETCDENDPOINTS: etcd.endpoint,
      });
      deepEqual(withoutDatastoreConfig(fromEtcd), withoutDatastoreConfig(fromFile));
      // The comparison must have teeth: the state is not empty.
      equal(Object.keys(fromFile.endpoints as object).length > 0, true);
      equal(Object.keys(fromFile.policies as object).length > 0, true);
    } finally {
      writer.close();
      await etcd.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
