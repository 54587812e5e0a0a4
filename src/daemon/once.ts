/**
 * `felix --once`: read the configured datastore until it is in sync, run the calc graph over the
 * whole state, and render what the dataplane would hold as one JSON document.
 *
 * @module
 */
import { CalcGraph } from "../calc/calc_graph.ts";
import { type Config, ConfigKVTracker, PARAMS } from "../config/mod.ts";
import { effectiveDatastoreType } from "../config/datastore_type.ts";
import { isSensitiveName } from "../config/sources.ts";
import { createSyncer, etcdConnectionFromConfig, type SyncStatus } from "../datastore/mod.ts";
import type { Log } from "../lib/log.ts";
import type { KVUpdate } from "../model/kv.ts";
import { applyDatastoreConfig, loadBootstrapConfig } from "./bootstrap.ts";
import type { CliOptions } from "./cli.ts";
import { type ConfigEntry, DataplaneSnapshot } from "./state_snapshot.ts";

/** Options of `runOnce`. */
export interface OnceOptions {
  readonly cli: CliOptions;
  readonly env: Readonly<Record<string, string>>;
  readonly log: Log;
  /** How long to wait for the datastore to reach in-sync (default 60 s). */
  readonly timeoutMs?: number;
}

/** The datastore could not be read to in-sync, or said it is not ready. */
export class OnceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OnceError";
  }
}

/** What the datastore delivered up to in-sync. */
interface Synced {
  readonly updates: KVUpdate[];
  readonly tracker: ConfigKVTracker;
}

/** The Kubernetes client's location and API group from the environment (`CALICO_` wins). */
function kubernetesOptions(env: Readonly<Record<string, string>>): {
  kubernetes?: {
    kubeconfig?: string;
    apiGroup?: "crd.projectcalico.org/v1" | "projectcalico.org/v3";
  };
} {
  const kubeconfig = env["CALICO_KUBECONFIG"] ?? env["KUBECONFIG"];
  const group = env["CALICO_API_GROUP"];
  const apiGroup = group === "projectcalico.org/v3" || group === "crd.projectcalico.org/v1"
    ? group
    : undefined;
  if (kubeconfig === undefined && apiGroup === undefined) return {};
  return {
    kubernetes: {
      ...(kubeconfig === undefined ? {} : { kubeconfig }),
      ...(apiGroup === undefined ? {} : { apiGroup }),
    },
  };
}

/** The file datastore waits for a missing file to appear; `--once` says so at once instead. */
async function checkFiles(files: readonly string[]): Promise<void> {
  for (const f of files) {
    try {
      await Deno.stat(f);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new OnceError(`Cannot read the datastore file "${f}": ${why}`);
    }
  }
}

async function syncToInSync(config: Config, opts: OnceOptions): Promise<Synced> {
  const hostname = config.values.FelixHostname;
  const tracker = new ConfigKVTracker(hostname);
  const updates: KVUpdate[] = [];
  let reached!: () => void;
  const inSync = new Promise<void>((resolve) => (reached = resolve));
  const datastoreType = effectiveDatastoreType(config, opts.env);
  const files = config.values.DatastoreFile === "" ? [] : [config.values.DatastoreFile];
  if (datastoreType === "file") await checkFiles(files);
  const syncer = await createSyncer({
    datastoreType,
    files,
    ...(datastoreType === "etcdv3" ? { etcd: etcdConnectionFromConfig(config, opts.env) } : {}),
    ...kubernetesOptions(opts.env),
    interfacePrefix: config.values.InterfacePrefix[0] ?? "cali",
    log: opts.log,
    fileOptions: { watch: false, pollIntervalMs: 0 },
    callbacks: {
      onStatusUpdated(status: SyncStatus) {
        if (status === "in-sync") reached();
      },
      onUpdates(batch) {
        for (const u of batch) {
          tracker.apply(u);
          updates.push(u);
        }
      },
      onParseError(e) {
        opts.log.warn("Ignoring a resource that cannot be used", {
          source: e.source,
          error: e.message,
        });
      },
    },
  });
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    await syncer.start();
    const outcome = await Promise.race([inSync.then(() => "in-sync" as const), timedOut]);
    if (outcome === "timeout") {
      throw new OnceError(
        `The ${datastoreType} datastore did not reach in-sync within ${timeoutMs / 1000} s`,
      );
    }
  } finally {
    clearTimeout(timer);
    await syncer.stop();
  }
  opts.log.info("Datastore in sync", { datastoreType, updates: updates.length });
  return { updates, tracker };
}

/** Non-default parameters with their sources; sensitive values are redacted. */
export function configEntries(config: Config): Map<string, ConfigEntry> {
  const out = new Map<string, ConfigEntry>();
  for (const p of PARAMS) {
    const r = config.resolved(p.name);
    if (r.source === "default" || r.raw === undefined) continue;
    const value = isSensitiveName(p.name) ? "<redacted>" : r.raw;
    out.set(p.name, { value, source: r.valid ? r.source : `${r.source} (invalid; default used)` });
  }
  return out;
}

/** Compute this node's dataplane state; returns the `--once` document. */
export async function runOnce(opts: OnceOptions): Promise<Record<string, unknown>> {
  const config = await loadBootstrapConfig(opts.cli, opts.env, opts.log);
  const { updates, tracker } = await syncToInSync(config, opts);
  applyDatastoreConfig(config, tracker, opts.log);
  if (tracker.ready !== true) {
    throw new OnceError(
      'The datastore is not ready: ClusterInformation "default" is missing or its ' +
        "datastoreReady is not true",
    );
  }
  const hostname = config.values.FelixHostname;
  const routeSource = config.values.RouteSource === "WorkloadIPs" ? "WorkloadIPs" : "CalicoIPAM";
  const graph = new CalcGraph({ hostname, log: opts.log, routeSource });
  graph.onUpdates(updates);
  graph.onInSync();
  const snapshot = new DataplaneSnapshot();
  snapshot.applyAll(graph.flush());
  const stats = graph.stats();
  opts.log.info("Computed the dataplane state", { ...stats });
  return snapshot.render(hostname, configEntries(config));
}
