/**
 * List then watch one Kubernetes resource type, for as long as the syncer runs (upstream's
 * per-type watcher cache loop; constants as upstream's unless said):
 *
 * - List: paginated (`limit`, `continue`), a consistent read (no `resourceVersion`), so a list
 *   never goes back in time after a relist. The items are a complete snapshot, handed over at
 *   once. A 404 means "not installed": an empty list, re-listed every `missingPollMs`.
 *   A 410 on a continue token restarts the list.
 * - Watch from the list's resourceVersion with `allowWatchBookmarks=true` and a server-side
 *   `timeoutSeconds`; every event and bookmark advances the resourceVersion to resume from.
 * - A watch that ends (the server closed it, the connection dropped) is opened again from the
 *   last resourceVersion: nothing is lost and nothing is re-listed.
 * - 410 Gone (HTTP status or an `ERROR` event with code 410 / reason `Expired` or `Gone`): a full
 *   relist, announced first through `relisting`.
 * - Other failures: retry after an exponential backoff; five failed watches in a row at one
 *   resourceVersion force a relist. Nothing is ever deleted because of a failure: only a
 *   successful list can remove objects.
 *
 * @module
 */
import type { Log } from "../lib/log.ts";
import { isJsonObject } from "../model/json_reader.ts";
import type { KubeResourceType } from "./kubernetes_resources.ts";
import type { KubeResponse, KubeTransport } from "./kubernetes_transport.ts";

/** Timing of retries and polls (milliseconds unless said). */
export interface WatcherTiming {
  /** First retry delay after a failure; doubles up to `retryMaxMs`. Default 1000. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** Re-list period of a type whose API is not installed (404). Default 5000 (Calico CRDs). */
  readonly missingPollMs: number;
  /** Server-side watch timeout range in seconds; each watch picks one. Default 300-600. */
  readonly watchTimeoutSeconds: readonly [number, number];
  /** Items per list page. Default 500. */
  readonly pageSize: number;
  /** Least time between two lists of one type (upstream: 500 ms between resyncs). */
  readonly minRelistMs: number;
}

/** Upstream's values, where it has them. */
export const DEFAULT_TIMING: WatcherTiming = {
  retryInitialMs: 1000,
  retryMaxMs: 30_000,
  missingPollMs: 5000,
  watchTimeoutSeconds: [300, 600],
  pageSize: 500,
  minRelistMs: 500,
};

/** Failed watches at one resourceVersion before a relist (upstream's `MaxErrorsPerRevision`). */
export const MAX_ERRORS_PER_REVISION = 5;

/** What a watcher tells the syncer. Called synchronously, one call at a time. */
export interface WatcherHooks {
  /** The server answered a list or watch (before any data of that answer is handed over). */
  contact(): void;
  /** A full relist starts after the type was listed before (410, too many errors). */
  relisting(type: KubeResourceType, reason: string): void;
  /** A complete list; `installed` is false for a 404. */
  listed(type: KubeResourceType, items: readonly unknown[], installed: boolean): void;
  added(type: KubeResourceType, object: unknown): void;
  deleted(type: KubeResourceType, object: unknown): void;
  /** The end of a chunk of events: send what they changed. */
  flush(): void;
}

/** Options of a {@linkcode ResourceWatcher}. */
export interface ResourceWatcherOptions {
  readonly type: KubeResourceType;
  readonly transport: KubeTransport;
  readonly hooks: WatcherHooks;
  readonly log: Log;
  readonly timing: WatcherTiming;
  readonly signal: AbortSignal;
}

type ListOutcome =
  | { readonly kind: "ok"; readonly items: unknown[]; readonly revision: string }
  | { readonly kind: "missing" | "gone" }
  | { readonly kind: "error"; readonly reason: string };

/**
 * How a watch ended: `error` is an answer from the server (an error status, an ERROR event, a
 * bad line) and counts towards a relist; `unreachable` is a request or connection failure.
 */
type WatchOutcome =
  | { readonly kind: "closed"; readonly events: number }
  | { readonly kind: "gone" | "missing" | "error" | "unreachable"; readonly reason: string };

/** A short description of a failed response: the Status message when there is one. */
function describeResponse(r: KubeResponse): string {
  const b = r.body;
  if (isJsonObject(b) && typeof b["message"] === "string") return `${r.status}: ${b["message"]}`;
  return typeof b === "string" && b !== "" ? `${r.status}: ${b.slice(0, 200)}` : `${r.status}`;
}

