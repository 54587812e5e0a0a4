/**
 * Programming 5,000 routes (`10.x.y.z/32 dev cali0 proto 80 scope link`, the shape of workload
 * routes) in a temporary network namespace, four ways in the same run: the route table reconciler
 * (`RouteTable.apply`: link and route dumps, diff, pipelined replaces), the pipelined netlink
 * client alone (`RtnlClient.execBatch`), one ACKed request per route (`RtnlClient.exec`), and
 * `ip -batch` with the same 5,000 `route replace` lines. Only the programming is timed: each
 * iteration starts from an empty table (flushed outside the timed part).
 *
 * Run: `deno bench -A tests/bench/routes_bench.ts` (needs root; skipped otherwise).
 */
import { RtnlClient } from "../../native/netlink.ts";
import type { RtnlRequest } from "../../native/netlink_codec.ts";
import { withNetns } from "../../native/netlink_netns.ts";
import { RouteTable } from "../../src/dataplane/routing/route_table.ts";
import type { RouteTarget } from "../../src/dataplane/routing/routes_renderer.ts";

const ROUTES = 5_000;
const root = Deno.uid() === 0;
const ns = `routesbench${Deno.pid}`;

function ipSync(args: string[]): void {
  const out = new Deno.Command("ip", { args, stdout: "null", stderr: "piped" }).outputSync();
  if (!out.success) {
    throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

async function ipBatch(lines: string): Promise<void> {
  const child = new Deno.Command("ip", {
    args: ["-n", ns, "-batch", "-"],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(lines));
  await w.close();
  const out = await child.output();
  if (!out.success) throw new Error(`ip -batch: ${new TextDecoder().decode(out.stderr)}`);
}

const dsts = Array.from(
  { length: ROUTES },
  (_, i) => `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
);
const batchText = dsts.map((d) => `route replace ${d}/32 dev cali0 proto 80 scope link\n`).join("");
const targets: RouteTarget[] = dsts.map((d) => ({ type: "link", cidr: `${d}/32`, protocol: 80 }));

let client: RtnlClient | undefined;
let oif = 0;
if (root) {
  ipSync(["netns", "add", ns]);
  ipSync(["-n", ns, "link", "add", "cali0", "type", "veth", "peer", "name", "eth0"]);
  ipSync(["-n", ns, "link", "set", "cali0", "up"]);
  ipSync(["-n", ns, "link", "set", "eth0", "up"]);
  client = withNetns(ns, () => RtnlClient.open());
  oif = client.listLinks().find((l) => l.name === "cali0")!.index;
  globalThis.addEventListener("unload", () => {
    client?.close();
    ipSync(["netns", "del", ns]);
  });
}

function requests(action: "replace" | "delete"): RtnlRequest[] {
  return dsts.map((d) => ({
    action,
    obj: {
      kind: "route",
      route: {
        family: 2,
        dstLen: 32,
        table: 254,
        protocol: 80,
        scope: 253,
        type: 1,
        flags: 0,
        dst: d,
        oif,
      },
    },
  }));
}

/** Every bench: root only, 10 timed runs after 2 warm-ups. */
const RUNS = { ignore: !root, n: 10, warmup: 2 } as const;

/** Delete every proto-80 route (untimed). */
function flush(): void {
  const ours = client!.listRoutes(2).filter((r) => r.protocol === 80);
  client!.execBatch(ours.map((route) => ({ action: "delete", obj: { kind: "route", route } })));
}

/** The IPv4 main-table reconciler, owning proto-80 workload routes on `cali*`. */
function workloadRouteTable(): RouteTable {
  return new RouteTable({
    netlink: client!,
    family: 4,
    ownership: {
      deviceRouteProtocol: 3,
      workloadPrefixes: ["cali"],
      removeExternalRoutes: true,
      exclusiveIfaces: [],
      birdIfaces: [],
    },
  });
}

function check(): void {
  const n = client!.listRoutes(2).filter((r) => r.protocol === 80).length;
  if (n !== ROUTES) throw new Error(`Expected ${ROUTES} routes, found ${n}`);
}

Deno.bench({
  name: `RouteTable.apply: ${ROUTES} workload routes (dumps, diff, pipelined replaces)`,
  group: "program 5,000 routes",
  baseline: true,
  ...RUNS,
  fn(b) {
    flush();
    const table = workloadRouteTable();
    b.start();
    table.setRoutes("local-workload", "cali0", targets);
    table.apply();
    b.end();
    check();
  },
});

Deno.bench({
  name: `RtnlClient.execBatch: ${ROUTES} route replaces, 128 per sendto`,
  group: "program 5,000 routes",
  ...RUNS,
  fn(b) {
    flush();
    const reqs = requests("replace");
    b.start();
    const failed = client!.execBatch(reqs).filter((r) => r !== undefined).length;
    b.end();
    if (failed > 0) throw new Error(`${failed} replaces failed`);
    check();
  },
});

Deno.bench({
  name: `RtnlClient.exec: ${ROUTES} route replaces, one ACKed request each`,
  group: "program 5,000 routes",
  ...RUNS,
  fn(b) {
    flush();
    const reqs = requests("replace");
    b.start();
    for (const r of reqs) client!.exec(r);
    b.end();
    check();
  },
});

Deno.bench({
  name: `ip -batch: ${ROUTES} "route replace" lines`,
  group: "program 5,000 routes",
  ...RUNS,
  async fn(b) {
    flush();
    b.start();
    await ipBatch(batchText);
    b.end();
    check();
  },
});

Deno.bench({
  name: `RouteTable.apply with nothing to change: ${ROUTES} routes read back and compared`,
  group: "resync",
  ...RUNS,
  fn(b) {
    flush();
    client!.execBatch(requests("replace"));
    const table = workloadRouteTable();
    table.setRoutes("local-workload", "cali0", targets);
    b.start();
    const r = table.apply();
    b.end();
    if (r.replaced + r.deleted !== 0) throw new Error(`Resync changed ${JSON.stringify(r)}`);
  },
});
