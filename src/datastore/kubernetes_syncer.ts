/**
 * The Kubernetes datastore (KDD): lists and watches the Kubernetes objects Felix uses (pods,
 * namespaces, service accounts, nodes, services, network policies, endpoint slices) and Calico's
 * custom resources, converts them with the injected {@linkcode DocumentConverter} and keeps the
 * calc graph's input exact through watch drops, 410 relists and outages. Rules in DESIGN.md.
 *
 * This module imports npm:@kubernetes/client-node (about 75 MB of RSS); the datastore factory
 * loads it with a dynamic import only when `DatastoreType` is `kubernetes`.
 *
 * @module
 */
import type { Log } from "../lib/log.ts";
import { isJsonObject } from "../model/json_reader.ts";
import { NULL_LOG } from "../lib/log.ts";
import type { DocumentConverter } from "./document_converter.ts";
import { cacheItem, objectIdentity, objectSource } from "./kubernetes_crd_metadata.ts";
import { loadKubeConfig } from "./kubernetes_kubeconfig.ts";
import {
  type CalicoApiGroup,
  CRD_GROUP,
  isCalicoApiGroup,
  type KubeResourceType,
  kubernetesResourceTypes,
  V3_GROUP,
} from "./kubernetes_resources.ts";
import { ClientNodeTransport, type KubeTransport } from "./kubernetes_transport.ts";
import {
  DEFAULT_TIMING,
  ResourceWatcher,
  sleep,
  type WatcherHooks,
  type WatcherTiming,
} from "./kubernetes_watcher.ts";
import { toBatches } from "./kv_diff.ts";
import type { ParseError, Syncer, SyncerCallbacks, SyncStatus } from "./syncer.ts";
import { type CacheChange, type CacheItem, type CacheResult, WatchCache } from "./watch_cache.ts";
import type { KVUpdate } from "../model/kv.ts";

export type { CalicoApiGroup } from "./kubernetes_resources.ts";
export type { WatcherTiming } from "./kubernetes_watcher.ts";

/** Options of a {@linkcode KubernetesSyncer}. */
export interface KubernetesSyncerOptions {
  readonly callbacks: SyncerCallbacks;
  readonly convert: DocumentConverter;
  readonly log?: Log;
  /** A kubeconfig path (or `:`-separated list); default from the environment, see below. */
  readonly kubeconfig?: string;
  /** Calico's API group; default `CALICO_API_GROUP`, else discovery. */
  readonly apiGroup?: CalicoApiGroup;
  /** The environment (`KUBECONFIG`, `K8S_*`, `CALICO_API_GROUP`, ...); default `Deno.env.get`. */
  readonly env?: (name: string) => string | undefined;
  /** Raw documents every cluster has (tiers, the default-allow profile); default the built-ins. */
  readonly builtIns?: readonly unknown[];
  /** Retry, poll and page-size tuning (tests). */
  readonly timing?: Partial<WatcherTiming>;
}

/** The group/versions an `APIGroupList` (`GET /apis`) lists. */
function groupVersions(body: unknown): Set<string> {
  const out = new Set<string>();
  const groups = isJsonObject(body) && Array.isArray(body["groups"]) ? body["groups"] : [];
  for (const g of groups) {
    const versions = isJsonObject(g) && Array.isArray(g["versions"]) ? g["versions"] : [];
    for (const v of versions) {
      if (isJsonObject(v) && typeof v["groupVersion"] === "string") out.add(v["groupVersion"]);
    }
  }
  return out;
}

/** Syncs from the Kubernetes API; see the module doc and DESIGN.md. */
export class KubernetesSyncer implements Syncer {
  readonly #opts: KubernetesSyncerOptions;
  readonly #cb: SyncerCallbacks;
  readonly #log: Log;
  readonly #timing: WatcherTiming;
  readonly #cache: WatchCache;
  /** Watch events of the current chunk, applied together at its end. */
  #pending: CacheChange[] = [];
  /** Updates not sent yet (none may be sent before `resync-in-progress`). */
  #outbox: KVUpdate[] = [];
  readonly #abort = new AbortController();
  #types: readonly KubeResourceType[] = [];
  readonly #synced = new Set<string>();
  #status: SyncStatus | undefined;
  #connected = false;
  #started = false;
  #stopped = false;
  #task: Promise<void> | undefined;

