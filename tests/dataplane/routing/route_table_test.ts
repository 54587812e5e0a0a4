/** `RouteTable` against the fake kernel: smallest change, ownership, grace period, resync. */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { RouteTable, type RouteTableOptions } from "../../../src/dataplane/routing/route_table.ts";
import type { RouteTarget } from "../../../src/dataplane/routing/routes_renderer.ts";
import type { FakeNetlink } from "../../../src/dataplane/routing/fake_netlink.ts";
import { fakeHost, kernelRoute, mainRoutes, ManualClock, RULES } from "./route_fixtures.ts";

function table(nl: FakeNetlink, clock = new ManualClock(), extra: Partial<RouteTableOptions> = {}) {
  return new RouteTable({ netlink: nl, family: 4, ownership: RULES, now: clock.now, ...extra });
}

const wl = (cidr: string): RouteTarget => ({ type: "link", cidr, protocol: 3, metric: 1024 });
const bh = (cidr: string): RouteTarget => ({ type: "blackhole", cidr, protocol: 80 });
const viaVxlan = (cidr: string, gw: string): RouteTarget => ({
  type: "onlink",
  cidr,
  gateway: gw,
  protocol: 3,
});

Deno.test("RouteTable programs workload, blackhole and VXLAN routes with their kernel attributes", () => {
  const nl = fakeHost();
  nl.addLink("cali1");
  nl.addLink("vxlan.calico", { kind: "vxlan" });
  const rt = table(nl);
  rt.setRoutes("local-workload", "cali1", [wl("10.65.0.5/32")]);
  rt.setRoutes("blackhole", "", [bh("10.65.0.0/26")]);
  rt.setRoutes("vxlan-tunnel", "vxlan.calico", [viaVxlan("10.65.1.0/26", "10.65.1.0")]);
  deepEqual(rt.apply(), { replaced: 3, deleted: 0, graceDueAt: undefined });
  deepEqual(mainRoutes(nl), [
    "10.65.0.5/32 dev cali1 proto 3 scope link metric 1024",
    "10.65.1.0/26 via 10.65.1.0 dev vxlan.calico onlink proto 3",
    "blackhole 10.65.0.0/26 proto 80",
  ]);
});

Deno.test("RouteTable makes the smallest change: one replace for a changed target, one delete", () => {
  const nl = fakeHost();
  nl.addLink("vxlan.calico", { kind: "vxlan" });
  const rt = table(nl);
  rt.setRoutes("vxlan-tunnel", "vxlan.calico", [
    viaVxlan("10.65.1.0/26", "10.65.1.0"),
    viaVxlan("10.65.2.0/26", "10.65.2.0"),
    viaVxlan("10.65.3.0/26", "10.65.3.0"),
  ]);
  rt.apply();
  nl.requests.length = 0;
  rt.setRoutes("vxlan-tunnel", "vxlan.calico", [
    viaVxlan("10.65.1.0/26", "10.65.1.0"),
    viaVxlan("10.65.2.0/26", "10.65.2.9"),
  ]);
  deepEqual(rt.apply(), { replaced: 1, deleted: 1, graceDueAt: undefined });
  deepEqual(nl.counts(), { "replace route": 1, "delete route": 1 });
  deepEqual(mainRoutes(nl), [
    "10.65.1.0/26 via 10.65.1.0 dev vxlan.calico onlink proto 3",
    "10.65.2.0/26 via 10.65.2.9 dev vxlan.calico onlink proto 3",
  ]);
  nl.requests.length = 0;
  deepEqual(rt.apply(), { replaced: 0, deleted: 0, graceDueAt: undefined });
  equal(nl.requests.length, 0);
});

