/** `IfaceMonitor`: state from dumps and events, what listeners hear. */
import { deepEqual, equal } from "node:assert/strict";
import { IfaceMonitor } from "../../../src/dataplane/linux/iface_monitor.ts";
import { NetlinkAddresses } from "../../../src/dataplane/linux/iface_addresses.ts";
import { fakeHost } from "./route_fixtures.ts";

function recorder(m: IfaceMonitor): string[] {
  const seen: string[] = [];
  m.subscribe({
    onLinkChange: (i, change) => seen.push(`${change} ${i.name} #${i.index}`),
    onAddrsChange: (name, addrs) => seen.push(`addrs ${name} ${[...addrs].sort().join(",")}`),
    onResync: () => seen.push("resync"),
  });
  return seen;
}

Deno.test("IfaceMonitor.start reads links and addresses and reports them", () => {
  const nl = fakeHost();
  const m = new IfaceMonitor({ netlink: nl });
  const seen = recorder(m);
  m.start();
  deepEqual(seen, ["added lo #1", "added eth0 #2", "addrs eth0 192.168.77.1", "resync"]);
  equal(m.ifaceWithAddr("192.168.77.1"), "eth0");
  deepEqual(m.get("eth0"), {
    name: "eth0",
    index: 2,
    up: true,
    mtu: 1500,
    addrs: new Set(["192.168.77.1"]),
  });
});

Deno.test("IfaceMonitor.handle reports up, down, renamed, removed links and address changes", () => {
  const nl = fakeHost();
  const m = new IfaceMonitor({ netlink: nl });
  m.start();
  const seen = recorder(m);
  const cali = nl.addLink("cali1", { up: false });
  m.handle([{ kind: "link", op: "new", link: cali }]);
  m.handle([{ kind: "link", op: "new", link: { ...cali, flags: 0x41 } }]);
  m.handle([{ kind: "link", op: "new", link: { ...cali, flags: 0x41 } }]);
  m.handle([{ kind: "link", op: "new", link: { ...cali, flags: 0x1 } }]);
  m.handle([{
    kind: "addr",
    op: "new",
    addr: { family: 2, prefixLen: 32, index: cali.index, local: "10.0.0.1" },
  }]);
  m.handle([{
    kind: "addr",
    op: "del",
    addr: { family: 2, prefixLen: 32, index: cali.index, local: "10.0.0.1" },
  }]);
  m.handle([{ kind: "link", op: "new", link: { ...cali, name: "cali9", flags: 0x41 } }]);
  m.handle([{ kind: "link", op: "del", link: { ...cali, name: "cali9" } }]);
  deepEqual(seen, [
    "added cali1 #3",
    "up cali1 #3",
    "down cali1 #3",
    "addrs cali1 10.0.0.1",
    "addrs cali1 ",
    "removed cali1 #3",
    "added cali9 #3",
    "removed cali9 #3",
  ]);
  equal(m.get("cali9"), undefined);
});

Deno.test("IfaceMonitor.refresh reports what changed while events were lost", () => {
  const nl = fakeHost();
  const m = new IfaceMonitor({ netlink: nl });
  m.start();
  const seen = recorder(m);
  nl.removeLink("eth0");
  nl.addLink("cali7");
  m.refresh();
  deepEqual(seen, ["added cali7 #3", "removed eth0 #2", "resync"]);
});

Deno.test("IfaceMonitor unsubscribe stops delivery and a throwing listener does not stop others", () => {
  const nl = fakeHost();
  const m = new IfaceMonitor({ netlink: nl });
  const seen: string[] = [];
  m.subscribe({
    onLinkChange: () => {
      throw new Error("boom");
    },
  });
  const off = m.subscribe({ onLinkChange: (i) => seen.push(i.name) });
  m.start();
  off();
  m.handle([{ kind: "link", op: "new", link: nl.addLink("cali3") }]);
  deepEqual(seen, ["lo", "eth0"]);
});

Deno.test("NetlinkAddresses lists interfaces with their addresses from dumps or a monitor", async () => {
  const nl = fakeHost();
  const cali = nl.addLink("cali1");
  nl.putAddr({ family: 10, prefixLen: 64, index: cali.index, local: "fe80::ecee:eeff:feee:eeee" });
  const want = [
    { name: "lo", addrs: [] },
    { name: "eth0", addrs: ["192.168.77.1"] },
    { name: "cali1", addrs: ["fe80::ecee:eeff:feee:eeee"] },
  ];
  deepEqual(await new NetlinkAddresses({ netlink: nl }).list(), want);
  const m = new IfaceMonitor({ netlink: nl });
  m.start();
  const dumps = nl.dumps.addr;
  deepEqual(await new NetlinkAddresses({ monitor: m }).list(), want);
  equal(nl.dumps.addr, dumps, "the monitor's state needs no dump");
});
