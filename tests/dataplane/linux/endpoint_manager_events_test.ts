import { deepEqual, equal } from "node:assert/strict";
import { EndpointManager } from "../../../src/dataplane/linux/endpoint_manager.ts";
import type { IfaceListener, LinkChange } from "../../../src/dataplane/linux/iface_monitor.ts";
import { InternalDataplane } from "../../../src/dataplane/linux/internal_dataplane.ts";
import { StaticAddresses } from "../../../src/dataplane/linux/interface_addrs.ts";
import { RenderState } from "../../../src/dataplane/linux/render_state.ts";
import { MemorySysctl } from "../../../src/dataplane/linux/sysctl.ts";
import { rulesConfigFrom } from "../../../src/dataplane/rules/render_input.ts";
import { Config } from "../../../src/config/mod.ts";
import { MemoryLog } from "../../../src/lib/log.ts";
import { hep, IN_SYNC, wep, wepUpdate } from "./proto_fixtures.ts";

const CONFIG = rulesConfigFrom(new Config({ hostname: "node-1" }).values);

/** An interface monitor's subscription, driven by the test. */
class FakeIfaceEvents {
  readonly listeners = new Set<IfaceListener>();

  subscribe(listener: IfaceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  link(name: string, change: LinkChange, up = change !== "down"): void {
    const iface = { name, index: 7, up, mtu: 1500, addrs: new Set<string>() };
    for (const l of this.listeners) l.onLinkChange?.(iface, change);
  }

  addrs(name: string, addrs: string[]): void {
    for (const l of this.listeners) l.onAddrsChange?.(name, new Set(addrs));
  }

  resync(): void {
    for (const l of this.listeners) l.onResync?.();
  }
}

function setup(addresses?: StaticAddresses) {
  const state = new RenderState(CONFIG);
  const sysctl = new MemorySysctl();
  const events = new FakeIfaceEvents();
  const kicks: string[] = [];
  const m = new EndpointManager({
    state,
    sysctl,
    ipv6Enabled: false,
    log: new MemoryLog(),
    ifaces: events,
    requestApply: () => kicks.push("kick"),
    ...(addresses === undefined ? {} : { addresses }),
  });
  return { state, sysctl, events, kicks, m };
}

Deno.test("EndpointManager asks for an apply when a missing workload interface is added", async () => {
  const { sysctl, events, kicks, m } = setup();
  m.onUpdate(wepUpdate("a", wep("cali2", ["10.0.0.2/32"])));
  await m.completeDeferredWork();
  equal(m.hasPendingWork(), true);
  events.link("eth9", "added");
  events.link("cali2", "down");
  equal(kicks.length, 0, "other interfaces and other changes ask nothing");
  sysctl.addInterface("cali2");
  events.link("cali2", "added");
  equal(kicks.length, 1);
  equal(sysctl.writes.length, 0, "the event itself does no I/O");
  await m.completeDeferredWork();
  equal(sysctl.writes.length, 5);
  equal(m.hasPendingWork(), false);
  events.link("cali2", "up");
  equal(kicks.length, 1, "up after its sysctls were written asks nothing");
});

Deno.test("EndpointManager writes the sysctls again when a workload interface is re-created", async () => {
  const { sysctl, events, kicks, m } = setup();
  sysctl.addInterface("cali1");
  m.onUpdate(wepUpdate("a", wep("cali1", [])));
  await m.completeDeferredWork();
  equal(sysctl.writes.length, 5);
  events.link("cali1", "removed");
  events.link("cali1", "added");
  deepEqual(kicks, ["kick"]);
  await m.completeDeferredWork();
  equal(sysctl.writes.length, 10);
});

Deno.test("EndpointManager re-resolves address-only host endpoints when addresses change", async () => {
  const addrs = new StaticAddresses([{ name: "eth0", addrs: ["192.168.1.5"] }]);
  const { state, events, kicks, m } = setup(addrs);
  events.addrs("eth0", ["192.168.1.5"]);
  equal(kicks.length, 0, "no host endpoint needs addresses yet");
  m.onUpdate({ type: "HostEndpointUpdate", id: "by-ip", endpoint: hep("", ["10.1.0.5"]) });
  await m.completeDeferredWork();
  deepEqual([...state.snapshot().hostEndpoints.keys()], []);
  addrs.interfaces = [{ name: "eth1", addrs: ["10.1.0.5"] }];
  events.addrs("eth1", ["10.1.0.5"]);
  equal(kicks.length, 1);
  await m.completeDeferredWork();
  deepEqual(
    [...state.snapshot().hostEndpoints].map(([k, v]) => [k, v.interfaceName]),
    [["by-ip", "eth1"]],
  );
});

Deno.test("EndpointManager rewrites every workload interface after the monitor's resync", async () => {
  const { sysctl, events, kicks, m } = setup();
  sysctl.addInterface("cali1");
  m.onUpdate(wepUpdate("a", wep("cali1", [])));
  await m.completeDeferredWork();
  events.resync();
  equal(kicks.length, 1);
  await m.completeDeferredWork();
  equal(sysctl.writes.length, 10);
  await m.close();
  events.link("cali1", "added");
  equal(kicks.length, 1, "closed: unsubscribed");
});

Deno.test("EndpointManager in the loop programs a late interface without waiting for the poll", async () => {
  const state = new RenderState(CONFIG);
  const sysctl = new MemorySysctl();
  const events = new FakeIfaceEvents();
  const m = new EndpointManager({ state, sysctl, ipv6Enabled: false, ifaces: events });
  const dp = new InternalDataplane({
    managers: [m],
    applyIntervalMs: 0,
    resyncIntervalMs: 0,
    pendingRetryMs: 60_000,
  });
  try {
    dp.onMessages([wepUpdate("a", wep("cali3", [])), IN_SYNC]);
    await dp.settled();
    equal(sysctl.writes.length, 0);
    sysctl.addInterface("cali3");
    events.link("cali3", "added");
    await dp.settled();
    equal(sysctl.writes.length, 5);
  } finally {
    await dp.close();
  }
});
