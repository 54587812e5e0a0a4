/**
 * Time to in-sync from a real etcd holding 10,000 workload endpoints and 1,000 policies (plus
 * 100 namespace profiles and a pool): start -> list -> convert -> `in-sync`, with the real
 * converter. The file datastore on the same resources is measured beside it.
 *
 * Run: `deno bench -A tests/bench/etcd_sync_bench.ts` (needs `etcd` on PATH; skipped otherwise).
 */
import { join } from "node:path";
import { EtcdSyncer } from "../../src/datastore/etcd_syncer.ts";
import { FileSyncer } from "../../src/datastore/file_syncer.ts";
import { createResourceConverter } from "../../src/datastore/resource_converter.ts";
import type { Syncer, SyncerCallbacks } from "../../src/datastore/syncer.ts";
import { etcdAvailable, EtcdWriter, startEtcd } from "../tools/etcd_server.ts";
import { benchResources, etcdPairsOf } from "./etcd_sync_data.ts";

const ENDPOINTS = 10_000;
const POLICIES = 1_000;
const available = etcdAvailable();

const docs = benchResources(ENDPOINTS, POLICIES);
const server = available ? await startEtcd() : undefined;
const dir = await Deno.makeTempDir({ prefix: "felix-etcd-bench-" });
const file = join(dir, "cluster.json");
await Deno.writeTextFile(file, JSON.stringify(docs));
if (server !== undefined) {
  const writer = new EtcdWriter(server.endpoint);
  await writer.putAll(etcdPairsOf(docs));
  writer.close();
}
globalThis.addEventListener("unload", () => {
  server?.stopSync();
  Deno.removeSync(dir, { recursive: true });
});

/** Start a syncer and resolve with the number of updates once it reports in-sync. */
async function timeToInSync(make: (cb: SyncerCallbacks) => Syncer): Promise<number> {
  let updates = 0;
  let synced!: () => void;
  const inSync = new Promise<void>((resolve) => synced = resolve);
  const syncer = make({
    onStatusUpdated: (s) => s === "in-sync" && synced(),
    onUpdates: (u) => updates += u.length,
  });
  await syncer.start();
  await inSync;
  await syncer.stop();
  return updates;
}

Deno.bench({
  name: `EtcdSyncer start to in-sync: ${ENDPOINTS} WEPs + ${POLICIES} policies`,
  group: "in-sync",
  baseline: true,
  ignore: !available,
  n: 10,
  warmup: 2,
  async fn() {
    await timeToInSync((callbacks) =>
      new EtcdSyncer({
        endpoints: [server!.endpoint],
        convert: createResourceConverter(),
        callbacks,
      })
    );
  },
});

Deno.bench({
  name: `FileSyncer start to in-sync: the same resources in one JSON file`,
  group: "in-sync",
  n: 10,
  warmup: 2,
  async fn() {
    await timeToInSync((callbacks) =>
      new FileSyncer({
        paths: [file],
        convert: createResourceConverter(),
        callbacks,
        watch: false,
        pollIntervalMs: 0,
      })
    );
  },
});
