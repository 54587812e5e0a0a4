import { deepEqual, equal, rejects } from "node:assert/strict";
import { EndpointManager } from "../../../src/dataplane/linux/endpoint_manager.ts";
import { resolveHostEndpoints } from "../../../src/dataplane/linux/hep_resolver.ts";
import { StaticAddresses } from "../../../src/dataplane/linux/interface_addrs.ts";
import { RenderState } from "../../../src/dataplane/linux/render_state.ts";
import { MemorySysctl } from "../../../src/dataplane/linux/sysctl.ts";
import { workloadSysctls } from "../../../src/dataplane/linux/workload_sysctls.ts";
import { rulesConfigFrom } from "../../../src/dataplane/rules/render_input.ts";
import { Config } from "../../../src/config/mod.ts";
import { MemoryLog } from "../../../src/lib/log.ts";
import { hep, wep, wepRemove, wepUpdate } from "./proto_fixtures.ts";

const CONFIG = rulesConfigFrom(new Config({ hostname: "node-1" }).values);

function setup(ipv6Enabled = true, addresses?: StaticAddresses) {
  const state = new RenderState(CONFIG);
  const sysctl = new MemorySysctl();
  const log = new MemoryLog();
  const m = new EndpointManager({
    state,
    sysctl,
    ipv6Enabled,
    log,
    ...(addresses === undefined ? {} : { addresses }),
  });
  return { state, sysctl, log, m };
}

Deno.test("workloadSysctls lists upstream's per-interface sysctls in order", () => {
  deepEqual(workloadSysctls("cali1", { hasIPv6: true, allowSpoofing: false }, true), [
    ["/proc/sys/net/ipv4/conf/cali1/rp_filter", "1"],
    ["/proc/sys/net/ipv4/conf/cali1/route_localnet", "1"],
    ["/proc/sys/net/ipv4/conf/cali1/proxy_arp", "1"],
    ["/proc/sys/net/ipv4/neigh/cali1/proxy_delay", "0"],
    ["/proc/sys/net/ipv4/conf/cali1/forwarding", "1"],
    ["/proc/sys/net/ipv6/conf/cali1/accept_ra", "0"],
    ["/proc/sys/net/ipv6/conf/cali1/proxy_ndp", "1"],
    ["/proc/sys/net/ipv6/conf/cali1/forwarding", "1"],
  ]);
  deepEqual(workloadSysctls("eth0.100", { hasIPv6: false, allowSpoofing: true }, false), [
    ["/proc/sys/net/ipv4/conf/eth0/100/rp_filter", "0"],
    ["/proc/sys/net/ipv4/conf/eth0/100/route_localnet", "1"],
    ["/proc/sys/net/ipv4/conf/eth0/100/proxy_arp", "1"],
    ["/proc/sys/net/ipv4/neigh/eth0/100/proxy_delay", "0"],
    ["/proc/sys/net/ipv4/conf/eth0/100/forwarding", "1"],
  ]);
});

Deno.test("EndpointManager records a workload endpoint and sets its interface's sysctls", async () => {
  const { state, sysctl, m } = setup();
  sysctl.addInterface("cali1");
  m.onUpdate(wepUpdate("a", wep("cali1", ["10.0.0.1/32"])));
  equal(sysctl.writes.length, 0, "onUpdate does no I/O");
  deepEqual([...state.snapshot().workloadEndpoints.keys()], ["k8s/a/eth0"]);
  await m.completeDeferredWork();
  deepEqual(sysctl.writes, [
    "/proc/sys/net/ipv4/conf/cali1/rp_filter=1",
    "/proc/sys/net/ipv4/conf/cali1/route_localnet=1",
    "/proc/sys/net/ipv4/conf/cali1/proxy_arp=1",
    "/proc/sys/net/ipv4/neigh/cali1/proxy_delay=0",
    "/proc/sys/net/ipv4/conf/cali1/forwarding=1",
    "/proc/sys/net/ipv6/conf/cali1/accept_ra=0",
  ]);
  equal(m.hasPendingWork(), false);
  await m.completeDeferredWork();
  equal(sysctl.writes.length, 6, "nothing is written twice");
});

