/**
 * The FFI side of rtnetlink against the kernel, each test in its own temporary network namespace:
 * request/ACK, dumps, extended-ACK errors, pipelined batches, and the multicast monitor (events
 * arrive without blocking the event loop; `close()` ends it).
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { RtnlClient } from "../../native/netlink.ts";
import type { RtnlMessage, RtnlRequest } from "../../native/netlink_codec.ts";
import { AF, IFF, RT_SCOPE, RTNLGRP } from "../../native/netlink_consts.ts";
import { NetlinkMonitor } from "../../native/netlink_monitor.ts";
import { withNetns } from "../../native/netlink_netns.ts";
import { addLink, replaceRoute, setUp } from "./rtnl_requests.ts";

const isRoot = Deno.uid() === 0;
let counter = 0;

function ip(args: string[]): string {
  const out = new Deno.Command("ip", { args, stdout: "piped", stderr: "piped" }).outputSync();
  if (!out.success) {
    throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** A fresh namespace with a client in it; always deleted. */
async function inNetns(fn: (ns: string, c: RtnlClient) => Promise<void> | void): Promise<void> {
  const ns = `nltest${Deno.pid}x${counter++}`;
  ip(["netns", "add", ns]);
  const c = withNetns(ns, () => RtnlClient.open());
  try {
    await fn(ns, c);
  } finally {
    c.close();
    ip(["netns", "del", ns]);
  }
}

/** A veth pair, both ends up. */
function dummyVeth(c: RtnlClient, name: string, peer: string): void {
  c.exec(addLink({ name, kind: "veth", vethPeer: { name: peer } }));
  for (const l of c.listLinks().filter((l) => l.name === name || l.name === peer)) {
    c.exec(setUp(l.index));
  }
}

function route(dst: string, oif: number): RtnlRequest {
  return replaceRoute({ protocol: 80, scope: RT_SCOPE.LINK, dst, oif });
}

/** The index of link `name`. */
function indexOf(c: RtnlClient, name: string): number {
  return c.listLinks().find((l) => l.name === name)!.index;
}

/** A root-only test run in a fresh namespace with a client in it. */
function netnsTest(name: string, fn: (ns: string, c: RtnlClient) => Promise<void> | void): void {
  Deno.test({ name, ignore: !isRoot, fn: () => inNetns(fn) });
}

netnsTest("RtnlClient creates a veth pair, sets it up and reads both back with a dump", (ns, c) => {
  dummyVeth(c, "eth0", "cali1");
  const after = c.listLinks().find((l) => l.name === "eth0")!;
  equal(after.kind, "veth");
  equal(after.flags & IFF.UP, IFF.UP);
  ok(ip(["-n", ns, "link", "show", "eth0"]).includes(",UP"));
});

netnsTest(
  "RtnlClient surfaces the kernel's extended-ACK text and errno in NetlinkError",
  (_ns, c) => {
    throws(
      () => c.exec(addLink({ name: "x0", kind: "nosuchkind" })),
      { name: "NetlinkError", message: 'Cannot add link "x0": EOPNOTSUPP: Unknown device type' },
    );
    dummyVeth(c, "eth0", "cali1");
    throws(
      () => dummyVeth(c, "eth0", "cali2"),
      (e: unknown) => (e as { errno: number }).errno === 17,
    );
  },
);

netnsTest(
  "RtnlClient.execBatch applies every request and reports only the refused one",
  (ns, c) => {
    dummyVeth(c, "eth0", "cali1");
    const oif = indexOf(c, "eth0");
    const reqs = [route("10.1.0.1", oif), route("10.1.0.2", 999), route("10.1.0.3", oif)];
    const results = c.execBatch(reqs);
    equal(results[0], undefined);
    equal(results[1]?.message, "Cannot replace route 10.1.0.2/32 (table 254): ENODEV");
    equal(results[2], undefined);
    const dsts = c.listRoutes(AF.INET).filter((r) => r.protocol === 80).map((r) => r.dst);
    deepEqual(dsts, ["10.1.0.1", "10.1.0.3"]);
    equal(ip(["-n", ns, "route", "show", "proto", "80"]).trim().split("\n").length, 2);
  },
);

netnsTest(
  "RtnlClient.execBatch handles more requests than one send holds (1,000 routes)",
  (_ns, c) => {
    dummyVeth(c, "eth0", "cali1");
    const oif = indexOf(c, "eth0");
    const reqs = Array.from({ length: 1000 }, (_, i) => route(`10.2.${i >> 8}.${i & 255}`, oif));
    deepEqual(c.execBatch(reqs).filter((r) => r !== undefined), []);
    equal(c.listRoutes(AF.INET).filter((r) => r.protocol === 80).length, 1000);
  },
);

netnsTest(
  "NetlinkMonitor delivers link and address events and close() ends the poll",
  async (ns, c) => {
    const seen: RtnlMessage[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const mon = withNetns(ns, () =>
      NetlinkMonitor.open({
        groups: [RTNLGRP.LINK, RTNLGRP.IPV4_IFADDR],
        onMessages: (m) => seen.push(...m),
      }));
    try {
      dummyVeth(c, "eth0", "cali1");
      ip(["-n", ns, "addr", "add", "192.168.9.1/24", "dev", "eth0"]);
      const deadline = Date.now() + 2000;
      while (!seen.some((m) => m.kind === "addr") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await mon.close();
      clearInterval(timer);
    }
    const names = seen.flatMap((m) => m.kind === "link" ? [m.link.name] : []);
    ok(names.includes("eth0") && names.includes("cali1"), `link events: ${names}`);
    const addr = seen.find((m) => m.kind === "addr");
    deepEqual(addr?.kind === "addr" ? [addr.op, addr.addr.local, addr.addr.prefixLen] : [], [
      "new",
      "192.168.9.1",
      24,
    ]);
    ok(ticks > 0, "the event loop kept running while the monitor waited");
  },
);
