import { equal, match } from "node:assert/strict";
import { podInterfaceName } from "../../src/model/convert_pod.ts";
import { canUseNetns, execIn, withNetns } from "../native/netns.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

function pod(name: string, ip: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: prod}
spec: {nodeName: node-1}
status: {phase: Running, podIP: ${ip}, podIPs: [{ip: ${ip}}]}
`;
}

/** A one-node cluster with pods `pods` (name -> IP) and extra documents. */
function cluster(
  pods: Record<string, string>,
  o: { ready?: boolean; extra?: string } = {},
): string {
  return [
    `apiVersion: projectcalico.org/v3
kind: ClusterInformation
metadata: {name: default}
spec: {datastoreReady: ${o.ready ?? true}}
`,
    `apiVersion: v1
kind: Node
metadata:
  name: node-1
  annotations: {projectcalico.org/IPv4Address: 10.99.0.1/24}
`,
    `apiVersion: v1
kind: Namespace
metadata: {name: prod}
`,
    `apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: pool}
spec: {cidr: 10.65.0.0/16, natOutgoing: true}
`,
    ...Object.entries(pods).map(([n, ip]) => pod(n, ip)),
    ...(o.extra === undefined ? [] : [o.extra]),
  ].join("---\n");
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, text);
  await Deno.rename(`${path}.tmp`, path);
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = performance.now() + ms;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `felix` running inside a namespace, with its log. */
class Felix {
  readonly #child: Deno.ChildProcess;
  readonly #reading: Promise<void>;
  log = "";

  constructor(ns: string, file: string, dir: string) {
    const args = ["run", "-A", MAIN, "-c", `${dir}/none.cfg`, "--datastore-file", file];
    this.#child = new Deno.Command("ip", {
      args: ["netns", "exec", ns, Deno.execPath(), ...args, "--hostname", "node-1"],
      stdout: "null",
      stderr: "piped",
      env: { FELIX_LOGSEVERITYSCREEN: "Info" },
    }).spawn();
    this.#reading = this.#read(this.#child.stderr);
  }

  async #read(stderr: ReadableStream<Uint8Array>): Promise<void> {
    const dec = new TextDecoder();
    for await (const c of stderr) this.log += dec.decode(c, { stream: true });
  }

  waitFor(text: string, ms = 30_000): Promise<void> {
    return until(`"${text}" in the log:\n${this.log}`, () => this.log.includes(text), ms);
  }

  /** The exit code (after SIGTERM unless it exited by itself). */
  async exit(signal?: Deno.Signal): Promise<number> {
    if (signal !== undefined) {
      try {
        this.#child.kill(signal);
      } catch {
        // Exited already.
      }
    }
    const status = await this.#child.status;
    await this.#reading;
    return status.code;
  }
}

/** Run `fn` with a datastore file holding `initial`, in a fresh namespace. */
async function scenario(
  initial: string,
  fn: (ns: string, file: string, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "felix-daemon-" });
  const file = `${dir}/cluster.yaml`;
  await Deno.writeTextFile(file, initial);
  try {
    await withNetns(
      `fdmn${Deno.pid}x${Math.random().toString(36).slice(2, 6)}`,
      (ns) => fn(ns, file, dir),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function nft(ns: string, ...args: string[]): Promise<string> {
  return (await execIn(ns, "nft", args)).stdout;
}

const ROOT = { ignore: !canUseNetns() };

Deno.test({
  ...ROOT,
  name: "felix follows a datastore edit in nftables and exits 0 on SIGTERM, leaving the tables",
  fn: () =>
    scenario(cluster({ a: "10.65.0.1" }), async (ns, file, dir) => {
      const felix = new Felix(ns, file, dir);
      try {
        await felix.waitFor("Dataplane in sync sinceStartMs=");
        const a = podInterfaceName("prod", "a");
        match(await nft(ns, "list", "table", "ip", "calico"), new RegExp(`"${a}" : goto`));
        await writeAtomically(file, cluster({ a: "10.65.0.1", b: "10.65.0.2" }));
        const b = podInterfaceName("prod", "b");
        await until("pod b in nftables", async () =>
          (await nft(ns, "list", "table", "ip", "calico")).includes(`"${b}" : goto`));
      } finally {
        equal(await felix.exit("SIGTERM"), 0, felix.log);
      }
      match(felix.log, /Shutting down reason="Received SIGTERM" exitCode=0/);
      equal(await nft(ns, "list", "tables"), "table ip calico\ntable ip6 calico\n");
    }),
});

Deno.test({
  ...ROOT,
  name: "felix exits 129 on SIGHUP (reload configuration), as upstream does",
  fn: () =>
    scenario(cluster({ a: "10.65.0.1" }), async (ns, file, dir) => {
      const felix = new Felix(ns, file, dir);
      await felix.waitFor("Dataplane in sync");
      equal(await felix.exit("SIGHUP"), 129, felix.log);
      match(felix.log, /reason="Received SIGHUP \(reload configuration\)" exitCode=129/);
    }),
});

Deno.test({
  ...ROOT,
  name: "felix exits 129 when a restart-on-change parameter changes in the datastore",
  fn: () =>
    scenario(cluster({ a: "10.65.0.1" }), async (ns, file, dir) => {
      const felix = new Felix(ns, file, dir);
      await felix.waitFor("Dataplane in sync");
      const fc = `apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata: {name: default}