Deno.test("EndpointManager retries the sysctls of an interface that appears later", async () => {
  const { sysctl, log, m } = setup(false);
  m.onUpdate(wepUpdate("a", wep("cali2", ["10.0.0.2/32"])));
  await m.completeDeferredWork();
  deepEqual(sysctl.writes, []);
  equal(m.hasPendingWork(), true);
  deepEqual(log.records.map((r) => [r.message, r.fields.iface]), [
    ["Workload interface does not exist yet; will set its sysctls later", "cali2"],
  ]);
  await m.completeDeferredWork();
  equal(log.records.length, 1, "logged once while it stays missing");
  sysctl.addInterface("cali2");
  await m.completeDeferredWork();
  equal(sysctl.writes.length, 5);
  equal(m.hasPendingWork(), false);
});

Deno.test("EndpointManager forgets a removed endpoint's interface and re-writes on resync", async () => {
  const { sysctl, m } = setup(false);
  sysctl.addInterface("cali1");
  m.onUpdate(wepUpdate("a", wep("cali1", [])));
  m.onUpdate(wepUpdate("b", wep("cali3", [])));
  m.onUpdate(wepRemove("b"));
  await m.completeDeferredWork();
  equal(m.hasPendingWork(), false, "cali3 is no longer wanted");
  m.markForResync();
  await m.completeDeferredWork();
  equal(sysctl.writes.length, 10);
});

Deno.test("EndpointManager writes IPv6 sysctls only where the kernel has IPv6", async () => {
  const { sysctl, m } = setup(true);
  sysctl.disableIPv6();
  sysctl.addInterface("cali1");
  m.onUpdate(wepUpdate("a", wep("cali1", ["10.0.0.1/32"], ["fd00::1/128"])));
  await m.completeDeferredWork();
  equal(sysctl.writes.length, 5);
  equal(m.hasPendingWork(), false);
});

Deno.test("EndpointManager fails the apply on a sysctl error other than a missing interface", async () => {
  const { sysctl, m } = setup(false);
  sysctl.addInterface("cali1");
  m.onUpdate(wepUpdate("a", wep("cali1", [])));
  sysctl.failNext(new Deno.errors.PermissionDenied("Permission denied"));
  await rejects(m.completeDeferredWork(), Deno.errors.PermissionDenied);
  await m.completeDeferredWork();
  equal(sysctl.writes.length, 5);
});

Deno.test("EndpointManager resolves host endpoints by name at once and by address after a dump", async () => {
  const addrs = new StaticAddresses([
    { name: "eth0", addrs: ["192.168.1.5", "fe80::1"] },
    { name: "eth1", addrs: ["10.1.0.5"] },
  ]);
  const { state, m } = setup(false, addrs);
  m.onUpdate({ type: "HostEndpointUpdate", id: "named", endpoint: hep("eth1") });
  m.onUpdate({ type: "HostEndpointUpdate", id: "by-ip", endpoint: hep("", ["192.168.1.5"]) });
  deepEqual(
    [...state.snapshot().hostEndpoints].map(([k, v]) => [k, v.interfaceName]),
    [["named", "eth1"]],
  );
  await m.completeDeferredWork();
  deepEqual(
    [...state.snapshot().hostEndpoints].map(([k, v]) => [k, v.interfaceName]),
    [["by-ip", "eth0"], ["named", "eth1"]],
  );
  equal(addrs.calls, 1);
  await m.completeDeferredWork();
  equal(addrs.calls, 1, "addresses are dumped again only on resync");
  m.onUpdate({ type: "HostEndpointRemove", id: "by-ip" });
  deepEqual([...state.snapshot().hostEndpoints.keys()], ["named"]);
});

Deno.test("resolveHostEndpoints gives each interface one endpoint: named first, then lowest id", () => {
  const heps = new Map([
    ["b", hep("", ["10.0.0.1"])],
    ["a", hep("", ["10.0.0.1", "10.0.0.2"])],
    ["z", hep("eth0")],
    ["all", hep("*")],
  ]);
  const ifaces = [
    { name: "eth1", addrs: ["10.0.0.2"] },
    { name: "eth0", addrs: ["10.0.0.1"] },
  ];
  deepEqual(
    [...resolveHostEndpoints(heps, ifaces)].map(([k, v]) => [k, v.interfaceName]),
    [["all", "*"], ["z", "eth0"], ["a", "eth1"]],
  );
  const multi = resolveHostEndpoints(new Map([["m", hep("", ["10.0.0.1", "10.0.0.2"])]]), ifaces);
  deepEqual([...multi].map(([k, v]) => [k, v.interfaceName]), [["m", "eth0"], ["m/eth1", "eth1"]]);
});
