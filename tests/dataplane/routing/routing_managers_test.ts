/**
 * The routing managers from `createRoutingManagers`, run by the internal dataplane loop over the
 * fake kernel and a fake interface event source: what a VXLAN cluster programs on node-a, node
 * removal, late interfaces, restart without changes, waiting for the parent interface.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import type { RtnlMessage } from "../../../native/netlink_codec.ts";
import type { IfaceEventSource } from "../../../src/dataplane/linux/iface_monitor.ts";
import { InternalDataplane } from "../../../src/dataplane/linux/internal_dataplane.ts";
import type { FakeNetlink } from "../../../src/dataplane/routing/fake_netlink.ts";
import { createRoutingManagers } from "../../../src/dataplane/routing/mod.ts";
import type { ConfigValues } from "../../../src/config/config_values.ts";
import { RouteTypes as T, type ToDataplane } from "../../../src/proto/messages.ts";
import { configFor, fakeHost, mainRoutes, routeUpdate, vtep, wepUpdate } from "./route_fixtures.ts";
import { encapUpdate } from "../linux/proto_fixtures.ts";

/** Interface events the test pushes. */
class FakeEvents implements IfaceEventSource {
  #h: { onMessages(m: readonly RtnlMessage[]): void } | undefined;
  start(h: { onMessages(m: readonly RtnlMessage[]): void }): void {
    this.#h = h;
  }
  emit(msgs: RtnlMessage[]): void {
    this.#h?.onMessages(msgs);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const HOST_A: ToDataplane = {
  type: "HostMetadataUpdate",
  hostname: "node-a",
  ipv4Addr: "192.168.77.1/24",
  ipv6Addr: "",
  asNumber: "",
  labels: {},
};

function cluster(): ToDataplane[] {
  const tunnel = { ipip: false, vxlan: true, wireguard: false };
  return [
    encapUpdate({ vxlanEnabled: true }),
    HOST_A,
    vtep("node-a", "10.65.0.0", "192.168.77.1", "66:00:00:00:00:0a"),
    vtep("node-b", "10.65.1.0", "192.168.77.2", "66:00:00:00:00:0b"),
    routeUpdate("10.65.0.0/26", T.LOCAL_WORKLOAD, "node-a", "192.168.77.1"),
    routeUpdate("10.65.0.5/32", T.LOCAL_WORKLOAD, "node-a", "192.168.77.1", {
      localWorkload: true,
    }),
    routeUpdate("10.65.1.0/26", T.REMOTE_WORKLOAD, "node-b", "192.168.77.2"),
    routeUpdate("10.65.1.0/32", T.REMOTE_TUNNEL, "node-b", "192.168.77.2", { tunnelType: tunnel }),
    wepUpdate("p1", "cali1111", "10.65.0.5"),
    { type: "InSync" },
  ];
}

interface Agent {
  readonly dp: InternalDataplane;
  readonly events: FakeEvents;
  readonly mtuFile: string;
}

async function startAgent(nl: FakeNetlink, config: ConfigValues = configFor()): Promise<Agent> {
  const events = new FakeEvents();
  const mtuFile = join(await Deno.makeTempDir({ prefix: "felix-mtu-" }), "mtu");
  const managers = createRoutingManagers({
    config,
    netlink: nl,
    events,
    mtuFile,
    gracePeriodMs: 0,
  });
  const dp = new InternalDataplane({ managers, applyIntervalMs: 0, resyncIntervalMs: 0 });
  return { dp, events, mtuFile };
}

async function stop(a: Agent): Promise<void> {
  await a.dp.close();
  await Deno.remove(join(a.mtuFile, ".."), { recursive: true });
}

/** Give timers (interface kicks) a turn, then wait for the loop. */
async function settle(a: Agent): Promise<void> {
  await new Promise((r) => setTimeout(r, 5));
  await a.dp.settled();
}

function hostWithWorkload(): FakeNetlink {
  const nl = fakeHost();
  nl.addLink("cali1111");
  return nl;
}

function vxlanEntries(nl: FakeNetlink): string[] {
  return nl.neighs().map((n) => `${n.family === 7 ? "fdb" : "arp"} ${n.dst} ${n.lladdr}`).sort();
}

Deno.test("routing managers program a VXLAN node: device, VTEP entries, routes, MTU file", async () => {
  const nl = hostWithWorkload();
  const a = await startAgent(nl);
  try {
    a.dp.onMessages(cluster());
    await settle(a);
    deepEqual(mainRoutes(nl), [
      "10.65.0.5/32 dev cali1111 proto 3 scope link metric 1024",
      "10.65.1.0/26 via 10.65.1.0 dev vxlan.calico onlink proto 3",
      "10.65.1.0/32 dev vxlan.calico proto 3 scope link",
      "blackhole 10.65.0.0/26 proto 80",
    ]);
    const dev = nl.linkByName("vxlan.calico")!;
    deepEqual([dev.mtu, dev.mac, dev.vxlan?.vni, dev.vxlan?.port], [
      1450,
      "66:00:00:00:00:0a",
      4096,
      4789,
    ]);
    deepEqual(vxlanEntries(nl), [
      "arp 10.65.1.0 66:00:00:00:00:0b",
      "fdb 192.168.77.2 66:00:00:00:00:0b",
    ]);
    equal(await Deno.readTextFile(a.mtuFile), "1450\n");
  } finally {
    await stop(a);
  }
});

Deno.test("routing managers: removing node-b removes its routes and VTEP entries, no others", async () => {
  const nl = hostWithWorkload();
  const a = await startAgent(nl);
  try {
    a.dp.onMessages(cluster());
    await settle(a);
    nl.requests.length = 0;
    a.dp.onMessages([
      { type: "RouteRemove", dst: "10.65.1.0/26" },
      { type: "RouteRemove", dst: "10.65.1.0/32" },
      { type: "VXLANTunnelEndpointRemove", node: "node-b" },
    ]);
    await settle(a);
    deepEqual(mainRoutes(nl), [
      "10.65.0.5/32 dev cali1111 proto 3 scope link metric 1024",
      "blackhole 10.65.0.0/26 proto 80",
    ]);
    deepEqual(vxlanEntries(nl), []);
    deepEqual(nl.counts(), { "delete route": 2, "delete neigh": 2 });
  } finally {
    await stop(a);
  }
});

Deno.test("routing managers program a workload route as soon as its interface comes up", async () => {
  const nl = hostWithWorkload();
  const a = await startAgent(nl);
  try {
    a.dp.onMessages([...cluster(), wepUpdate("p2", "cali2222", "10.65.0.6")]);
    await settle(a);
    ok(
      !mainRoutes(nl).some((r) => r.includes("10.65.0.6")),
      "no route before the interface exists",
    );
    const link = nl.addLink("cali2222");
    a.events.emit([{ kind: "link", op: "new", link }]);
    await settle(a);
    ok(mainRoutes(nl).includes("10.65.0.6/32 dev cali2222 proto 3 scope link metric 1024"));
  } finally {
    await stop(a);
  }
});

Deno.test("routing managers after a restart find everything in place and change nothing", async () => {
  const nl = hostWithWorkload();
  const first = await startAgent(nl);
  first.dp.onMessages(cluster());
  await settle(first);
  await stop(first);
  const before = { routes: mainRoutes(nl), neighs: vxlanEntries(nl) };
  nl.requests.length = 0;
  const second = await startAgent(nl);
  try {
    second.dp.onMessages(cluster());
    await settle(second);
    deepEqual(nl.requests, []);
    deepEqual({ routes: mainRoutes(nl), neighs: vxlanEntries(nl) }, before);
  } finally {
    await stop(second);
  }
});

Deno.test("routing managers restore a deleted route and VTEP entry on resync", async () => {
  const nl = hostWithWorkload();
  const a = await startAgent(nl);
  try {
    a.dp.onMessages(cluster());
    await settle(a);
    const before = { routes: mainRoutes(nl), neighs: vxlanEntries(nl) };
    const viaVxlan = nl.routes().find((r) => r.dst === "10.65.1.0" && r.dstLen === 26)!;
    nl.exec({ action: "delete", obj: { kind: "route", route: viaVxlan } });
    nl.exec({ action: "delete", obj: { kind: "neigh", neigh: nl.neighs()[0]! } });
    a.dp.resync();
    await settle(a);
    deepEqual({ routes: mainRoutes(nl), neighs: vxlanEntries(nl) }, before);
  } finally {
    await stop(a);
  }
});

Deno.test("VXLAN manager waits for the parent interface instead of failing the apply", async () => {
  const nl = hostWithWorkload();
  const eth0 = nl.linkByName("eth0")!;
  const addr = nl.addrs()[0]!;
  nl.exec({ action: "delete", obj: { kind: "addr", addr } });
  const a = await startAgent(nl);
  try {
    a.dp.onMessages(cluster());
    await settle(a);
    equal(nl.linkByName("vxlan.calico"), undefined);
    ok(mainRoutes(nl).includes("10.65.0.5/32 dev cali1111 proto 3 scope link metric 1024"));
    nl.putAddr(addr);
    a.events.emit([{ kind: "addr", op: "new", addr }, { kind: "link", op: "new", link: eth0 }]);
    await settle(a);
    ok(nl.linkByName("vxlan.calico") !== undefined, "device created once the address appeared");
  } finally {
    await stop(a);
  }
});

Deno.test("VXLAN manager removes the device when VXLAN is off after in-sync", async () => {
  const nl = hostWithWorkload();
  const a = await startAgent(nl);
  try {
    a.dp.onMessages(cluster());
    await settle(a);
    a.dp.onMessages([
      encapUpdate({ noEncapEnabled: true }),
    ]);
    await settle(a);
    equal(nl.linkByName("vxlan.calico"), undefined);
    equal(await Deno.readTextFile(a.mtuFile), "1500\n");
  } finally {
    await stop(a);
  }
});

Deno.test("route manager re-reads the kernel every RouteRefreshInterval and repairs drift", async () => {
  const nl = hostWithWorkload();
  const a = await startAgent(nl, configFor({ RouteRefreshInterval: "0.05" }));
  try {
    a.dp.onMessages(cluster());
    await settle(a);
    const before = mainRoutes(nl);
    const blackhole = nl.routes().find((r) => r.type === 6)!;
    nl.exec({ action: "delete", obj: { kind: "route", route: blackhole } });
    await new Promise((r) => setTimeout(r, 150));
    deepEqual(mainRoutes(nl), before);
  } finally {
    await stop(a);
  }
});
