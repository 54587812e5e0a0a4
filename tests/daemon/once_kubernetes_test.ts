/**
 * `felix --once` against a Kubernetes API server (the fake in tests/tools/fake_kube_apiserver.ts:
 * no real kube-apiserver can be had here) prints the same computed state as against the demo
 * cluster's file.
 */
import { deepEqual, equal } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { readDocuments } from "../../src/datastore/document_reader.ts";
import { CALICO_V3, FakeKubeApiServer, storedAsCrd } from "../tools/fake_kube_apiserver.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DEMO = `${ROOT}examples/demo-cluster.yaml`;

async function once(env: Record<string, string>): Promise<Record<string, unknown>> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--once", "--hostname", "node-1"],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = await child.output();
  equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

function withoutDatastoreConfig(doc: Record<string, unknown>): Record<string, unknown> {
  const config = { ...(doc.config as Record<string, unknown>) };
  for (const k of ["DatastoreType", "DatastoreFile"]) delete config[k];
  return { ...doc, config };
}

Deno.test("felix --once against the Kubernetes API prints the same state as against the file", async () => {
  const read = readDocuments(DEMO, await Deno.readTextFile(DEMO));
  if (!read.ok) throw new Error(read.reason);
  const server = FakeKubeApiServer.start({});
  const dir = await Deno.makeTempDir({ prefix: "felix-once-kube-" });
  try {
    for (const d of read.documents) {
      const o = d.value as Record<string, unknown>;
      server.apply(o["apiVersion"] === CALICO_V3 ? storedAsCrd(o) : o);
    }
    const kubeconfig = `${dir}/kubeconfig`;
    await Deno.writeTextFile(kubeconfig, server.kubeconfig());
    const fromFile = await once({ FELIX_DATASTORETYPE: "file", FELIX_DATASTOREFILE: DEMO });
    const fromKube = await once({ FELIX_DATASTORETYPE: "kubernetes", KUBECONFIG: kubeconfig });
    deepEqual(withoutDatastoreConfig(fromKube), withoutDatastoreConfig(fromFile));
    equal(Object.keys(fromKube.endpoints as object).length > 0, true);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