  constructor(opts: KubernetesSyncerOptions) {
    this.#opts = opts;
    this.#cb = opts.callbacks;
    this.#log = opts.log ?? NULL_LOG;
    this.#timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.#cache = new WatchCache({
      convert: opts.convert,
      ...(opts.builtIns === undefined ? {} : { builtIns: opts.builtIns }),
    });
  }

  /**
   * Report `wait-for-datastore`, load the kubeconfig and start listing. Rejects with a `TypeError`
   * when no usable Kubernetes configuration is found; does not wait for the server.
   */
  start(): Promise<void> {
    try {
      this.#begin();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #begin(): void {
    if (this.#started) throw new Error("Cannot start a Kubernetes syncer twice: create a new one");
    this.#started = true;
    this.#setStatus("wait-for-datastore");
    const env = this.#opts.env ?? ((name: string) => Deno.env.get(name));
    const loaded = loadKubeConfig({
      env,
      ...(this.#opts.kubeconfig === undefined ? {} : { kubeconfig: this.#opts.kubeconfig }),
    });
    const transport = new ClientNodeTransport(loaded.config);
    this.#log.info("Syncing from the Kubernetes API server", {
      server: transport.server,
      config: loaded.source,
    });
    this.#task = this.#run(transport, env);
  }

  /** Stop every list and watch. No callbacks after this resolves. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    await this.#task;
  }

  async #run(transport: KubeTransport, env: (name: string) => string | undefined): Promise<void> {
    const group = await this.#chooseGroup(transport, env);
    if (this.#stopped) return;
    this.#types = kubernetesResourceTypes(group);
    const hooks = this.#hooks();
    await Promise.all(this.#types.map((type) =>
      new ResourceWatcher({
        type,
        transport,
        hooks,
        log: this.#log,
        timing: this.#timing,
        signal: this.#abort.signal,
      }).run()
    ));
  }

  /**
   * The option, else `CALICO_API_GROUP`, else discovery: `projectcalico.org/v3` only when the
   * server has it and not `crd.projectcalico.org/v1`. Discovery is retried while the server cannot
   * be reached; an error answer means `crd.projectcalico.org/v1`.
   */
  async #chooseGroup(
    transport: KubeTransport,
    env: (name: string) => string | undefined,
  ): Promise<CalicoApiGroup> {
    if (this.#opts.apiGroup !== undefined) return this.#opts.apiGroup;
    const fromEnv = env("CALICO_API_GROUP");
    if (fromEnv !== undefined && fromEnv !== "") {
      if (isCalicoApiGroup(fromEnv)) return fromEnv;
      this.#log.warn("Ignoring an unknown CALICO_API_GROUP", { value: fromEnv, using: CRD_GROUP });
      return CRD_GROUP;
    }
    let delay = this.#timing.retryInitialMs;
    while (!this.#stopped) {
      try {
        const res = await transport.get("/apis", {}, this.#abort.signal);
        if (res.status !== 200) {
          this.#log.warn("API discovery failed", { status: res.status, using: CRD_GROUP });
          return CRD_GROUP;
        }
        const found = groupVersions(res.body);
        const group = found.has(V3_GROUP) && !found.has(CRD_GROUP) ? V3_GROUP : CRD_GROUP;
        this.#log.info("Chose the Calico API group", { group });
        return group;
      } catch (e) {
        if (this.#stopped) break;
        const reason = e instanceof Error ? e.message : String(e);
        this.#log.warn("Cannot reach the Kubernetes API server; retrying", { reason });
        await sleep(delay, this.#abort.signal);
        delay = Math.min(delay * 2, this.#timing.retryMaxMs);
      }
    }
    return CRD_GROUP;
  }

  #hooks(): WatcherHooks {
    return {
      contact: () => {
        if (this.#connected) return;
        this.#connected = true;
        this.#setStatus("resync-in-progress");
      },
      relisting: (type) => {
        this.#synced.delete(type.id);
        if (this.#status === "in-sync") this.#setStatus("resync-in-progress");
      },
      listed: (type, items) => {
        const listed = items.flatMap((raw) => this.#item(type, raw) ?? []);
        this.#publish(this.#cache.replace(listed, `${type.path}/`));
        this.#synced.add(type.id);
        if (this.#synced.size === this.#types.length && this.#status !== "in-sync") {
          this.#setStatus("in-sync");
        }
      },
      added: (type, object) => {
        const item = this.#item(type, object);
        if (item !== undefined) this.#pending.push({ type: "put", item });
      },
      deleted: (type, object) => {
        const id = objectIdentity(object);
        if (id !== undefined) {
          this.#pending.push({ type: "delete", source: objectSource(type, id) });
        }
      },
      flush: () => {
        if (this.#pending.length === 0) return;
        const changes = this.#pending;
        this.#pending = [];
        this.#publish(this.#cache.apply(changes));
      },
    };
  }

  /** The cache item of an object; an object without a name is reported and skipped. */
  #item(type: KubeResourceType, raw: unknown): CacheItem | undefined {
    const item = cacheItem(type, raw);
    if (item === undefined) {
      this.#report(this.#cb.onParseError, {
        source: type.path,
        kind: type.kind,
        message: `${type.kind} from ${type.path} has no metadata.name; skipped`,
      });
    }
    return item;
  }

  #report(to: ((p: ParseError) => void) | undefined, problem: ParseError): void {
    if (!this.#stopped) to?.call(this.#cb, problem);
  }

  /** Report a cache result's problems, then send its updates (when allowed). */
  #publish(result: CacheResult): void {
    for (const p of result.problems) this.#report(this.#cb.onParseError, p);
    for (const w of result.warnings) this.#report(this.#cb.onWarning, w);
    this.#outbox = this.#outbox.concat(result.updates);
    this.#flush();
  }

  /** Send queued updates, unless nothing may be sent yet. */
  #flush(): void {
    if (this.#stopped || this.#status === undefined || this.#status === "wait-for-datastore") {
      return;
    }
    const updates = this.#outbox;
    this.#outbox = [];
    for (const batch of toBatches(updates)) {
      if (!this.#stopped) this.#cb.onUpdates(batch);
    }
  }

  #setStatus(status: SyncStatus): void {
    this.#flush();
    this.#status = status;
    if (!this.#stopped) this.#cb.onStatusUpdated(status);
  }
}