spec: {defaultEndpointToHostAction: ACCEPT}
`;
      await writeAtomically(file, cluster({ a: "10.65.0.1" }, { extra: fc }));
      equal(await felix.exit(), 129, felix.log);
      match(
        felix.log,
        /Shutting down reason="A configuration change needs a restart" exitCode=129/,
      );
    }),
});

Deno.test({
  ...ROOT,
  name: "felix waits for a ready datastore, then exits 1 when it stops being ready",
  fn: () =>
    scenario(cluster({ a: "10.65.0.1" }, { ready: false }), async (ns, file, dir) => {
      const felix = new Felix(ns, file, dir);
      await felix.waitFor("The datastore is not ready yet; waiting");
      equal(await nft(ns, "list", "tables"), "", "nothing is programmed before ready");
      await writeAtomically(file, cluster({ a: "10.65.0.1" }));
      await felix.waitFor("Dataplane in sync");
      await writeAtomically(file, cluster({ a: "10.65.0.1" }, { ready: false }));
      equal(await felix.exit(), 1, felix.log);
      match(
        felix.log,
        /reason="The datastore is no longer ready \(ClusterInformation datastoreReady\)"/,
      );
    }),
});

Deno.test({
  name: "felix --once --apply programs a network namespace and a second run changes nothing",
  ignore: !canUseNetns(),
  async fn() {
    const demo = new URL("../../examples/demo-cluster.yaml", import.meta.url).pathname;
    const args = [
      "run",
      "-A",
      MAIN,
      "--once",
      "--apply",
      "--datastore-file",
      demo,
      "--hostname",
      "node-1",
    ];
    await withNetns(`fonce${Deno.pid}`, async (ns) => {
      const first = await execIn(ns, Deno.execPath(), args);
      equal(first.code, 0, first.stderr);
      const doc = JSON.parse(first.stdout);
      const listed = await execIn(ns, "nft", ["list", "tables"]);
      equal(listed.stdout, "table ip calico\ntable ip6 calico\n");
      match(doc.dataplane.nftables, /^table ip calico \{/);
      match(
        first.stderr,
        /Programmed the dataplane durationMs=\d+ renderMs=\d+ nftCommands=[1-9]\d* /,
      );
      const second = await execIn(ns, Deno.execPath(), args);
      equal(second.code, 0, second.stderr);
      match(second.stderr, /Programmed the dataplane .* nftCommands=0 nftBytes=0 /);
    });
  },
});
