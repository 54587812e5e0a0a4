/**
 * MTU rules, the IPIP device and WireGuard's routes and device settings, against the fake kernel;
 * the real-kernel cases run in a temporary namespace and are skipped, with the kernel's reason in
 * their name, where this kernel has no module for the link kind.
 */
import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { RtnlClient } from "../../../native/netlink.ts";
import { withNetns } from "../../../native/netlink_netns.ts";
import { FakeNetlink } from "../../../src/dataplane/routing/fake_netlink.ts";
import { IPIPManager } from "../../../src/dataplane/routing/ipip_manager.ts";
import {
  DEFAULT_HOST_MTU,
  detectHostMTU,
  mtuIfacePattern,
  podMTU,
} from "../../../src/dataplane/routing/mtu_renderer.ts";
import { RouteTable } from "../../../src/dataplane/routing/route_table.ts";
import {
  TunnelDeviceReconciler,
  type TunnelDeviceSpec,
  TunnelUnsupportedError,
} from "../../../src/dataplane/routing/tunnel_device.ts";
import {
  wireguardDeviceSpec,
  wireguardRoutes,
  wireguardRule,
  type WireguardSettings,
} from "../../../src/dataplane/routing/wireguard_renderer.ts";
import { RouteTypes as T } from "../../../src/proto/messages.ts";
import { configFor, routeUpdate, RULES } from "./route_fixtures.ts";
import { encapUpdate } from "../linux/proto_fixtures.ts";

const PATTERN = mtuIfacePattern("^((en|wl|ww|sl|ib)[Pcopsvx].*|(eth|wlan|wwan).*)");

/** Run `fn` with a netlink client in a fresh namespace `ns`, always deleted afterwards. */
function inFreshNetns<T>(ns: string, fn: (c: RtnlClient) => T): T {
  new Deno.Command("ip", { args: ["netns", "add", ns] }).outputSync();
  try {
    const c = withNetns(ns, () => RtnlClient.open());
    try {
      return fn(c);
    } finally {
      c.close();
    }
  } finally {
    new Deno.Command("ip", { args: ["netns", "del", ns] }).outputSync();
  }
}

interface KindSupport {
  readonly ok: boolean;
  readonly reason: string;
}

