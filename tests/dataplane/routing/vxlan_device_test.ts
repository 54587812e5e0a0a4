/** `VxlanDeviceReconciler` and `VtepNeighbourTable` against the fake kernel. */
import { deepEqual, equal, throws } from "node:assert/strict";
import { vxlanDeviceSpec } from "../../../src/dataplane/routing/tunnel_renderer.ts";
import {
  VxlanDeviceReconciler,
  vxlanMismatch,
} from "../../../src/dataplane/routing/vxlan_device.ts";
import { VtepNeighbourTable } from "../../../src/dataplane/routing/vxlan_fdb.ts";
import { fakeHost, vtep } from "./route_fixtures.ts";

const OWN = vtep("node-a", "10.65.0.0", "192.168.77.1", "66:00:00:00:00:0a");

function spec(parentIndex: number, over: Record<string, unknown> = {}) {
  return {
    ...vxlanDeviceSpec(OWN, 4, parentIndex, { vni: 4096, port: 4789, mtu: 1450 })!,
    ...over,
  };
}

Deno.test("vxlanDeviceSpec takes MAC, tunnel and local address from this node's VTEP", () => {
  deepEqual(vxlanDeviceSpec(OWN, 4, 2, { vni: 4096, port: 4789, mtu: 1450 }), {
    family: 4,
    name: "vxlan.calico",
    vni: 4096,
    port: 4789,
    mac: "66:00:00:00:00:0a",
    mtu: 1450,
    address: "10.65.0.0",
    localIP: "192.168.77.1",
    parentIndex: 2,
  });
  equal(vxlanDeviceSpec(OWN, 6, 2, { vni: 4096, port: 4789, mtu: 1430 }), undefined);
});

Deno.test("VxlanDeviceReconciler creates the device with address, MTU and up, then changes nothing", () => {
  const nl = fakeHost();
  const parent = nl.linkByName("eth0")!.index;
  const r = new VxlanDeviceReconciler({ netlink: nl });
  deepEqual(r.sync(spec(parent)).changes, ["created", "addresses", "up"]);
  const dev = nl.linkByName("vxlan.calico")!;
  deepEqual(dev.vxlan, {
    vni: 4096,
    parentIndex: parent,
    local: "192.168.77.1",
    port: 4789,
    learning: false,
  });
  equal(dev.mac, "66:00:00:00:00:0a");
  equal(dev.mtu, 1450);
  equal(dev.flags & 1, 1);
  deepEqual(
    nl.addrs().filter((a) => a.index === dev.index).map((a) => `${a.local}/${a.prefixLen}`),
    [
      "10.65.0.0/32",
    ],
  );
  nl.requests.length = 0;
  deepEqual(r.sync(spec(parent)).changes, []);
  deepEqual(nl.requests, []);
});

Deno.test("VxlanDeviceReconciler recreates a device whose VNI differs, and fixes MTU in place", () => {
  const nl = fakeHost();
  const parent = nl.linkByName("eth0")!.index;
  const r = new VxlanDeviceReconciler({ netlink: nl });
  r.sync(spec(parent, { vni: 1 }));
  deepEqual(r.sync(spec(parent)).changes, ["recreated (VNI is 1, want 4096)", "addresses", "up"]);
  equal(nl.linkByName("vxlan.calico")!.vxlan?.vni, 4096);
  deepEqual(r.sync(spec(parent, { mtu: 1400 })).changes, ["mtu"]);
  equal(nl.linkByName("vxlan.calico")!.mtu, 1400);
});

Deno.test("VxlanDeviceReconciler removes stray addresses and keeps only the tunnel address", () => {
  const nl = fakeHost();
  const parent = nl.linkByName("eth0")!.index;
  const r = new VxlanDeviceReconciler({ netlink: nl });
  const { index } = r.sync(spec(parent));
  nl.putAddr({ family: 2, prefixLen: 24, index, local: "10.9.9.9", address: "10.9.9.9" });
  deepEqual(r.sync(spec(parent)).changes, ["addresses"]);
  deepEqual(nl.addrs().filter((a) => a.index === index).map((a) => a.local), ["10.65.0.0"]);
});

