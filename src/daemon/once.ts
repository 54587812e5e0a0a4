/**
 * `felix --once`: read the configured datastore until it is in sync, run the calc graph over the
 * whole state, and render what the dataplane would hold as one JSON document, including the
 * nftables ruleset text. With `--apply`, program the dataplane too (every manager, through the
 * internal dataplane loop) and print what was programmed.
 *
 * @module
 */
import { CalcGraph } from "../calc/calc_graph.ts";
import { type Config, ConfigKVTracker, type ConfigValues, PARAMS } from "../config/mod.ts";
import { type DatastoreType, effectiveDatastoreType } from "../config/datastore_type.ts";
import { isSensitiveName } from "../config/sources.ts";
import {
  createSyncer,
  etcdConnectionFromConfig,
  type Syncer,
  type SyncerCallbacks,
  type SyncStatus,
} from "../datastore/mod.ts";
import type { Log } from "../lib/log.ts";
import type { KVUpdate } from "../model/kv.ts";
import type { ToDataplane } from "../proto/messages.ts";
import { applyOnce, ApplyOnceError } from "../dataplane/linux/apply_once.ts";
import type { RenderedTables } from "../dataplane/nftables/nft_renderer.ts";
import { renderTableText } from "../dataplane/nftables/render_script.ts";
import { applyDatastoreConfig, loadBootstrapConfig } from "./bootstrap.ts";
import type { CliOptions } from "./cli.ts";
import { buildManagers, nftablesManagerOf } from "./dataplane.ts";
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

/**
 * A syncer for the configured datastore (`watch`: follow changes, as the daemon does). Resources
 * that cannot be used, and parts of resources that were dropped, are logged as warnings.
 */
export async function createConfiguredSyncer(
  config: Config,
  env: Readonly<Record<string, string>>,
  log: Log,
  callbacks: Pick<SyncerCallbacks, "onStatusUpdated" | "onUpdates">,
  watch: boolean,
): Promise<{ syncer: Syncer; datastoreType: DatastoreType }> {
  const datastoreType = effectiveDatastoreType(config, env);
  const files = config.values.DatastoreFile === "" ? [] : [config.values.DatastoreFile];
  const syncer = await createSyncer({
    datastoreType,
    files,
    ...(datastoreType === "etcdv3" ? { etcd: etcdConnectionFromConfig(config, env) } : {}),
    kubernetes: { env: (name) => env[name] },
    interfacePrefix: config.values.InterfacePrefix[0] ?? "cali",
    log,
    fileOptions: watch ? {} : { watch: false, pollIntervalMs: 0 },
    callbacks: {
      ...callbacks,
      onParseError: (e) =>
        log.warn("Ignoring a resource that cannot be used", { source: e.source, error: e.message }),
      onWarning: (w) =>
        log.warn("Using a resource without a part of it", { source: w.source, reason: w.message }),
    },
  });
  return { syncer, datastoreType };
}

async function syncToInSync(config: Config, opts: OnceOptions): Promise<Synced> {
  const hostname = config.values.FelixHostname;
  const tracker = new ConfigKVTracker(hostname);
  const updates: KVUpdate[] = [];
  let reached!: () => void;
  const inSync = new Promise<void>((resolve) => (reached = resolve));
  if (effectiveDatastoreType(config, opts.env) === "file" && config.values.DatastoreFile !== "") {
    await checkFiles([config.values.DatastoreFile]);
  }
  const { syncer, datastoreType } = await createConfiguredSyncer(config, opts.env, opts.log, {
    onStatusUpdated(status: SyncStatus) {
      if (status === "in-sync") reached();
    },
    onUpdates(batch) {
      for (const u of batch) {
        tracker.apply(u);
        updates.push(u);
      }
    },
  }, false);
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
function configEntries(config: Config): Map<string, ConfigEntry> {
  const out = new Map<string, ConfigEntry>();
  for (const p of PARAMS) {
    const r = config.resolved(p.name);
    if (r.source === "default" || r.raw === undefined) continue;
    const value = isSensitiveName(p.name) ? "<redacted>" : r.raw;
    out.set(p.name, { value, source: r.valid ? r.source : `${r.source} (invalid; default used)` });
  }
  return out;
}

/** The ruleset text of the rendered tables (`ip calico`, then `ip6 calico`). */
function rulesetText(tables: RenderedTables): string {
  return [tables.ip, ...(tables.ip6 === undefined ? [] : [tables.ip6])].map(renderTableText)
    .join("");
}

/** Program `msgs` through every manager; resolves with the programmed tables. */
async function programOnce(
  config: Config,
  msgs: readonly ToDataplane[],
  opts: OnceOptions,
): Promise<RenderedTables> {
  const managers = buildManagers(config.values, opts.log);
  const start = performance.now();
  try {
    await applyOnce(msgs, { managers, log: opts.log });
  } catch (e) {
    if (e instanceof ApplyOnceError) throw new OnceError(e.message);
    throw e;
  }
  const nft = nftablesManagerOf(managers);
  const results = nft.lastReport?.results ?? [];
  opts.log.info("Programmed the dataplane", {
    durationMs: Math.round(performance.now() - start),
    renderMs: Math.round(nft.lastReport?.renderMs ?? 0),
    nftCommands: results.reduce((n, r) => n + r.commands, 0),
    nftBytes: results.reduce((n, r) => n + r.bytes, 0),
    nftApplyMs: Math.round(results.reduce((n, r) => n + r.durationMs, 0)),
  });
  return nft.tables!;
}

/** Render `msgs` into tables without touching the OS. */
function renderOffline(config: Config, msgs: readonly ToDataplane[], log: Log): RenderedTables {
  const managers = buildManagers(config.values, log, { offline: true });
  for (const m of msgs) for (const mgr of managers) mgr.onUpdate(m);
  return nftablesManagerOf(managers).renderNow();
}

/** The calc graph for this node: `FelixHostname`, and `RouteSource` (unset means CalicoIPAM). */
export function newCalcGraph(values: ConfigValues, log: Log): CalcGraph {
  const routeSource = values.RouteSource === "WorkloadIPs" ? "WorkloadIPs" : "CalicoIPAM";
  return new CalcGraph({ hostname: values.FelixHostname, log, routeSource });
}

/** Compute this node's dataplane state (and program it with `--apply`); the `--once` document. */
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
  const graph = newCalcGraph(config.values, opts.log);
  graph.onUpdates(updates);
  graph.onInSync();
  const msgs = graph.flush();
  const snapshot = new DataplaneSnapshot();
  snapshot.applyAll(msgs);
  const stats = graph.stats();
  opts.log.info("Computed the dataplane state", { ...stats });
  const tables = opts.cli.apply
    ? await programOnce(config, msgs, opts)
    : renderOffline(config, msgs, opts.log);
  return snapshot.render(hostname, configEntries(config), { nftables: rulesetText(tables) });
}
