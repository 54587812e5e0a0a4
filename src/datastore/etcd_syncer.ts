/**
 * The etcd v3 datastore (datastore-config.md §3): list every key Felix reads at one revision,
 * then watch from the next revision, and send only the differences to the state already sent.
 *
 * Any interruption of the watch (the server went away, or canceled the watch because its start
 * revision was compacted) leads to the same recovery: retry with backoff until a fresh list at
 * the latest revision succeeds, send the difference to that list (deletions only for keys that
 * really vanished), and watch again from there. Nothing is sent while disconnected, and the
 * status stays what it was until the relist starts. Rules in DESIGN.md.
 *
 * @module
 */
import { type Log, NULL_LOG } from "../lib/log.ts";
import type { DocumentConverter } from "./document_converter.ts";
import {
  Etcd3Client,
  type EtcdClient,
  EtcdCompactedError,
  type EtcdConnection,
  type EtcdEvent,
  type EtcdKV,
  type EtcdWatch,
} from "./etcd_client.ts";
import { parseEtcdKey, WATCHED_PREFIXES } from "./etcd_keys.ts";
import { readEtcdValue } from "./etcd_value.ts";
import { toBatches } from "./kv_diff.ts";
import type { Syncer, SyncerCallbacks, SyncStatus } from "./syncer.ts";
import { type CacheChange, type CacheItem, type CacheResult, WatchCache } from "./watch_cache.ts";

/** Options of an {@linkcode EtcdSyncer}. */
export interface EtcdSyncerOptions extends EtcdConnection {
  readonly callbacks: SyncerCallbacks;
  readonly convert: DocumentConverter;
  readonly log?: Log;
  /** Makes the client; default: npm:etcd3 ({@linkcode Etcd3Client}). */
  readonly clientFactory?: (conn: EtcdConnection) => Promise<EtcdClient>;
  /** Raw documents present without being stored; default the file datastore's built-ins. */
  readonly builtIns?: readonly unknown[];
  /** Keys per range read while listing; default 1000. */
  readonly pageSize?: number;
  /** First retry delay after a failure, doubled up to `retryMaxMs`; default 500 ms. */
  readonly retryMinMs?: number;
  /** Default 10 s. */
  readonly retryMaxMs?: number;
}

/** Which keys an item or event is about; `undefined` for keys Felix does not read. */
function itemFor(kv: EtcdKV): CacheItem | undefined {
  const info = parseEtcdKey(kv.key);
  if (info.type === "ignored") return undefined;
  const { key, value, modRevision } = kv;
  if (info.type === "invalid") {
    const message = `Cannot read etcd key "${key}": ${info.reason}`;
    return { source: key, revision: modRevision, read: () => ({ ok: false, message }) };
  }
  return {
    source: key,
    revision: modRevision,
    read: () => readEtcdValue(key, info, value, modRevision),
  };
}

