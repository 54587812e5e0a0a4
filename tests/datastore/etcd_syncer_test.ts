/**
 * EtcdSyncer against a real `etcd` (each test starts its own on free loopback ports and removes
 * its data directory): the initial list of every kind, live changes, the server killed and
 * restarted, compaction, and values that cannot be used.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import {
  Etcd3Client,
  type EtcdClient,
  type EtcdConnection,
  type EtcdRangePage,
  type EtcdRangeRequest,
  type EtcdWatch,
  type EtcdWatchHandlers,
} from "../../src/datastore/etcd_client.ts";
import { resourceKey } from "../../src/datastore/etcd_keys.ts";
import { EtcdSyncer, type EtcdSyncerOptions } from "../../src/datastore/etcd_syncer.ts";
import { FileSyncer } from "../../src/datastore/file_syncer.ts";
import { createResourceConverter } from "../../src/datastore/resource_converter.ts";
import { type LogRecord, MemoryLog } from "../../src/lib/log.ts";
import { type KVUpdate, updateKeyPath } from "../../src/model/kv.ts";
import { type EtcdServer, EtcdWriter, startEtcd } from "../tools/etcd_server.ts";
import { etcdPairs, fileDocuments } from "./etcd_resources.ts";
import { type SyncEvent, SyncRecorder, view } from "./sync_recorder.ts";
import { waitUntil } from "../fv/wait.ts";

interface Env {
  readonly server: EtcdServer;
  readonly writer: EtcdWriter;
}

async function withEtcd(fn: (env: Env) => Promise<void>): Promise<void> {
  const server = await startEtcd();
  const writer = new EtcdWriter(server.endpoint);
  try {
    await fn({ server, writer });
  } finally {
    writer.close();
    await server.stop();
  }
}

/** Runs a syncer on `env` for the duration of `fn`; stopped afterwards. */
async function withSyncer(
  env: Env,
  fn: (rec: SyncRecorder, log: MemoryLog) => Promise<void>,
  extra: Partial<EtcdSyncerOptions> = {},
): Promise<void> {
  const rec = new SyncRecorder();
  const log = new MemoryLog();
  const syncer = new EtcdSyncer({
    endpoints: [env.server.endpoint],
    convert: createResourceConverter(),
    callbacks: rec.callbacks,
    log,
    retryMinMs: 50,
    retryMaxMs: 400,
    ...extra,
  });
  await syncer.start();
  try {
    await fn(rec, log);
  } finally {
    await syncer.stop();
  }
}

/** The state the events describe, by key path (updates applied in order). */
function stateOf(events: readonly SyncEvent[]): Map<string, KVUpdate> {
  const state = new Map<string, KVUpdate>();
  for (const e of events) {
    if (e.type !== "updates") continue;
    for (const u of e.updates) {
      if (u.value === null) state.delete(updateKeyPath(u));
      else state.set(updateKeyPath(u), u);
    }
  }
  return state;
}

/** Values by key path, with the datastore's resourceVersion dropped from passed-through objects. */
function values(state: ReadonlyMap<string, KVUpdate>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, u] of [...state].sort(([a], [b]) => a < b ? -1 : 1)) {
    if (u.key.kind !== "Resource") {
      out[path] = u.value;
      continue;
    }
    const v = u.value as unknown as { metadata: Record<string, unknown> };
    const { resourceVersion: _, ...metadata } = v.metadata;
    out[path] = { ...v, metadata };
  }
  return out;
}

function logged(log: MemoryLog, message: string): LogRecord[] {
  return log.records.filter((r) => r.message === message);
}

function tier(name: string, order: number): unknown {
  return { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name }, spec: { order } };
}

function tierPair(name: string, order: number): [string, unknown] {
  return [`/calico/v1/policy/tier/${name}/metadata`, { order, defaultAction: "Deny" }];
}

