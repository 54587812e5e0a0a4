/**
 * A routing-only agent for the two-host FV, run inside a host namespace with
 * `ip netns exec <host> deno run -A tests/fv/routing_agent.ts --datastore-file F --hostname H
 * [--mtu-file P] [--resync-ms N]`: the file datastore (watched) feeds the calc graph, whose
 * messages drive an internal dataplane holding only the routing managers; `--resync-ms` sets both
 * the loop's resync and `RouteRefreshInterval`. It prints one JSON
 * line per apply on stdout (`{"applied":n,"first":bool}`) and route-table totals on exit
 * (SIGTERM); logs go to stderr. Routes stay in place when it exits, as Felix's do.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CalcGraph } from "../../src/calc/calc_graph.ts";
import { Config } from "../../src/config/mod.ts";
import { InternalDataplane } from "../../src/dataplane/linux/internal_dataplane.ts";
import { RouteManager } from "../../src/dataplane/linux/route_manager.ts";
import { createRoutingManagers } from "../../src/dataplane/routing/mod.ts";
import { createSyncer } from "../../src/datastore/mod.ts";
import type { Log, LogFields } from "../../src/lib/log.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    "datastore-file": { type: "string" },
    hostname: { type: "string" },
    "mtu-file": { type: "string" },
    "resync-ms": { type: "string", default: "90000" },
  },
});
const file = args.values["datastore-file"];
const hostname = args.values.hostname;
if (file === undefined || hostname === undefined) {
  throw new TypeError(
    "Cannot start the routing agent: --datastore-file and --hostname are required",
  );
}

const enc = new TextEncoder();
function write(out: { writeSync(b: Uint8Array): number }, line: string): void {
  const bytes = enc.encode(line + "\n");
  let off = 0;
  while (off < bytes.length) off += out.writeSync(bytes.subarray(off));
}

function logAt(level: string) {
  return (message: string, fields: LogFields = {}) =>
    write(Deno.stderr, `${hostname} [${level}] ${message} ${JSON.stringify(fields)}`);
}
const log: Log = {
  debug: () => {},
  info: logAt("INFO"),
  warn: logAt("WARNING"),
  error: logAt("ERROR"),
};

const config = new Config({ hostname });
const resyncMs = Number(args.values["resync-ms"]);
config.updateFrom("config-file", { RouteRefreshInterval: String(resyncMs / 1000) });
const managers = createRoutingManagers({
  config: config.values,
  log,
  mtuFile: args.values["mtu-file"] ?? false,
  requestApply: () => dataplane.resync(),
});
let applies = 0;
const dataplane: InternalDataplane = new InternalDataplane({
  managers,
  log,
  applyIntervalMs: 20,
  resyncIntervalMs: resyncMs,
  onApplied: (s) =>
    write(Deno.stdout, JSON.stringify({ applied: ++applies, first: s.firstAfterInSync })),
});
const graph = new CalcGraph({ hostname, log });
let inSync = false;
const syncer = await createSyncer({
  datastoreType: "file",
  files: [file],
  log,
  fileOptions: { watch: true, debounceMs: 20 },
  callbacks: {
    onStatusUpdated(status) {
      if (status !== "in-sync" || inSync) return;
      inSync = true;
      graph.onInSync();
      dataplane.onMessages(graph.flush());
    },
    onUpdates(batch) {
      graph.onUpdates(batch);
      if (inSync) dataplane.onMessages(graph.flush());
    },
  },
});
await syncer.start();

const stopped = new Promise<void>((resolve) => Deno.addSignalListener("SIGTERM", resolve));
await stopped;
await syncer.stop();
const routes = managers.find((m): m is RouteManager => m instanceof RouteManager);
const totals = routes?.tableOf(4)?.totals;
await dataplane.close();
write(Deno.stdout, JSON.stringify({ exit: true, totals }));
Deno.exit(0);