function changesFor(events: readonly EtcdEvent[]): CacheChange[] {
  const out: CacheChange[] = [];
  for (const ev of events) {
    if (ev.type === "delete") {
      if (parseEtcdKey(ev.key).type !== "ignored") out.push({ type: "delete", source: ev.key });
      continue;
    }
    const item = itemFor(ev.kv);
    if (item !== undefined) out.push({ type: "put", item });
  }
  return out;
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** A complete list: its items and the revision it was read at. */
interface Listing {
  readonly items: readonly CacheItem[];
  readonly revision: string;
  readonly keys: number;
}

/** Lists then watches etcd; see the module doc and DESIGN.md. */
export class EtcdSyncer implements Syncer {
  readonly #opts: EtcdSyncerOptions;
  readonly #cb: SyncerCallbacks;
  readonly #log: Log;
  readonly #cache: WatchCache;
  #client: EtcdClient | undefined;
  #status: SyncStatus | undefined;
  #running: Promise<void> | undefined;
  #started = false;
  #stopped = false;
  /** Wakes the loop: a watch closed, or `stop()`. */
  #wake: (() => void) | undefined;
  #watches: EtcdWatch[] = [];
  /** Settles on `stop()`: a range read against a hung server must not hold `stop()` up. */
  readonly #stopping = Promise.withResolvers<never>();

  constructor(opts: EtcdSyncerOptions) {
    if (opts.endpoints.length === 0) {
      throw new TypeError("Cannot create an etcd syncer without endpoints: set EtcdEndpoints");
    }
    this.#opts = opts;
    this.#cb = opts.callbacks;
    this.#log = opts.log ?? NULL_LOG;
    this.#stopping.promise.catch(() => {});
    this.#cache = new WatchCache({
      convert: opts.convert,
      ...(opts.builtIns === undefined ? {} : { builtIns: opts.builtIns }),
    });
  }

  /** Report `wait-for-datastore` and start listing in the background. */
  start(): Promise<void> {
    if (this.#started) throw new Error("Cannot start an etcd syncer twice: create a new one");
    this.#started = true;
    this.#setStatus("wait-for-datastore");
    this.#running = this.#loop();
    return Promise.resolve();
  }

  /** Stop watching and close the client. No callbacks after this resolves. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.reject(new Error("The etcd syncer was stopped"));
    this.#wake?.();
    await this.#cancelWatches();
    await this.#client?.close();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const min = this.#opts.retryMinMs ?? 500;
    const max = this.#opts.retryMaxMs ?? 10_000;
    let delay = min;
    while (!this.#stopped) {
      try {
        const client = this.#client ??= await this.#connect();
        const listing = await this.#list(client);
        if (this.#stopped) return;
        this.#publishList(listing);
        delay = min;
        await this.#watch(client, listing.revision);
      } catch (e) {
        if (this.#stopped) return;
        if (e instanceof EtcdCompactedError) {
          this.#log.info("The list revision was compacted while listing; listing again", {});
          continue;
        }
        this.#log.warn("Cannot sync from etcd; retrying", {
          error: describeError(e),
          retryInMs: delay,
          endpoints: this.#opts.endpoints,
        });
        await this.#sleep(delay);
        delay = Math.min(delay * 2, max);
      }
    }
  }

  /** `p`, or a rejection as soon as `stop()` is called. */
  #orStop<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.#stopping.promise]);
  }

  /** A new client; one that arrives after `stop()` gave up waiting for it is closed. */
  #connect(): Promise<EtcdClient> {
    const made = this.#makeClient();
    made.then((c) => this.#stopped ? c.close() : undefined).catch(() => {});
    return this.#orStop(made);
  }

  #makeClient(): Promise<EtcdClient> {
    const { endpoints, tls, username, password } = this.#opts;
    const conn: EtcdConnection = {
      endpoints,
      ...(tls === undefined ? {} : { tls }),
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
    };
    return (this.#opts.clientFactory ?? Etcd3Client.create)(conn);
  }

  /** Every watched key at one revision: the first page fixes it, the rest read at it. */
  async #list(client: EtcdClient): Promise<Listing> {
    const items: CacheItem[] = [];
    const limit = this.#opts.pageSize ?? 1000;
    let revision: string | undefined;
    let keys = 0;
    for (const prefix of WATCHED_PREFIXES) {
      let fromKey: string | undefined;
      for (let more = true; more && !this.#stopped;) {
        const page = await this.#orStop(client.range({
          prefix,
          limit,
          ...(fromKey === undefined ? {} : { fromKey }),
          ...(revision === undefined ? {} : { revision }),
        }));
        if (revision === undefined) {
          revision = page.revision;
          if (this.#status !== "resync-in-progress") this.#setStatus("resync-in-progress");
        }
        keys += page.kvs.length;
        for (const kv of page.kvs) {
          const item = itemFor(kv);
          if (item !== undefined) items.push(item);
        }
        const last = page.kvs[page.kvs.length - 1];
        more = page.more && last !== undefined;
        if (last !== undefined) fromKey = `${last.key}\u0000`;
      }
    }
    return { items, revision: revision ?? "0", keys };
  }

  #publishList(listing: Listing): void {
    const result = this.#cache.replace(listing.items);
    this.#send(result);
    this.#log.info("Listed the etcd datastore", {
      revision: listing.revision,
      keys: listing.keys,
      resources: listing.items.length,
      updates: result.updates.length,
      problems: result.problems.length,
    });
    this.#setStatus("in-sync");
  }

  /** Watch every prefix from `revision + 1` until a watch closes or the syncer stops. */
  async #watch(client: EtcdClient, revision: string): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#wake = resolve);
    let reason: Error | undefined;
    const handlers = {
      onEvents: (events: readonly EtcdEvent[]) => this.#onEvents(events),
      onClosed: (error: Error) => {
        reason ??= error;
        this.#wake?.();
      },
    };
    const start = (BigInt(revision) + 1n).toString();
    try {
      for (const prefix of WATCHED_PREFIXES) {
        this.#watches.push(await this.#orStop(client.watch(prefix, start, handlers)));
        if (this.#stopped || reason !== undefined) break;
      }
      if (!this.#stopped && reason === undefined) {
        this.#log.info("Watching the etcd datastore", { fromRevision: start });
        await closed;
      }
    } finally {
      this.#wake = undefined;
      await this.#cancelWatches();
    }
    if (reason !== undefined && !this.#stopped) {
      this.#log.warn("The etcd watch ended; listing again to resync", {
        error: describeError(reason),
      });
    }
  }

  #onEvents(events: readonly EtcdEvent[]): void {
    if (this.#stopped || events.length === 0) return;
    this.#send(this.#cache.apply(changesFor(events)));
  }

  async #cancelWatches(): Promise<void> {
    const watches = this.#watches;
    this.#watches = [];
    await Promise.all(watches.map((w) => w.cancel().catch(() => {})));
  }

  #send(result: CacheResult): void {
    if (this.#stopped) return;
    for (const p of result.problems) this.#cb.onParseError?.(p);
    for (const w of result.warnings) this.#cb.onWarning?.(w);
    for (const batch of toBatches(result.updates)) this.#cb.onUpdates(batch);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #setStatus(status: SyncStatus): void {
    this.#status = status;
    if (!this.#stopped) this.#cb.onStatusUpdated(status);
  }
}
