/**
 * The agent's resident memory per datastore: each case runs in a fresh Deno process that creates
 * its syncer through `createSyncer` (so only the configured client is loaded), waits for
 * in-sync while keeping every update by key (as a consumer does), and reports
 * `Deno.memoryUsage()`. Cases: the datastore module alone, the etcd syncer module loaded (npm:etcd3,
 * no data), and the file and etcd datastores on the bench cluster (10,000 WEPs, 1,000 policies).
 *
 * Run: `deno run -A tests/bench/etcd_rss.ts` (needs `etcd` on PATH). Prints a Markdown table.
 */
import { join } from "node:path";
import { benchResources, etcdPairsOf } from "./etcd_sync_data.ts";

interface Sample {
  readonly rssMB: number;
  readonly heapMB: number;
  readonly updates: number;
  readonly ms: number;
}

const MB = 1024 * 1024;

function print(line: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(`${line}\n`));
}

function sample(updates: number, started: number): Sample {
  const m = Deno.memoryUsage();
  return {
    rssMB: Math.round(m.rss / MB),
    heapMB: Math.round(m.heapUsed / MB),
    updates,
    ms: Math.round(performance.now() - started),
  };
}

async function child(mode: string, arg: string): Promise<Sample> {
  const started = performance.now();
  const { createSyncer } = await import("../../src/datastore/mod.ts");
  if (mode === "module") return sample(0, started);
  if (mode === "etcd-module") {
    await import("../../src/datastore/etcd_syncer.ts");
    return sample(0, started);
  }
  const held = new Map<string, unknown>();
  const { updateKeyPath } = await import("../../src/model/kv.ts");
  let synced!: () => void;
  const inSync = new Promise<void>((resolve) => synced = resolve);
  const syncer = await createSyncer({
    datastoreType: mode === "etcd" ? "etcdv3" : "file",
    files: [arg],
    etcd: { endpoints: [arg] },
    fileOptions: { watch: false, pollIntervalMs: 0 },
    callbacks: {
      onStatusUpdated: (s) => s === "in-sync" && synced(),
      onUpdates: (us) => us.forEach((u) => held.set(updateKeyPath(u), u.value)),
    },
  });
  await syncer.start();
  await inSync;
  const out = sample(held.size, started);
  await syncer.stop();
  return out;
}

async function run(mode: string, arg = ""): Promise<Sample> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, `--child=${mode}`, arg],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`The ${mode} case failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

async function parent(): Promise<void> {
  // Imported here only: a child must not load npm:etcd3 unless its case does.
  const { EtcdWriter, startEtcd } = await import("../tools/etcd_server.ts");
  const docs = benchResources(10_000, 1_000);
  const server = await startEtcd();
  const dir = await Deno.makeTempDir({ prefix: "felix-etcd-rss-" });
  try {
    const file = join(dir, "cluster.json");
    await Deno.writeTextFile(file, JSON.stringify(docs));
    const writer = new EtcdWriter(server.endpoint);
    await writer.putAll(etcdPairsOf(docs));
    writer.close();
    const rows: [string, Sample][] = [
      ["datastore module only (no client loaded)", await run("module")],
      ["etcd syncer module loaded (npm:etcd3), no data", await run("etcd-module")],
      ["file datastore, bench cluster, in-sync", await run("file", file)],
      ["etcd datastore, bench cluster, in-sync", await run("etcd", server.endpoint)],
    ];
    print("| case | RSS MB | heap MB | keys held | start to sample ms |");
    print("| --- | ---: | ---: | ---: | ---: |");
    for (const [name, s] of rows) {
      print(`| ${name} | ${s.rssMB} | ${s.heapMB} | ${s.updates} | ${s.ms} |`);
    }
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

const mode = Deno.args.find((a) => a.startsWith("--child="))?.slice(8);
if (mode === undefined) await parent();
else print(JSON.stringify(await child(mode, Deno.args[1] ?? "")));