Deno.test("vxlanMismatch names what cannot be changed in place", () => {
  const base = { index: 5, flags: 0, name: "vxlan.calico", mac: "66:00:00:00:00:0a" };
  const vx = { vni: 4096, parentIndex: 2, local: "192.168.77.1", port: 4789 };
  equal(vxlanMismatch({ ...base, kind: "vxlan", vxlan: vx }, spec(2)), undefined);
  equal(vxlanMismatch({ ...base, kind: "dummy" }, spec(2)), 'kind is "dummy"');
  equal(
    vxlanMismatch({ ...base, kind: "vxlan", vxlan: { ...vx, port: 8472 } }, spec(2)),
    "port is 8472, want 4789",
  );
  equal(
    vxlanMismatch({ ...base, kind: "vxlan", vxlan: vx }, spec(3)),
    "parent is link #2, want #3",
  );
  equal(
    vxlanMismatch({ ...base, mac: "66:00:00:00:00:0b", kind: "vxlan", vxlan: vx }, spec(2)),
    "MAC is 66:00:00:00:00:0b, want 66:00:00:00:00:0a",
  );
});

Deno.test("VtepNeighbourTable writes ARP and FDB entries and removes a departed VTEP's only", () => {
  const nl = fakeHost();
  const dev = nl.addLink("vxlan.calico", { kind: "vxlan" }).index;
  const t = new VtepNeighbourTable({ netlink: nl, family: 4 });
  const b = {
    node: "node-b",
    mac: "66:00:00:00:00:0b",
    tunnelIP: "10.65.1.0",
    nodeIP: "192.168.77.2",
  };
  const c = {
    node: "node-c",
    mac: "66:00:00:00:00:0c",
    tunnelIP: "10.65.2.0",
    nodeIP: "192.168.77.3",
  };
  t.setVteps([b, c]);
  deepEqual(t.apply(dev), { written: 4, deleted: 0 });
  const entries = () =>
    nl.neighs().map((n) => `${n.family === 7 ? "fdb" : "arp"} ${n.dst} ${n.lladdr} ${n.state}`)
      .sort();
  deepEqual(entries(), [
    "arp 10.65.1.0 66:00:00:00:00:0b 128",
    "arp 10.65.2.0 66:00:00:00:00:0c 128",
    "fdb 192.168.77.2 66:00:00:00:00:0b 128",
    "fdb 192.168.77.3 66:00:00:00:00:0c 128",
  ]);
  t.setVteps([b]);
  deepEqual(t.apply(dev), { written: 0, deleted: 2 });
  deepEqual(entries(), [
    "arp 10.65.1.0 66:00:00:00:00:0b 128",
    "fdb 192.168.77.2 66:00:00:00:00:0b 128",
  ]);
});

Deno.test("VtepNeighbourTable resync removes stale permanent entries a previous run left", () => {
  const nl = fakeHost();
  const dev = nl.addLink("vxlan.calico", { kind: "vxlan" }).index;
  nl.exec({
    action: "replace",
    obj: {
      kind: "neigh",
      neigh: {
        family: 2,
        index: dev,
        state: 128,
        flags: 0,
        dst: "10.65.9.0",
        lladdr: "66:00:00:00:00:09",
      },
    },
  });
  nl.exec({
    action: "replace",
    obj: {
      kind: "neigh",
      neigh: {
        family: 7,
        index: dev,
        state: 128,
        flags: 2,
        dst: "192.168.77.9",
        lladdr: "66:00:00:00:00:09",
      },
    },
  });
  const t = new VtepNeighbourTable({ netlink: nl, family: 4 });
  t.setVteps([]);
  deepEqual(t.apply(dev), { written: 0, deleted: 2 });
  deepEqual(nl.neighs(), []);
});

Deno.test("VtepNeighbourTable restores an entry deleted behind its back only after a resync", () => {
  const nl = fakeHost();
  const dev = nl.addLink("vxlan.calico", { kind: "vxlan" }).index;
  const t = new VtepNeighbourTable({ netlink: nl, family: 4 });
  t.setVteps([{
    node: "node-b",
    mac: "66:00:00:00:00:0b",
    tunnelIP: "10.65.1.0",
    nodeIP: "192.168.77.2",
  }]);
  t.apply(dev);
  const arp = nl.neighs().find((n) => n.family === 2)!;
  nl.exec({ action: "delete", obj: { kind: "neigh", neigh: arp } });
  deepEqual(t.apply(dev), { written: 0, deleted: 0 });
  t.markForResync();
  deepEqual(t.apply(dev), { written: 1, deleted: 0 });
  equal(nl.neighs().length, 2);
  nl.failNext({ errno: 1, message: "Operation not permitted" });
  t.setVteps([]);
  throws(() => t.apply(dev), /EPERM: Operation not permitted/);
});