/** The state the file datastore gives for the same resources. */
async function fileState(docs: readonly unknown[]): Promise<Map<string, KVUpdate>> {
  const dir = await Deno.makeTempDir({ prefix: "felix-etcd-file-" });
  const rec = new SyncRecorder();
  try {
    const path = join(dir, "resources.json");
    await Deno.writeTextFile(path, JSON.stringify(docs));
    const syncer = new FileSyncer({
      paths: [path],
      convert: createResourceConverter(),
      callbacks: rec.callbacks,
      watch: false,
      pollIntervalMs: 0,
    });
    const synced = rec.nextStatus("in-sync");
    await syncer.start();
    await synced;
    await syncer.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return stateOf(rec.events);
}

Deno.test("EtcdSyncer lists every kind at start, gives the file datastore's state, then in-sync", async () => {
  await withEtcd(async (env) => {
    await env.writer.putAll(etcdPairs());
    await withSyncer(env, async (rec) => {
      await rec.nextStatus("in-sync");
      const statuses = rec.events.filter((e) => e.type === "status").map((e) => e.status);
      deepEqual(statuses, ["wait-for-datastore", "resync-in-progress", "in-sync"]);
      const firstUpdate = rec.events.findIndex((e) => e.type === "updates");
      equal(rec.events[firstUpdate - 1]?.type, "status");
      deepEqual(rec.events.filter((e) => e.type === "error" || e.type === "warning"), []);
      const state = stateOf(rec.events);
      deepEqual(values(state), values(await fileState(fileDocuments())));
      equal(state.size, 27);
      equal(state.get("/calico/v1/Ready")?.value, true);
      ok(state.has("/calico/v1/policy/GlobalNetworkPolicy//allow-dns"));
      ok(state.has("/calico/v1/policy/GlobalNetworkPolicy//legacy"));
      ok(state.has("/calico/ipam/v2/assignment/ipv4/block/10.244.1.0-30"));
      ok(state.has("/calico/v1/policy/profile/projectcalico-default-allow/rules"));
      equal(
        state.get("/calico/v1/host/worker-1/workload/k8s/prod%2ffrontend-abc/endpoint/eth0")
          ?.revision,
        await env.writer.revision(),
      );
    });
  });
});

Deno.test("EtcdSyncer sends live adds, changes and deletes, and nothing for a same-value rewrite", async () => {
  await withEtcd(async (env) => {
    await env.writer.put(resourceKey("Tier", "a"), tier("a", 10));
    await withSyncer(env, async (rec) => {
      await rec.nextStatus("in-sync");
      rec.take();
      const key = resourceKey("Tier", "b");
      const steps: (() => Promise<unknown>)[] = [
        () => env.writer.put(key, tier("b", 20)),
        () => env.writer.put(key, tier("b", 30)),
        async () => {
          await env.writer.put(key, tier("b", 30));
          await env.writer.delete(key);
        },
        () => env.writer.delete(resourceKey("Tier", "a")),
      ];
      for (const step of steps) {
        const next = rec.nextUpdates();
        await step();
        await next;
      }
      deepEqual(view(rec.take()), [
        [tierPair("b", 20)],
        [tierPair("b", 30)],
        [[tierPair("b", 30)[0], null]],
        [[tierPair("a", 10)[0], null]],
      ]);
    });
  });
});

Deno.test("EtcdSyncer after a SIGKILL and restart: nothing sent while down, no delete, relist, in-sync again", async () => {
  await withEtcd(async (env) => {
    await env.writer.putAll([[resourceKey("Tier", "a"), tier("a", 10)]]);
    await withSyncer(env, async (rec, log) => {
      await waitUntil("the watch", () => logged(log, "Watching the etcd datastore").length === 1);
      rec.take();
      await env.server.kill();
      await waitUntil("two failed relists", () => {
        return logged(log, "Cannot sync from etcd; retrying").length >= 2;
      });
      equal(logged(log, "The etcd watch ended; listing again to resync").length, 1);
      deepEqual(view(rec.take()), []);
      await env.server.restart();
      await env.writer.put(resourceKey("Tier", "b"), tier("b", 20));
      await waitUntil("tier b", () => stateOf(rec.events).has(tierPair("b", 0)[0]));
      await waitUntil(
        "in-sync",
        () => rec.events.some((e) => e.type === "status" && e.status === "in-sync"),
      );
      const events = rec.take();
      // Tier b lands either in the relist (between the statuses) or in the watch after it.
      deepEqual(events.filter((e) => e.type === "status").map((e) => e.status), [
        "resync-in-progress",
        "in-sync",
      ]);
      deepEqual(events.filter((e) => e.type === "updates").flatMap((e) => view([e])), [
        [tierPair("b", 20)],
      ]);
    });
  });
});

/**
 * The real client with two hooks for tests: watch creation can be held until `release()`, and
 * an action can run before each range read.
 */
class GatedClient implements EtcdClient {
  readonly #inner: EtcdClient;
  #gate: Promise<void> | undefined;
  #open: () => void = () => {};
  beforeRange: (req: EtcdRangeRequest) => Promise<void> = () => Promise.resolve();
  watchStarts: string[] = [];

  constructor(inner: EtcdClient) {
    this.#inner = inner;
  }

  static factory(hold: boolean, made: (c: GatedClient) => void) {
    return async (conn: EtcdConnection): Promise<EtcdClient> => {
      const c = new GatedClient(await Etcd3Client.create(conn));
      if (hold) c.#gate = new Promise((resolve) => c.#open = resolve);
      made(c);
      return c;
    };
  }

  release(): void {
    this.#open();
  }

  async range(req: EtcdRangeRequest): Promise<EtcdRangePage> {
    await this.beforeRange(req);
    return await this.#inner.range(req);
  }

  async watch(prefix: string, start: string, h: EtcdWatchHandlers): Promise<EtcdWatch> {
    this.watchStarts.push(start);
    await this.#gate;
    return await this.#inner.watch(prefix, start, h);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

Deno.test("EtcdSyncer relists when its watch revision was compacted, deleting only what vanished", async () => {
  await withEtcd(async (env) => {
    await env.writer.putAll([
      [resourceKey("Tier", "a"), tier("a", 10)],
      [resourceKey("Tier", "b"), tier("b", 20)],
      [resourceKey("Tier", "c"), tier("c", 30)],
    ]);
    let client: GatedClient | undefined;
    const clientFactory = GatedClient.factory(true, (c) => client = c);
    await withSyncer(env, async (rec, log) => {
      await rec.nextStatus("in-sync");
      await waitUntil("the held watch", () => client?.watchStarts.length === 1);
      deepEqual(client?.watchStarts, [String(Number(await env.writer.revision()) + 1)]);
      rec.take();
      await env.writer.delete(resourceKey("Tier", "a"));
      await env.writer.put(resourceKey("Tier", "b"), tier("b", 25));
      await env.writer.put(resourceKey("Tier", "d"), tier("d", 40));
      await env.writer.compact(await env.writer.revision());
      const synced = rec.nextStatus("in-sync");
      client?.release();
      await synced;
      deepEqual(view(rec.take()), [
        "resync-in-progress",
        [[tierPair("a", 10)[0], null], tierPair("b", 25), tierPair("d", 40)],
        "in-sync",
      ]);
      const ended = log.records.filter((r) => r.level === "WARNING");
      equal(ended.length, 1);
      match(String(ended[0]?.fields.error), /canceled/i);
    }, { clientFactory });
  });
});

Deno.test("EtcdSyncer starts its list again when the list revision is compacted between pages", async () => {
  await withEtcd(async (env) => {
    await env.writer.putAll([
      [resourceKey("Tier", "a"), tier("a", 10)],
      [resourceKey("Tier", "b"), tier("b", 20)],
    ]);
    let compacted = false;
    const clientFactory = GatedClient.factory(false, (c) => {
      c.beforeRange = async (req) => {
        if (req.fromKey === undefined || compacted) return;
        compacted = true;
        await env.writer.delete(resourceKey("Tier", "b"));
        await env.writer.compact(await env.writer.revision());
      };
    });
    await withSyncer(env, async (rec, log) => {
      await rec.nextStatus("in-sync");
      const statuses = rec.events.flatMap((e) => e.type === "status" ? [e.status] : []);
      deepEqual(statuses, ["wait-for-datastore", "resync-in-progress", "in-sync"]);
      deepEqual(
        [...stateOf(rec.events).keys()].filter((k) => /tier\/[ab]\//.test(k)),
        [tierPair("a", 10)[0]],
      );
      equal(logged(log, "The list revision was compacted while listing; listing again").length, 1);
    }, { clientFactory, pageSize: 1 });
  });
});

Deno.test("EtcdSyncer reports values that are not JSON or not valid resources, skips them, and the rest flows", async () => {
  await withEtcd(async (env) => {
    const bad = resourceKey("Tier", "bad");
    const policy = resourceKey("GlobalNetworkPolicy", "p");
    const gnp = (selector: string) => ({
      apiVersion: "projectcalico.org/v3",
      kind: "GlobalNetworkPolicy",
      metadata: { name: "p" },
      spec: { selector },
    });
    await env.writer.putAll([
      [bad, "{not json"],
      [resourceKey("Tier", "good"), tier("good", 5)],
      [resourceKey("Tier", "wrong-kind"), { ...(tier("wrong-kind", 1) as object), kind: "IPPool" }],
      [policy, gnp("has(a)")],
    ]);
    await withSyncer(env, async (rec) => {
      await rec.nextStatus("in-sync");
      const errors = rec.take().flatMap((e) => e.type === "error" ? [e.error] : []);
      deepEqual(errors.map((e) => [e.source, e.message]), [
        [
          bad,
          `Cannot read etcd key "${bad}": the value is not valid JSON (Expected property name ` +
          `or '}' in JSON at position 1 (line 1 column 2))`,
        ],
        [
          resourceKey("Tier", "wrong-kind"),
          `Cannot read etcd key "${resourceKey("Tier", "wrong-kind")}": the value has kind ` +
          `"IPPool" but the key is under "tiers" (kind Tier)`,
        ],
      ]);
      const state = stateOf(rec.events);
      ok(state.has(tierPair("good", 5)[0]));
      ok(state.has("/calico/v1/policy/GlobalNetworkPolicy//p"));
      const next = rec.nextUpdates();
      await env.writer.put(policy, gnp("has(a"));
      await next;
      const events = rec.take();
      equal(events.length, 2);
      equal(events[0]?.type, "error");
      const err = events[0]?.type === "error" ? events[0].error : undefined;
      equal(err?.source, policy);
      equal(err?.kind, "GlobalNetworkPolicy");
      match(err?.message ?? "", /spec\.selector/);
      deepEqual(view(events.slice(1)), [[["/calico/v1/policy/GlobalNetworkPolicy//p", null]]]);
      const fixed = rec.nextUpdates();
      await env.writer.put(policy, gnp("has(b)"));
      await fixed;
      deepEqual(
        rec.take().map((e) => e.type === "updates" ? e.updates.map(updateKeyPath) : e.type),
        [["/calico/v1/policy/GlobalNetworkPolicy//p"]],
      );
    });
  });
});

Deno.test("EtcdSyncer closes a client that is made after stop() stopped waiting for it", async () => {
  const made = Promise.withResolvers<EtcdClient>();
  let closed = 0;
  const client: EtcdClient = {
    range: () => Promise.reject(new Error("unused")),
    watch: () => Promise.reject(new Error("unused")),
    close: () => {
      closed++;
      return Promise.resolve();
    },
  };
  const rec = new SyncRecorder();
  const syncer = new EtcdSyncer({
    endpoints: ["http://127.0.0.1:1"],
    convert: createResourceConverter(),
    callbacks: rec.callbacks,
    clientFactory: () => made.promise,
  });
  await syncer.start();
  await syncer.stop();
  made.resolve(client);
  await made.promise;
  await new Promise((r) => setTimeout(r, 0));
  equal(closed, 1);
  deepEqual(view(rec.events), ["wait-for-datastore"]);
});