/** Whether a `Status` object says the resourceVersion is too old. */
function isExpiredStatus(status: unknown): boolean {
  if (!isJsonObject(status)) return false;
  return status["code"] === 410 || status["reason"] === "Expired" || status["reason"] === "Gone";
}

function revisionOf(object: unknown): string | undefined {
  const meta = isJsonObject(object) ? object["metadata"] : undefined;
  const rv = isJsonObject(meta) ? meta["resourceVersion"] : undefined;
  return typeof rv === "string" && rv !== "" ? rv : undefined;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Sleep `ms`, cut short when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/** One type's list/watch loop; see the module doc. */
export class ResourceWatcher {
  readonly #o: ResourceWatcherOptions;
  #backoffMs: number;
  #listedOnce = false;
  /** The resourceVersion to watch from; undefined: list first. */
  #revision: string | undefined;
  #errorsAtRevision = 0;
  #lastListAt = -Infinity;

  constructor(opts: ResourceWatcherOptions) {
    this.#o = opts;
    this.#backoffMs = opts.timing.retryInitialMs;
  }

  /** Run until the signal aborts. Never rejects. */
  async run(): Promise<void> {
    const { signal, timing } = this.#o;
    while (!signal.aborted) {
      if (this.#revision === undefined) {
        const wait = this.#lastListAt + timing.minRelistMs - Date.now();
        if (wait > 0) await sleep(wait, signal);
        this.#lastListAt = Date.now();
        this.#revision = await this.#listOnce();
        this.#errorsAtRevision = 0;
        continue;
      }
      const started = Date.now();
      const w = await this.#watch(this.#revision);
      if (!signal.aborted) await this.#afterWatch(w, Date.now() - started);
    }
  }

  async #afterWatch(w: WatchOutcome, lastedMs: number): Promise<void> {
    switch (w.kind) {
      case "gone":
      case "missing":
        this.#startRelist(w.reason);
        return;
      case "error":
        this.#o.log.warn("Kubernetes watch failed; retrying", this.#fields({ reason: w.reason }));
        if (++this.#errorsAtRevision >= MAX_ERRORS_PER_REVISION) {
          this.#startRelist(
            `${this.#errorsAtRevision} failed watches at resourceVersion ${this.#revision}`,
          );
        }
        return await this.#backoff();
      case "unreachable":
        this.#o.log.warn("Kubernetes watch lost; retrying", this.#fields({ reason: w.reason }));
        return await this.#backoff();
      case "closed":
        // A server that ends watches at once must not make this a busy loop.
        if (w.events === 0 && lastedMs < 1000) return await this.#backoff();
        this.#backoffMs = this.#o.timing.retryInitialMs;
    }
  }

  #fields(extra: Record<string, unknown>): Record<string, unknown> {
    return { type: this.#o.type.id, ...extra };
  }

  async #backoff(): Promise<void> {
    const ms = this.#backoffMs;
    this.#backoffMs = Math.min(ms * 2, this.#o.timing.retryMaxMs);
    await sleep(ms, this.#o.signal);
  }

  #startRelist(reason: string): void {
    this.#revision = undefined;
    this.#o.log.info("Relisting a Kubernetes resource type", this.#fields({ reason }));
    if (this.#listedOnce) this.#o.hooks.relisting(this.#o.type, reason);
  }

  /** List until one succeeds; returns the revision to watch from, or undefined to list again. */
  async #listOnce(): Promise<string | undefined> {
    const { hooks, type, signal, log, timing } = this.#o;
    const r = await this.#list();
    if (signal.aborted) return undefined;
    switch (r.kind) {
      case "ok":
        hooks.contact();
        hooks.listed(type, r.items, true);
        this.#listedOnce = true;
        this.#backoffMs = timing.retryInitialMs;
        log.debug("Listed a Kubernetes resource type", this.#fields({ items: r.items.length }));
        return r.revision;
      case "missing":
        hooks.contact();
        hooks.listed(type, [], false);
        this.#listedOnce = true;
        log.debug("Kubernetes resource type not installed; polling", this.#fields({}));
        await sleep(timing.missingPollMs, signal);
        return undefined;
      case "gone":
        log.info("Kubernetes list continue token expired; listing again", this.#fields({}));
        return undefined;
      case "error":
        log.warn("Kubernetes list failed; retrying", this.#fields({ reason: r.reason }));
        await this.#backoff();
        return undefined;
    }
  }

  async #list(): Promise<ListOutcome> {
    const { transport, type, signal, timing } = this.#o;
    const items: unknown[] = [];
    let cont = "";
    try {
      while (true) {
        const query = {
          limit: String(timing.pageSize),
          ...(cont === "" ? {} : { continue: cont }),
        };
        const res = await transport.get(type.path, query, signal);
        if (res.status === 404) return { kind: "missing" };
        if (res.status === 410) return { kind: "gone" };
        if (res.status !== 200) return { kind: "error", reason: describeResponse(res) };
        const body = res.body;
        const meta = isJsonObject(body) ? body["metadata"] : undefined;
        if (!isJsonObject(body) || !Array.isArray(body["items"]) || !isJsonObject(meta)) {
          return { kind: "error", reason: "the list response is not a Kubernetes list" };
        }
        items.push(...body["items"]);
        const next = meta["continue"];
        if (typeof next === "string" && next !== "") {
          cont = next;
          continue;
        }
        const rv = meta["resourceVersion"];
        if (typeof rv !== "string" || rv === "") {
          return { kind: "error", reason: "the list response has no metadata.resourceVersion" };
        }
        return { kind: "ok", items, revision: rv };
      }
    } catch (e) {
      return { kind: "error", reason: errorMessage(e) };
    }
  }

  /** One watch from `revision`; every event and bookmark advances the revision. */
  async #watch(revision: string): Promise<WatchOutcome> {
    const { transport, type, signal, timing } = this.#o;
    const [lo, hi] = timing.watchTimeoutSeconds;
    const timeout = Math.round(lo + Math.random() * (hi - lo));
    const query = {
      watch: "true",
      resourceVersion: revision,
      allowWatchBookmarks: "true",
      timeoutSeconds: String(timeout),
    };
    // A connection that dies silently is given up a minute after the server should have ended it.
    const local = new AbortController();
    const abort = () => local.abort();
    signal.addEventListener("abort", abort);
    const timer = setTimeout(abort, (timeout + 60) * 1000);
    try {
      const opened = await transport.watch(type.path, query, local.signal);
      if (!opened.ok) {
        const res = opened.response;
        if (res.status === 410) return { kind: "gone", reason: describeResponse(res) };
        if (res.status === 404) return { kind: "missing", reason: describeResponse(res) };
        return { kind: "error", reason: describeResponse(res) };
      }
      this.#o.hooks.contact();
      return await this.#consume(opened.chunks);
    } catch (e) {
      return { kind: "unreachable", reason: errorMessage(e) };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", abort);
      local.abort();
    }
  }

  async #consume(chunks: AsyncIterable<readonly string[]>): Promise<WatchOutcome> {
    let events = 0;
    for await (const lines of chunks) {
      try {
        for (const line of lines) {
          const stop = this.#event(line);
          if (stop !== undefined) return stop;
          events++;
        }
      } finally {
        this.#o.hooks.flush();
      }
    }
    return { kind: "closed", events };
  }

  /** Handle one event line; returns an outcome when the watch must end. */
  #event(line: string): WatchOutcome | undefined {
    const { hooks, type } = this.#o;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      return { kind: "error", reason: `cannot parse a watch event: ${line.slice(0, 200)}` };
    }
    const kind = isJsonObject(event) ? event["type"] : undefined;
    const object = isJsonObject(event) ? event["object"] : undefined;
    switch (kind) {
      case "ADDED":
      case "MODIFIED":
        hooks.added(type, object);
        break;
      case "DELETED":
        hooks.deleted(type, object);
        break;
      case "BOOKMARK":
        break;
      case "ERROR": {
        const reason = describeResponse({ status: 200, body: object });
        return isExpiredStatus(object) ? { kind: "gone", reason } : { kind: "error", reason };
      }
      default:
        return { kind: "error", reason: `unknown watch event type ${JSON.stringify(kind)}` };
    }
    const rv = revisionOf(object);
    if (rv !== undefined) {
      this.#revision = rv;
      this.#errorsAtRevision = 0;
    }
    return undefined;
  }
}
