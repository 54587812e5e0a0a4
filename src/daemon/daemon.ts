/**
 * `felix` without `--once`: the long-running agent. Bootstrap config, start the syncer, buffer
 * its updates until the datastore is in sync and ready, then apply the datastore's config, build
 * the calc graph and the dataplane, and from then on feed every batch through the graph to the
 * dataplane. It runs until SIGTERM/SIGINT (exit 0), until a config change or SIGHUP needs a
 * restart (exit 129, `RESTART_EXIT_CODE`), or until the datastore stops being ready (exit 1); each time
 * it stops the syncer and closes the dataplane first. Our nftables tables stay programmed across
 * a restart, so traffic keeps its verdicts while the agent is down.
 *
 * @module
 */
import type { CalcGraph } from "../calc/calc_graph.ts";
import { type Config, ConfigKVTracker, RESTART_EXIT_CODE } from "../config/mod.ts";
import type { Syncer, SyncStatus } from "../datastore/mod.ts";
import type { Log } from "../lib/log.ts";
import type { KVUpdate } from "../model/kv.ts";
import { type ApplyStats, InternalDataplane } from "../dataplane/linux/internal_dataplane.ts";
import { applyDatastoreConfig, loadBootstrapConfig } from "./bootstrap.ts";
import type { CliOptions } from "./cli.ts";
import { buildManagers } from "./dataplane.ts";
import { createConfiguredSyncer, newCalcGraph } from "./once.ts";

/** Options of `runDaemon`. */
export interface DaemonOptions {
  readonly cli: CliOptions;
  readonly env: Readonly<Record<string, string>>;
  readonly log: Log;
  /** Follows `LogSeverityScreen` once the config is known. */
  readonly setLogLevel?: (severity: string) => void;
}

/** Why the daemon stopped. */
interface Exit {
  readonly code: number;
  readonly reason: string;
}

/** The running agent. */
class Daemon {
  readonly #o: DaemonOptions;
  readonly #config: Config;
  readonly #log: Log;
  readonly #tracker: ConfigKVTracker;
  readonly #start = performance.now();
  #buffer: KVUpdate[] = [];
  #inSync = false;
  #graph: CalcGraph | undefined;
  #dataplane: InternalDataplane | undefined;
  #stopped = false;
  #exit!: (e: Exit) => void;
  readonly exited: Promise<Exit>;

