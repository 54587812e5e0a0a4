/**
 * The few etcd v3 operations the syncer needs (a paged range read at a revision, a prefix watch
 * with previous values), as an interface with one real implementation on npm:etcd3. The syncer
 * owns every retry: the client's own retries, circuit breakers and watch reconnects are off.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Etcd3, type IOptions } from "etcd3";

/** One stored key-value pair. */
export interface EtcdKV {
  readonly key: string;
  readonly value: Uint8Array;
  /** The revision of the key's last change, as a decimal string. */
  readonly modRevision: string;
}

/** A range read of the keys under `prefix`, from `fromKey` on (inclusive), at `revision`. */
export interface EtcdRangeRequest {
  readonly prefix: string;
  readonly fromKey?: string;
  /** Read at this revision; absent = the latest. */
  readonly revision?: string;
  /** At most this many keys (0 = no limit). */
  readonly limit: number;
}

/** One page of a range read. */
export interface EtcdRangePage {
  /** The store revision the page was read at. */
  readonly revision: string;
  /** In key order. */
  readonly kvs: readonly EtcdKV[];
  /** More keys follow the last one. */
  readonly more: boolean;
}

/** A watch event: a put carries the new pair; a delete the key and its previous pair if known. */
export type EtcdEvent =
  | { readonly type: "put"; readonly kv: EtcdKV }
  | { readonly type: "delete"; readonly key: string; readonly modRevision: string };

/** What a watch reports. */
export interface EtcdWatchHandlers {
  /** One watch response: its events in order (maybe none: a progress report) and its revision. */
  onEvents(events: readonly EtcdEvent[], revision: string): void;
  /** The watch ended without `cancel()`: the connection was lost or the server canceled it. */
  onClosed(error: Error): void;
}

/** A running watch. */
export interface EtcdWatch {
  cancel(): Promise<void>;
}

/** The client the syncer uses. */
export interface EtcdClient {
  range(req: EtcdRangeRequest): Promise<EtcdRangePage>;
  /** Watch the keys under `prefix` from `startRevision`; resolves once the server accepted it. */
  watch(prefix: string, startRevision: string, handlers: EtcdWatchHandlers): Promise<EtcdWatch>;
  close(): Promise<void>;
}

/** Where and how to connect. */
export interface EtcdConnection {
  /** `http(s)://host:port` URLs, all one scheme. */
  readonly endpoints: readonly string[];
  /** PEM file paths: the CA to verify the servers with, the client certificate and its key. */
  readonly tls?: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
  };
  readonly username?: string;
  readonly password?: string;
}

/** A range read at a revision that compaction has removed. */
export class EtcdCompactedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EtcdCompactedError";
  }
}

/** Upstream's dial timeout and keepalive (datastore-config.md §3.1), and the call deadline. */
const DIAL_TIMEOUT_MS = 10_000;
const KEEPALIVE_MS = 30_000;
const KEEPALIVE_TIMEOUT_MS = 10_000;
const CALL_DEADLINE_MS = 30_000;

type FaultHandling = NonNullable<IOptions["faultHandling"]>;
type Policy = NonNullable<FaultHandling["global"]>;
type Backoff = NonNullable<FaultHandling["watchBackoff"]>;

/**
 * A policy that just calls through, always returning a promise (etcd3 chains `.catch` on it):
 * etcd3 only ever calls `execute` on its policies (the cast spares us cockatiel's event fields,
 * which it never reads).
 */
const NO_POLICY = {
  execute: async <T>(fn: () => T | PromiseLike<T>): Promise<T> => await fn(),
} as unknown as Policy;
/** The watch manager's reconnect delay: none (the syncer detaches watchers on a disconnect). */
const NO_BACKOFF: Backoff = { duration: 0, next: () => NO_BACKOFF };