Deno.test("RouteTable leaves routes that are not ours and removes unwanted ones that are", () => {
  const nl = fakeHost();
  const eth0 = nl.linkByName("eth0")!.index;
  const vx = nl.addLink("vxlan.calico", { kind: "vxlan" }).index;
  nl.putRoute(kernelRoute({ dst: "0.0.0.0", dstLen: 0, gateway: "192.168.77.254", oif: eth0 }));
  nl.putRoute(
    kernelRoute({ dst: "10.99.0.0", dstLen: 16, gateway: "192.168.77.3", oif: eth0, protocol: 12 }),
  );
  nl.putRoute(kernelRoute({ dst: "192.168.77.0", dstLen: 24, oif: eth0, protocol: 2, scope: 253 }));
  nl.putRoute(kernelRoute({ dst: "10.70.0.0", dstLen: 26, type: 6, protocol: 80 }));
  nl.putRoute(
    kernelRoute({
      dst: "10.71.0.0",
      dstLen: 26,
      gateway: "10.71.0.0",
      oif: vx,
      protocol: 4,
      flags: 4,
    }),
  );
  const rt = table(nl);
  deepEqual(rt.apply(), { replaced: 0, deleted: 2, graceDueAt: undefined });
  deepEqual(mainRoutes(nl), [
    "0.0.0.0/0 via 192.168.77.254 dev eth0 proto 3",
    "10.99.0.0/16 via 192.168.77.3 dev eth0 proto 12",
    "192.168.77.0/24 dev eth0 proto 2 scope link",
  ]);
});

Deno.test("RouteTable keeps an unexpected route on a new workload interface for the grace period", () => {
  const nl = fakeHost();
  const cali = nl.addLink("cali1").index;
  nl.putRoute(kernelRoute({ dst: "10.65.0.9", dstLen: 32, oif: cali, protocol: 4, scope: 253 }));
  const clock = new ManualClock();
  clock.ms = 1_000;
  const rt = table(nl, clock);
  deepEqual(rt.apply(), { replaced: 0, deleted: 0, graceDueAt: 11_000 });
  clock.ms = 10_999;
  equal(rt.apply().deleted, 0);
  ok(rt.dirty, "a deferred deletion keeps the table dirty");
  clock.ms = 11_000;
  deepEqual(rt.apply(), { replaced: 0, deleted: 1, graceDueAt: undefined });
  deepEqual(mainRoutes(nl), []);
});

Deno.test("RouteTable with RemoveExternalRoutes=false keeps other protocols on workload interfaces", () => {
  const nl = fakeHost();
  const cali = nl.addLink("cali1").index;
  nl.putRoute(kernelRoute({ dst: "10.65.0.9", dstLen: 32, oif: cali, protocol: 4, scope: 253 }));
  nl.putRoute(kernelRoute({ dst: "10.65.0.8", dstLen: 32, oif: cali, protocol: 3, scope: 253 }));
  const clock = new ManualClock();
  const rt = table(nl, clock, { ownership: { ...RULES, removeExternalRoutes: false } });
  deepEqual(rt.apply(), { replaced: 0, deleted: 0, graceDueAt: 10_000 });
  clock.ms = 60_000;
  deepEqual(rt.apply(), { replaced: 0, deleted: 1, graceDueAt: undefined });
  deepEqual(mainRoutes(nl), ["10.65.0.9/32 dev cali1 proto 4 scope link"]);
});

Deno.test("RouteTable restores a route deleted behind its back at the next resync", () => {
  const nl = fakeHost();
  nl.addLink("cali1");
  const rt = table(nl);
  rt.setRoutes("local-workload", "cali1", [wl("10.65.0.5/32"), wl("10.65.0.6/32")]);
  rt.apply();
  nl.exec({ action: "delete", obj: { kind: "route", route: nl.routes()[0]! } });
  nl.requests.length = 0;
  equal(rt.apply().replaced, 0, "without a resync the table trusts its view");
  rt.markForResync();
  deepEqual(rt.apply(), { replaced: 1, deleted: 0, graceDueAt: undefined });
  deepEqual(mainRoutes(nl), [
    "10.65.0.5/32 dev cali1 proto 3 scope link metric 1024",
    "10.65.0.6/32 dev cali1 proto 3 scope link metric 1024",
  ]);
});

Deno.test("RouteTable after a restart reads back correct routes and changes nothing", () => {
  const nl = fakeHost();
  nl.addLink("cali1");
  nl.addLink("vxlan.calico", { kind: "vxlan" });
  const program = (rt: RouteTable) => {
    rt.setRoutes("local-workload", "cali1", [wl("10.65.0.5/32")]);
    rt.setRoutes("blackhole", "", [bh("10.65.0.0/26")]);
    rt.setRoutes("vxlan-tunnel", "vxlan.calico", [viaVxlan("10.65.1.0/26", "10.65.1.0")]);
    return rt.apply();
  };
  program(table(nl));
  const before = mainRoutes(nl);
  nl.requests.length = 0;
  deepEqual(program(table(nl)), { replaced: 0, deleted: 0, graceDueAt: undefined });
  deepEqual(nl.requests, []);
  deepEqual(mainRoutes(nl), before);
});

