/**
 * A real `etcd` for tests and benches: started on free loopback ports with its own temp data
 * directory, killable (SIGKILL) and restartable on the same directory and ports, and removed on
 * `stop()`. Plus a small writer (npm:etcd3) to put, delete and compact.
 *
 * `etcd` comes from Debian's `etcd-server` package (`.ci/run` installs it).
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { Etcd3 } from "etcd3";

/** How long a start may take before the test fails. */
const START_TIMEOUT_MS = 15_000;

/** A running (or killed) etcd. */
export interface EtcdServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly dataDir: string;
  /** SIGKILL the server and wait for it to die (the data dir is kept). */
  kill(): Promise<void>;
  /** Start it again on the same data dir and ports; resolves once it serves. */
  restart(): Promise<void>;
  /** Kill it and remove its directory. */
  stop(): Promise<void>;
  /** As `stop`, synchronously (for an `unload` handler): SIGKILL, then remove the directory. */
  stopSync(): void;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Whether an `etcd` binary is on PATH. */
export function etcdAvailable(): boolean {
  try {
    return new Deno.Command("etcd", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`);
    const body = await res.text();
    return res.ok && body.includes('"health":"true"');
  } catch {
    return false;
  }
}

async function waitHealthy(endpoint: string, log: string, child: Deno.ChildProcess) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited = false;
  child.status.then(() => exited = true);
  while (Date.now() < deadline && !exited) {
    if (await healthy(endpoint)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const text = await Deno.readTextFile(log).catch(() => "");
  throw new Error(
    `etcd at ${endpoint} did not become healthy (${exited ? "it exited" : "timed out"}); ` +
      `its log ends with: ${text.slice(-2000)}`,
  );
}

/** Start an etcd on free loopback ports in a fresh temp directory. */
export async function startEtcd(): Promise<EtcdServer> {
  const dir = await Deno.makeTempDir({ prefix: "felix-etcd-" });
  const dataDir = join(dir, "data");
  const log = join(dir, "etcd.log");
  const client = `http://127.0.0.1:${freePort()}`;
  const peer = `http://127.0.0.1:${freePort()}`;
  const args = [
    "--name=test",
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=test=${peer}`,
    "--max-txn-ops=10000",
    "--max-request-bytes=33554432",
    "--logger=zap",
    `--log-outputs=${log}`,
  ];
  let child: Deno.ChildProcess | undefined;
  const spawn = async () => {
    child = new Deno.Command("etcd", { args, stdin: "null", stdout: "null", stderr: "null" })
      .spawn();
    await waitHealthy(client, log, child);
  };
  const kill = async () => {
    if (child === undefined) return;
    const c = child;
    child = undefined;
    try {
      c.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await c.status;
  };
  try {
    await spawn();
  } catch (e) {
    await kill();
    await Deno.remove(dir, { recursive: true });
    throw e;
  }
  return {
    endpoint: client,
    dataDir,
    kill,
    restart: spawn,
    stop: async () => {
      await kill();
      await Deno.remove(dir, { recursive: true });
    },
    stopSync: () => {
      try {
        child?.kill("SIGKILL");
      } catch {
        // Already exited.
      }
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

/** Writes to an etcd the way Calico's clients do (for tests and benches). */
export class EtcdWriter {
  readonly #client: Etcd3;

  constructor(endpoint: string) {
    this.#client = new Etcd3({ hosts: endpoint });
  }

  /** Put JSON (or a raw string) at `key`; returns the new revision. */
  async put(key: string, value: unknown): Promise<string> {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const res = await this.#client.put(key).value(text).exec();
    return String(res.header.revision);
  }

  /** Put many pairs in transactions of at most `batch` puts. */
  async putAll(pairs: readonly (readonly [string, unknown])[], batch = 500): Promise<void> {
    for (let i = 0; i < pairs.length; i += batch) {
      const ops = pairs.slice(i, i + batch).map(([k, v]) =>
        this.#client.put(k).value(typeof v === "string" ? v : JSON.stringify(v))
      );
      await this.#client.if(Buffer.from("\u0000"), "Version", "==", 0).then(...ops).else(...ops)
        .commit();
    }
  }

  /** Delete `key`; returns the new revision. */
  async delete(key: string): Promise<string> {
    const res = await this.#client.delete().key(key).exec();
    return String(res.header.revision);
  }

  /** The store's current revision. */
  async revision(): Promise<string> {
    const res = await this.#client.kv.range({ key: Buffer.from("\u0000"), limit: 1 });
    return String(res.header.revision);
  }

  /** Compact the history up to `revision` (watches from before it then fail). */
  async compact(revision: string): Promise<void> {
    await this.#client.kv.compact({ revision, physical: true });
  }

  close(): void {
    this.#client.close();
  }
}