/** The etcd3 options for a connection (files are read now). Exported for tests. */
export async function etcd3Options(conn: EtcdConnection): Promise<IOptions> {
  if (conn.endpoints.length === 0) {
    throw new TypeError("Cannot connect to etcd without an endpoint: set EtcdEndpoints");
  }
  const read = async (path: string | undefined) =>
    path === undefined || path === "" ? undefined : Buffer.from(await Deno.readFile(path));
  const [ca, cert, key] = await Promise.all([
    read(conn.tls?.caFile),
    read(conn.tls?.certFile),
    read(conn.tls?.keyFile),
  ]);
  if ((cert === undefined) !== (key === undefined)) {
    throw new TypeError(
      "Cannot use an etcd client certificate without its key (or a key without its " +
        "certificate): set both EtcdCertFile and EtcdKeyFile",
    );
  }
  const secure = ca !== undefined || cert !== undefined;
  return {
    hosts: [...conn.endpoints],
    dialTimeout: DIAL_TIMEOUT_MS,
    grpcOptions: {
      "grpc.keepalive_time_ms": KEEPALIVE_MS,
      "grpc.keepalive_timeout_ms": KEEPALIVE_TIMEOUT_MS,
      "grpc.max_receive_message_length": -1,
    },
    defaultCallOptions: (ctx) => ctx.isStream ? {} : { deadline: Date.now() + CALL_DEADLINE_MS },
    faultHandling: { host: () => NO_POLICY, global: NO_POLICY, watchBackoff: NO_BACKOFF },
    ...(secure
      ? {
        credentials: {
          // A missing CA means the system roots, as grpc-js's createSsl(null) has it.
          rootCertificate: ca ?? (null as unknown as Buffer),
          ...(key === undefined ? {} : { privateKey: key }),
          ...(cert === undefined ? {} : { certChain: cert }),
        },
      }
      : {}),
    ...(conn.username === undefined || conn.username === ""
      ? {}
      : { auth: { username: conn.username, password: conn.password ?? "" } }),
  };
}

/** The first key after every key with this prefix. */
function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

function isCompacted(e: unknown): boolean {
  return e instanceof Error && e.message.includes("required revision has been compacted");
}

interface RawKV {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly mod_revision: string;
}

function toKV(kv: RawKV): EtcdKV {
  return { key: kv.key.toString("utf8"), value: kv.value, modRevision: String(kv.mod_revision) };
}

/** {@linkcode EtcdClient} on npm:etcd3. */
export class Etcd3Client implements EtcdClient {
  readonly #client: Etcd3;

  private constructor(client: Etcd3) {
    this.#client = client;
  }

  /** Connect lazily (the first call dials); reads the TLS files now. */
  static async create(conn: EtcdConnection): Promise<Etcd3Client> {
    return new Etcd3Client(new Etcd3(await etcd3Options(conn)));
  }

  async range(req: EtcdRangeRequest): Promise<EtcdRangePage> {
    const prefix = Buffer.from(req.prefix);
    try {
      const res = await this.#client.kv.range({
        key: req.fromKey === undefined ? prefix : Buffer.from(req.fromKey),
        range_end: prefixEnd(prefix),
        limit: req.limit,
        ...(req.revision === undefined ? {} : { revision: req.revision }),
      });
      return { revision: String(res.header.revision), kvs: res.kvs.map(toKV), more: res.more };
    } catch (e) {
      if (isCompacted(e)) throw new EtcdCompactedError((e as Error).message);
      throw e;
    }
  }

  watch(prefix: string, startRevision: string, handlers: EtcdWatchHandlers): Promise<EtcdWatch> {
    const watcher = this.#client.watch().prefix(prefix).startRevision(startRevision)
      .withPreviousKV().watcher();
    let connected = false;
    let done = false;
    const cancel = async () => {
      if (done) return;
      done = true;
      await watcher.cancel();
    };
    return new Promise((resolve, reject) => {
      // `detach`: a disconnected watcher is still attached (etcd3 would resume it); a watcher
      // the server canceled is already gone, and detaching it again would wait forever.
      const end = (error: Error, detach: boolean) => {
        if (done) return;
        done = true;
        if (detach) watcher.cancel().catch(() => {});
        if (connected) handlers.onClosed(error);
        else reject(error);
      };
      watcher.on("connected", () => {
        connected = true;
        resolve({ cancel });
      });
      watcher.on("data", (res) => {
        if (done) return;
        const events = res.events.map((ev): EtcdEvent =>
          ev.type === "Put"
            ? { type: "put", kv: toKV(ev.kv) }
            : { type: "delete", key: ev.kv.key.toString("utf8"), modRevision: ev.kv.mod_revision }
        );
        handlers.onEvents(events, String(res.header.revision));
      });
      watcher.on("disconnected", (err) => end(err, true));
      watcher.on("error", (err) => end(err, false));
    });
  }

  close(): Promise<void> {
    this.#client.close();
    return Promise.resolve();
  }
}