  constructor(o: DaemonOptions, config: Config) {
    this.#o = o;
    this.#config = config;
    this.#log = o.log;
    this.#tracker = new ConfigKVTracker(config.values.FelixHostname);
    this.exited = new Promise((resolve) => (this.#exit = resolve));
  }

  stop(code: number, reason: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#exit({ code, reason });
  }

  onStatusUpdated(status: SyncStatus): void {
    this.#log.info("Datastore status", { status });
    if (this.#stopped || status !== "in-sync" || this.#inSync) return;
    this.#inSync = true;
    this.#maybeStart();
  }

  onUpdates(batch: readonly KVUpdate[]): void {
    if (this.#stopped) return;
    try {
      this.#onUpdates(batch);
    } catch (e) {
      this.#log.error("Cannot process datastore updates", { error: e });
      this.stop(1, e instanceof Error ? e.message : String(e));
    }
  }

  #onUpdates(batch: readonly KVUpdate[]): void {
    let configChanged = false;
    for (const u of batch) configChanged = this.#tracker.apply(u) || configChanged;
    if (this.#graph === undefined) {
      this.#buffer.push(...batch);
      this.#maybeStart();
      return;
    }
    if (configChanged && !this.#checkConfig()) return;
    this.#graph.onUpdates(batch);
    this.#dataplane!.onMessages(this.#graph.flush());
  }

  /** After in-sync: is the datastore still ready, and can the config change without a restart? */
  #checkConfig(): boolean {
    if (this.#tracker.ready !== true) {
      this.stop(1, "The datastore is no longer ready (ClusterInformation datastoreReady)");
      return false;
    }
    try {
      applyDatastoreConfig(this.#config, this.#tracker, this.#log);
    } catch (e) {
      this.stop(1, e instanceof Error ? e.message : String(e));
      return false;
    }
    if (this.#config.restartRequired) {
      this.stop(RESTART_EXIT_CODE, "A configuration change needs a restart");
      return false;
    }
    return true;
  }

  /** Start the graph and the dataplane once in sync and ready. */
  #maybeStart(): void {
    if (!this.#inSync || this.#graph !== undefined) return;
    if (this.#tracker.ready !== true) {
      this.#log.warn("The datastore is not ready yet; waiting", { ready: this.#tracker.ready });
      return;
    }
    try {
      applyDatastoreConfig(this.#config, this.#tracker, this.#log);
    } catch (e) {
      this.stop(1, e instanceof Error ? e.message : String(e));
      return;
    }
    this.#config.markInSync();
    const values = this.#config.values;
    this.#o.setLogLevel?.(values.LogSeverityScreen);
    this.#graph = newCalcGraph(values, this.#log);
    this.#dataplane = this.#newDataplane();
    this.#graph.onUpdates(this.#buffer);
    this.#buffer = [];
    this.#graph.onInSync();
    this.#dataplane.onMessages(this.#graph.flush());
  }

  #newDataplane(): InternalDataplane {
    const values = this.#config.values;
    return new InternalDataplane({
      managers: buildManagers(values, this.#log),
      log: this.#log,
      resyncIntervalMs: values.NftablesRefreshInterval * 1000,
      onApplied: (s) => this.#onApplied(s),
    });
  }

  #onApplied(s: ApplyStats): void {
    const durationMs = Math.round(s.durationMs);
    if (s.firstAfterInSync) {
      const sinceStartMs = Math.round(performance.now() - this.#start);
      this.#log.info("Dataplane in sync", { sinceStartMs, applyMs: durationMs });
    } else this.#log.debug("Dataplane applied", { durationMs, messages: s.messages });
  }

  async close(syncer: Syncer | undefined): Promise<void> {
    await syncer?.stop();
    await this.#dataplane?.close();
  }
}

/**
 * After stopping for a restart or a failure (not for a signal to stop), upstream pauses about
 * 2 s before exiting so that an init system restarting it at once cannot spin in a tight loop.
 */
export const RESTART_PAUSE_MS = 2_000;

/** Run the agent until it is told to stop; resolves to the process exit code. */
export async function runDaemon(o: DaemonOptions): Promise<number> {
  const config = await loadBootstrapConfig(o.cli, o.env, o.log);
  o.setLogLevel?.(config.values.LogSeverityScreen);
  const d = new Daemon(o, config);
  const onSignal = (name: string) => () => d.stop(0, `Received ${name}`);
  const term = onSignal("SIGTERM");
  const int = onSignal("SIGINT");
  // Upstream treats SIGHUP as "reload config": a graceful exit with the restart code.
  const hup = () => d.stop(RESTART_EXIT_CODE, "Received SIGHUP (reload configuration)");
  Deno.addSignalListener("SIGTERM", term);
  Deno.addSignalListener("SIGINT", int);
  Deno.addSignalListener("SIGHUP", hup);
  let syncer: Syncer | undefined;
  let exitCode = 1;
  try {
    o.log.info("Starting felix", { hostname: config.values.FelixHostname });
    const created = await createConfiguredSyncer(config, o.env, o.log, {
      onStatusUpdated: (s) => d.onStatusUpdated(s),
      onUpdates: (b) => d.onUpdates(b),
    }, true);
    syncer = created.syncer;
    await syncer.start();
    const exit = await d.exited;
    o.log.info("Shutting down", { reason: exit.reason, exitCode: exit.code });
    exitCode = exit.code;
    return exit.code;
  } finally {
    await d.close(syncer);
    Deno.removeSignalListener("SIGTERM", term);
    Deno.removeSignalListener("SIGINT", int);
    Deno.removeSignalListener("SIGHUP", hup);
    if (exitCode !== 0) await new Promise((r) => setTimeout(r, RESTART_PAUSE_MS));
  }
}
