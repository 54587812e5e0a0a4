/**
 * Test harness for the Kubernetes syncer: a FAKE API server (tests/tools/fake_kube_apiserver.ts,
 * not a kube-apiserver) with a kubeconfig pointing at it, the real converter, a recorder, fast
 * retry timing, and object builders shaped after the Kubernetes API reference.
 */
import {
  KubernetesSyncer,
  type KubernetesSyncerOptions,
} from "../../src/datastore/kubernetes_syncer.ts";
import { createResourceConverter } from "../../src/datastore/resource_converter.ts";
import { MemoryLog } from "../../src/lib/log.ts";
import { updateKeyPath } from "../../src/model/kv.ts";
import {
  CRD_V1,
  FakeKubeApiServer,
  type FakeKubeApiServerOptions,
} from "../tools/fake_kube_apiserver.ts";
import { SyncRecorder } from "./sync_recorder.ts";

/** Every type the syncer watches: 7 built-in + 12 Calico. */
export const WATCHED_TYPES = 19;

/** Retries and polls in milliseconds, so failure paths run quickly. */
export const FAST_TIMING = {
  retryInitialMs: 10,
  retryMaxMs: 100,
  missingPollMs: 50,
  watchTimeoutSeconds: [300, 300] as const,
  pageSize: 500,
  minRelistMs: 10,
};

/** A running fake cluster and (once started) a syncer on it. */
export interface Harness {
  readonly server: FakeKubeApiServer;
  readonly rec: SyncRecorder;
  readonly log: MemoryLog;
  readonly kubeconfig: string;
  /** Start the syncer; resolves at its first in-sync. */
  start(extra?: Partial<KubernetesSyncerOptions>): Promise<KubernetesSyncer>;
}

export { waitUntil } from "../fv/wait.ts";

/** Run `fn` against a fresh fake cluster; the syncer and server are stopped afterwards. */
export async function withFakeCluster(
  opts: FakeKubeApiServerOptions,
  fn: (h: Harness) => Promise<void>,
): Promise<void> {
  const server = FakeKubeApiServer.start(opts);
  const dir = await Deno.makeTempDir({ prefix: "felix-kube-" });
  const kubeconfig = `${dir}/kubeconfig`;
  await Deno.writeTextFile(kubeconfig, server.kubeconfig());
  const rec = new SyncRecorder();
  const log = new MemoryLog();
  let syncer: KubernetesSyncer | undefined;
  const h: Harness = {
    server,
    rec,
    log,
    kubeconfig,
    async start(extra = {}) {
      syncer = new KubernetesSyncer({
        callbacks: rec.callbacks,
        convert: createResourceConverter(),
        log,
        kubeconfig,
        env: () => undefined,
        timing: FAST_TIMING,
        ...extra,
      });
      const synced = rec.nextStatus("in-sync");
      await syncer.start();
      await synced;
      return syncer;
    },
  };
  try {
    await fn(h);
  } finally {
    await syncer?.stop();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The state the recorded updates describe: key path -> value. */
export function stateOf(rec: SyncRecorder): Map<string, unknown> {
  const state = new Map<string, unknown>();
  for (const e of rec.events) {
    if (e.type !== "updates") continue;
    for (const u of e.updates) {
      if (u.value === null) state.delete(updateKeyPath(u));
      else state.set(updateKeyPath(u), u.value);
    }
  }
  return state;
}

/** The statuses recorded so far. */
export function statuses(rec: SyncRecorder): string[] {
  return rec.events.flatMap((e) => (e.type === "status" ? [e.status] : []));
}

type Labels = Record<string, string>;
/** A Kubernetes object as JSON. */
export type KubeObject = Record<string, unknown>;

export function namespace(name: string, labels: Labels = {}): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

export function serviceAccount(namespace: string, name: string, labels: Labels = {}): KubeObject {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace, labels } };
}

export function node(name: string, ipv4: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: { "kubernetes.io/hostname": name },
      annotations: { "projectcalico.org/IPv4Address": `${ipv4}/24` },
    },
    spec: { podCIDR: "10.65.0.0/24", podCIDRs: ["10.65.0.0/24"] },
    status: { addresses: [{ type: "InternalIP", address: ipv4 }] },
  };
}

export function pod(
  namespace: string,
  name: string,
  opts: { node?: string; ip?: string; labels?: Labels; sa?: string; hostNetwork?: boolean } = {},
): KubeObject {
  const ip = opts.ip;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: opts.labels ?? {} },
    spec: {
      nodeName: opts.node ?? "node-a",
      ...(opts.sa === undefined ? {} : { serviceAccountName: opts.sa }),
      ...(opts.hostNetwork === undefined ? {} : { hostNetwork: opts.hostNetwork }),
      containers: [{ name: "main", image: "example/main:1" }],
    },
    status: {
      phase: "Running",
      ...(ip === undefined ? {} : { podIP: ip, podIPs: [{ ip }] }),
    },
  };
}

/** A Calico resource stored as a crd.projectcalico.org/v1 CR with explicit metadata. */
export function crd(kind: string, metadata: Record<string, unknown>, spec: unknown): KubeObject {
  return { apiVersion: CRD_V1, kind, metadata, spec };
}

/** The WorkloadEndpoint key path of a pod. */
export function wepPath(node: string, namespace: string, pod: string): string {
  return `/calico/v1/host/${node}/workload/k8s/${namespace}%2f${pod}/endpoint/eth0`;
}
