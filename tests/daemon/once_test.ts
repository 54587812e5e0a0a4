import { deepEqual, equal, match, ok } from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const GOLDEN = new URL("./testdata/demo_once.json", import.meta.url);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function felix(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    cwd: ROOT,
    env,
    clearEnv: true,
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Exactly the README's demo command (`deno task demo`). */
async function demo(): Promise<Run> {
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks;
  const prefix = "deno run -A main.ts ";
  ok(tasks.demo.startsWith(prefix), `unexpected demo task ${tasks.demo}`);
  return felix(tasks.demo.slice(prefix.length).split(" "));
}

interface Endpoint {
  readonly interface: string;
  readonly ipv4Nets: string[];
  readonly tiers: { readonly name: string; readonly ingress: string[] }[];
  readonly profiles: string[];
}

/** The part of the `--once` document these tests read. */
interface Doc {
  readonly hostname: string;
  readonly config: Record<string, { value: string; source: string } | undefined>;
  readonly endpoints: Record<string, Endpoint>;
  readonly hostEndpoints: Record<string, unknown>;
  readonly routes: Record<string, { types: string[]; dstNodeName?: string } | undefined>;
  readonly vteps: Record<string, unknown>;
  readonly encapsulation: unknown;
}

Deno.test("felix --once on the demo cluster prints the golden document", async () => {
  const r = await demo();
  equal(r.code, 0, r.stderr);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(GOLDEN, r.stdout);
  equal(r.stdout, await Deno.readTextFile(GOLDEN));
});

Deno.test("felix --once on the demo cluster computes node-1's endpoints, tiers and routes", async () => {
  const r = await demo();
  equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Doc;
  equal(doc.hostname, "node-1");
  deepEqual(Object.keys(doc), [
    "hostname",
    "config",
    "ipSets",
    "policies",
    "profiles",
    "endpoints",
    "hostEndpoints",
    "routes",
    "vteps",
    "ipPools",
    "encapsulation",
    "dataplane",
  ]);
  // Only node-1's pods with IPs are local endpoints; node-2's pods only feed IP sets.
  const eps = Object.values(doc.endpoints);
  ok(eps.length >= 5, `expected node-1's pods, got ${eps.length}`);
  for (const ep of eps) {
    match(ep.interface, /^cali[0-9a-f]{11}$/);
    match(ep.ipv4Nets[0] ?? "", /^10\.244\.84\.\d+\/32$/);
  }
  // The security tier (order 100) comes before the default tier.
  const api = doc.endpoints["backend/api-5c7b9d8f6-4hq2m/eth0"]!;
  deepEqual(api.tiers.map((t) => t.name), ["security", "default"]);
  ok(api.tiers[1]!.ingress.includes("KubernetesNetworkPolicy/backend/default-deny"));
  deepEqual(api.profiles, ["kns.backend", "ksa.backend.api"]);
  // The remote block goes via node-2's VTEP; both VTEPs are known.
  const remote = doc.routes["10.244.166.192/26"];
  deepEqual(remote?.types, ["REMOTE_WORKLOAD"]);
  equal(remote?.dstNodeName, "node-2");
  deepEqual(Object.keys(doc.vteps), ["node-1", "node-2"]);
  deepEqual(doc.encapsulation, {
    ipipEnabled: false,
    vxlanEnabled: true,
    vxlanEnabledV6: false,
    noEncapEnabled: true,
  });
  // Config lists only non-default parameters, with their sources.
  deepEqual(doc.config.FelixHostname, { value: "node-1", source: "internal-override" });
  deepEqual(doc.config.DatastoreType, { value: "file", source: "internal-override" });
  equal(doc.config.LogFilePath, undefined);
});

Deno.test("felix --once for node-2 sees node-2's endpoints instead", async () => {
  const r = await felix([
    "--once",
    "--datastore-file",
    "examples/demo-cluster.yaml",
    "--hostname",
    "node-2",
  ]);
  equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Doc;
  const eps = Object.values(doc.endpoints);
  ok(eps.length > 0);
  for (const ep of eps) match(ep.ipv4Nets[0] ?? "", /^10\.244\.166\.\d+\/32$/);
  deepEqual(Object.keys(doc.hostEndpoints), []);
});

Deno.test("felix --once takes the datastore and hostname from FELIX_ variables too", async () => {
  const r = await felix(["--once"], {
    FELIX_DATASTORETYPE: "file",
    FELIX_DATASTOREFILE: "examples/demo-cluster.yaml",
    felix_felixhostname: "node-1",
  });
  equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Doc;
  deepEqual(doc.config.DatastoreType, { value: "file", source: "environment" });
});

Deno.test("felix --once fails with exit 1 and a reason when the datastore is not ready", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/cluster.yaml`;
    await Deno.writeTextFile(
      file,
      "apiVersion: projectcalico.org/v3\nkind: ClusterInformation\nmetadata: {name: default}\n" +
        "spec: {datastoreReady: false}\n",
    );
    const r = await felix(["--once", "--datastore-file", file, "--hostname", "n"]);
    equal(r.code, 1);
    equal(r.stdout, "");
    match(r.stderr, /felix: The datastore is not ready: ClusterInformation "default"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("felix --once fails with exit 1 when the datastore file is missing", async () => {
  const r = await felix(
    ["--once", "--datastore-file", "/nonexistent/x.yaml", "--hostname", "n"],
    {},
  );
  equal(r.code, 1);
  match(r.stderr, /^felix: Cannot read the datastore file "\/nonexistent\/x\.yaml": /m);
});

Deno.test("felix --once rejects a fatal configuration value with exit 1", async () => {
  const r = await felix(["--once", "--hostname", "n"], {
    FELIX_DATASTORETYPE: "file",
    FELIX_DATASTOREFILE: "examples/demo-cluster.yaml",
    FELIX_INTERFACEPREFIX: "bad prefix!",
  });
  equal(r.code, 1, r.stdout);
  match(r.stderr, /InterfacePrefix/);
});