Deno.test("RouteTable does not program through a missing or down interface, then does when it is up", () => {
  const nl = fakeHost();
  const rt = table(nl);
  rt.setRoutes("local-workload", "cali2", [wl("10.65.0.7/32")]);
  deepEqual(rt.apply(), { replaced: 0, deleted: 0, graceDueAt: undefined });
  nl.addLink("cali2", { up: false });
  rt.markForResync();
  equal(rt.apply().replaced, 0);
  nl.setLinkUp("cali2", true);
  rt.markForResync();
  equal(rt.apply().replaced, 1);
  deepEqual(mainRoutes(nl), ["10.65.0.7/32 dev cali2 proto 3 scope link metric 1024"]);
});

Deno.test("RouteTable picks the lowest route class for a CIDR and falls back when it goes", () => {
  const nl = fakeHost();
  const rt = table(nl);
  rt.setRoutes("blackhole", "", [bh("10.65.0.0/26")]);
  rt.setRoutes("no-encap", "eth0", [{
    type: "onlink",
    cidr: "10.65.0.0/26",
    gateway: "192.168.77.2",
    protocol: 80,
  }]);
  rt.apply();
  deepEqual(mainRoutes(nl), ["10.65.0.0/26 via 192.168.77.2 dev eth0 onlink proto 80"]);
  rt.setRoutes("no-encap", "eth0", []);
  deepEqual(rt.apply(), { replaced: 1, deleted: 0, graceDueAt: undefined });
  deepEqual(mainRoutes(nl), ["blackhole 10.65.0.0/26 proto 80"]);
});

Deno.test("RouteTable replaces our route with the same CIDR but another metric", () => {
  const nl = fakeHost();
  const cali = nl.addLink("cali1").index;
  nl.putRoute(kernelRoute({ dst: "10.65.0.5", dstLen: 32, oif: cali, scope: 253, priority: 512 }));
  const rt = table(nl, new ManualClock(), { gracePeriodMs: 0 });
  rt.setRoutes("local-workload", "cali1", [wl("10.65.0.5/32")]);
  deepEqual(rt.apply(), { replaced: 1, deleted: 1, graceDueAt: undefined });
  deepEqual(mainRoutes(nl), ["10.65.0.5/32 dev cali1 proto 3 scope link metric 1024"]);
});

Deno.test("RouteTable reports a refused change, makes the others, and retries it next apply", () => {
  const nl = fakeHost();
  nl.addLink("cali1");
  const rt = table(nl);
  nl.failNext({
    errno: 16,
    message: "Device or resource busy",
    match: (r) => r.obj.kind === "route" && r.obj.route.dst === "10.65.0.6",
  });
  rt.setRoutes("local-workload", "cali1", [wl("10.65.0.5/32"), wl("10.65.0.6/32")]);
  throws(() => rt.apply(), {
    name: "RouteTableError",
    message: "Cannot program 1 IPv4 route change(s) in table 254: Cannot replace route " +
      "10.65.0.6/32 (table 254): EBUSY: Device or resource busy; will retry",
  });
  equal(mainRoutes(nl).length, 1);
  ok(rt.dirty);
  deepEqual(rt.apply(), { replaced: 1, deleted: 0, graceDueAt: undefined });
  equal(mainRoutes(nl).length, 2);
});

Deno.test("RouteTable re-reads links after ENODEV and programs once the interface exists", () => {
  const nl = fakeHost();
  nl.addLink("cali1");
  const rt = table(nl);
  rt.apply();
  nl.removeLink("cali1");
  rt.setRoutes("local-workload", "cali1", [wl("10.65.0.5/32")]);
  throws(() => rt.apply(), /ENODEV/);
  equal(rt.apply().replaced, 0, "after the resync the interface is known to be missing");
  nl.addLink("cali1");
  rt.markForResync();
  equal(rt.apply().replaced, 1);
});