/** Whether this kernel can create links of `kind` (tried in a temporary namespace). */
function kernelSupports(kind: string): KindSupport {
  if (Deno.uid() !== 0) return { ok: false, reason: "not root" };
  return inFreshNetns(`kindprobe${Deno.pid}${kind}`, (c) => {
    try {
      c.exec({
        action: "add",
        obj: { kind: "link", link: { index: 0, flags: 0, name: "probe0", kind } },
      });
      return { ok: true, reason: "" };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  });
}

/**
 * `TunnelDeviceReconciler` creates `spec`'s device (`what`) in a fresh namespace `ns` with its
 * MTU; skipped, saying why, when the kernel cannot create links of the kind.
 */
function realDeviceTest(what: string, ns: string, support: KindSupport, spec: TunnelDeviceSpec) {
  Deno.test({
    name: `TunnelDeviceReconciler creates ${what} in a real namespace${
      support.ok
        ? ""
        : ` (skipped: this kernel cannot create ${spec.kind} links: ${support.reason})`
    }`,
    ignore: !support.ok,
    fn() {
      inFreshNetns(ns, (c) => {
        new TunnelDeviceReconciler({ netlink: c }).sync(spec);
        equal(c.listLinks().find((l) => l.name === spec.name)?.mtu, spec.mtu);
      });
    },
  });
}

const ipip = kernelSupports("ipip");
const wireguard = kernelSupports("wireguard");

Deno.test("detectHostMTU takes the smallest up matching link, else 1460", () => {
  const links = [
    { name: "eth0", mtu: 9000, up: true },
    { name: "eth1", mtu: 1500, up: true },
    { name: "ens3", mtu: 1400, up: false },
    { name: "cali1", mtu: 1000, up: true },
    { name: "lo", mtu: 65536, up: true },
  ];
  equal(detectHostMTU(links, PATTERN), 1500);
  equal(detectHostMTU([{ name: "cali1", mtu: 1000, up: true }], PATTERN), DEFAULT_HOST_MTU);
  equal(DEFAULT_HOST_MTU, 1460);
});

Deno.test("podMTU is the smallest enabled encapsulation's MTU, configured values winning", () => {
  equal(podMTU({ hostMTU: 1500 }), 1500);
  equal(podMTU({ hostMTU: 1500, vxlan: 0 }), 1450);
  equal(podMTU({ hostMTU: 1500, vxlan: 0, ipip: 0 }), 1450);
  equal(podMTU({ hostMTU: 1500, vxlan: 0, wireguard: 0 }), 1440);
  equal(podMTU({ hostMTU: 1500, vxlan: 1300, ipip: 0 }), 1300);
  equal(podMTU({ hostMTU: 9000, vxlanV6: 0 }), 8930);
});

Deno.test("TunnelDeviceReconciler makes tunl0 with its address and MTU on a kernel with ipip", () => {
  const nl = new FakeNetlink({ supportedKinds: ["ipip"] });
  const r = new TunnelDeviceReconciler({ netlink: nl });
  const spec = { name: "tunl0", kind: "ipip", family: 4 as const, mtu: 1480, address: "10.70.0.1" };
  deepEqual(r.sync(spec), ["created", "mtu", "addresses", "up"]);
  deepEqual(r.sync(spec), []);
  const t = nl.linkByName("tunl0")!;
  deepEqual([t.kind, t.mtu, t.flags & 1], ["ipip", 1480, 1]);
  deepEqual(nl.addrs().map((a) => `${a.local}/${a.prefixLen}`), ["10.70.0.1/32"]);
});

Deno.test("TunnelDeviceReconciler says plainly when the kernel lacks the link kind", () => {
  const r = new TunnelDeviceReconciler({ netlink: new FakeNetlink() });
  throws(() => r.sync({ name: "tunl0", kind: "ipip", family: 4, mtu: 1480, address: "" }), {
    name: "TunnelUnsupportedError",
    message: 'Cannot create ipip device "tunl0": the kernel does not support "ipip" links ' +
      "(load its module, or turn the encapsulation off)",
  });
});

Deno.test("IPIPManager programs tunl0 only when IPIP is on", async () => {
  const nl = new FakeNetlink({ supportedKinds: ["ipip"] });
  nl.addLink("eth0", { mtu: 1500 });
  const m = new IPIPManager({ netlink: nl, config: configFor({ IpInIpTunnelAddr: "10.70.0.1" }) });
  await m.completeDeferredWork();
  equal(nl.linkByName("tunl0"), undefined);
  m.onUpdate(encapUpdate({ ipipEnabled: true }));
  await m.completeDeferredWork();
  deepEqual(m.lastChanges, ["created", "mtu", "addresses", "up"]);
  equal(nl.linkByName("tunl0")?.mtu, 1480);
  const broken = new IPIPManager({
    netlink: new FakeNetlink(),
    config: configFor({ IpInIpEnabled: "true" }),
  });
  await rejects(() => broken.completeDeferredWork(), TunnelUnsupportedError);
});

realDeviceTest("tunl0", `ipiptest${Deno.pid}`, ipip, {
  name: "tunl0",
  kind: "ipip",
  family: 4,
  mtu: 1480,
  address: "10.70.0.1",
});

const WG: WireguardSettings = {
  family: 4,
  hostname: "node-a",
  device: "wireguard.cali",
  listenPort: 51820,
  mtu: 0,
  hostMTU: 1500,
  hostEncryption: false,
  table: 1,
  rulePriority: 99,
  firewallMark: 0x100000,
};

Deno.test("wireguardDeviceSpec and wireguardRule follow the configuration", () => {
  deepEqual(wireguardDeviceSpec(WG), {
    name: "wireguard.cali",
    kind: "wireguard",
    family: 4,
    mtu: 1440,
    listenPort: 51820,
    firewallMark: 0x100000,
  });
  equal(wireguardDeviceSpec({ ...WG, family: 6, device: "wg-v6.cali" }).mtu, 1420);
  deepEqual(wireguardRule(WG), {
    priority: 99,
    table: 1,
    mark: 0x100000,
    mask: 0x100000,
    invert: true,
  });
});

Deno.test("wireguardRoutes sends peers' blocks through the device and throws the rest", () => {
  const routes = [
    routeUpdate("10.65.1.0/26", T.REMOTE_WORKLOAD, "node-b", "192.168.77.2"),
    routeUpdate("10.65.2.0/26", T.REMOTE_WORKLOAD, "node-c", "192.168.77.3"),
    routeUpdate("10.65.0.0/26", T.LOCAL_WORKLOAD, "node-a", "192.168.77.1"),
    routeUpdate("192.168.77.2/32", T.REMOTE_HOST, "node-b", "192.168.77.2", { ipPoolType: "none" }),
  ];
  const summary = (hostEncryption: boolean) =>
    wireguardRoutes(routes, new Set(["node-b"]), { ...WG, hostEncryption }).map((c) =>
      `${c.iface || "-"}: ${c.targets.map((t) => `${t.type} ${t.cidr}`).join(", ")}`
    );
  deepEqual(summary(false), [
    "wireguard.cali: link 10.65.1.0/26",
    "-: throw 10.65.2.0/26, throw 10.65.0.0/26, throw 192.168.77.2/32",
  ]);
  deepEqual(summary(true), [
    "wireguard.cali: link 10.65.1.0/26, link 192.168.77.2/32",
    "-: throw 10.65.2.0/26, throw 10.65.0.0/26",
  ]);
});

Deno.test("WireGuard routes land in their own table through a RouteTable on the fake kernel", () => {
  const nl = new FakeNetlink({ supportedKinds: ["wireguard"] });
  nl.addLink("wireguard.cali", { kind: "wireguard" });
  const rt = new RouteTable({ netlink: nl, family: 4, table: 1, ownership: RULES });
  const routes = [
    routeUpdate("10.65.1.0/26", T.REMOTE_WORKLOAD, "node-b", "192.168.77.2"),
    routeUpdate("10.65.2.0/26", T.REMOTE_WORKLOAD, "node-c", "192.168.77.3"),
  ];
  for (const c of wireguardRoutes(routes, new Set(["node-b"]), WG)) {
    rt.setRoutes(c.cls, c.iface, c.targets);
  }
  rt.apply();
  deepEqual(
    nl.routes().map((r) => [r.table, r.type, `${r.dst}/${r.dstLen}`, r.oif ?? 0, r.protocol]),
    [
      [1, 1, "10.65.1.0/26", nl.linkByName("wireguard.cali")!.index, 80],
      [1, 9, "10.65.2.0/26", 0, 80],
    ],
  );
});

realDeviceTest("a WireGuard device", `wgtest${Deno.pid}`, wireguard, {
  name: "wireguard.cali",
  kind: "wireguard",
  family: 4,
  mtu: 1440,
  address: "",
});
