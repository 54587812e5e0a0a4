/**
 * The rtnetlink codec without a kernel: every message type round-trips, captured kernel replies
 * (tests/native/testdata/*.bin, from `capture_netlink.ts`) decode to the known topology, and
 * malformed input fails with a message that says where.
 */
import { deepEqual, equal, throws } from "node:assert/strict";
import {
  type AddrMsg,
  decodeError,
  decodeMessages,
  decodeRtnl,
  describeRequest,
  encodeError,
  encodeMessage,
  encodeRtnl,
  type LinkMsg,
  type NeighMsg,
  NetlinkError,
  requestMessage,
  type RouteMsg,
  type RtnlMessage,
} from "../../native/netlink_codec.ts";
import { parseAttrs } from "../../native/netlink_attrs.ts";
import { AF, NLM_F, NTF, NUD, RTM, RTN, RTNH_F } from "../../native/netlink_consts.ts";

const testdata = new URL("./testdata/", import.meta.url);

function fixture(name: string): RtnlMessage[] {
  const msgs = decodeMessages(Deno.readFileSync(new URL(name, testdata)));
  return msgs.map((m) => decodeRtnl(m)!);
}

function roundTrip(msg: RtnlMessage): RtnlMessage | undefined {
  const [m, ...rest] = decodeMessages(encodeRtnl(msg, NLM_F.REQUEST, 7));
  equal(rest.length, 0);
  equal(m!.seq, 7);
  return decodeRtnl(m!);
}

/** `msg` encodes and decodes back to itself. */
function assertRoundTrips(msg: RtnlMessage): void {
  deepEqual(roundTrip(msg), msg);
}

const LINK_BASE = { family: 0, linkType: 1, change: 0 } as const;

Deno.test("encodeRtnl/decodeRtnl round-trip a plain link with every simple attribute", () => {
  const link: LinkMsg = {
    ...LINK_BASE,
    index: 7,
    flags: 0x11043,
    name: "eth0",
    mtu: 9000,
    mac: "02:00:00:00:00:01",
    operState: 6,
    master: 3,
    link: 9,
  };
  assertRoundTrips({ kind: "link", op: "new", link });
});

Deno.test("encodeRtnl/decodeRtnl round-trip a VXLAN link with its info data", () => {
  const link: LinkMsg = {
    ...LINK_BASE,
    index: 4,
    flags: 0,
    name: "vxlan.calico",
    kind: "vxlan",
    vxlan: { vni: 4096, parentIndex: 3, local: "192.168.77.1", learning: false, port: 4789 },
  };
  assertRoundTrips({ kind: "link", op: "new", link });
  const v6: LinkMsg = { ...link, name: "vxlan-v6.calico", vxlan: { vni: 4096, local: "fd00::1" } };
  assertRoundTrips({ kind: "link", op: "del", link: v6 });
});

Deno.test("encodeRtnl/decodeRtnl round-trip veth (peer name) and ipip links", () => {
  const veth: LinkMsg = { ...LINK_BASE, index: 0, flags: 0, name: "cali1", kind: "veth" };
  const withPeer = { ...veth, vethPeer: { name: "eth0" } };
  assertRoundTrips({ kind: "link", op: "new", link: withPeer });
  const ipip: LinkMsg = {
    ...LINK_BASE,
    index: 5,
    flags: 1,
    name: "tunl0",
    kind: "ipip",
    ipip: { parentIndex: 2, local: "10.0.0.1", remote: "10.0.0.2" },
  };
  assertRoundTrips({ kind: "link", op: "new", link: ipip });
});

Deno.test("encodeRtnl/decodeRtnl round-trip v4 and v6 addresses", () => {
  const v4: AddrMsg = {
    family: AF.INET,
    prefixLen: 24,
    flags: 0x80,
    scope: 0,
    index: 3,
    address: "192.168.77.1",
    local: "192.168.77.1",
    label: "eth0",
    broadcast: "192.168.77.255",
  };
  assertRoundTrips({ kind: "addr", op: "new", addr: v4 });
  const v6: AddrMsg = {
    family: AF.INET6,
    prefixLen: 128,
    flags: 0,
    scope: 0,
    index: 4,
    address: "fd00::1",
  };
  assertRoundTrips({ kind: "addr", op: "del", addr: v6 });
});

Deno.test("encodeRtnl/decodeRtnl round-trip routes: onlink gateway with MTU, table above 255", () => {
  const via: RouteMsg = {
    family: AF.INET,
    dstLen: 26,
    srcLen: 0,
    tos: 0,
    table: 254,
    protocol: 3,
    scope: 0,
    type: RTN.UNICAST,
    flags: RTNH_F.ONLINK,
    dst: "10.65.1.0",
    gateway: "10.65.1.0",
    oif: 4,
    priority: 1024,
    prefsrc: "10.65.0.0",
    mtu: 1450,
  };
  assertRoundTrips({ kind: "route", op: "new", route: via });
  const wg: RouteMsg = { ...via, table: 1000, family: AF.INET6, dst: "fd00:1::", dstLen: 64 };
  delete (wg as { gateway?: string }).gateway;
  delete (wg as { prefsrc?: string }).prefsrc;
  assertRoundTrips({ kind: "route", op: "del", route: wg });
  // The header carries RT_TABLE_COMPAT; the full id travels in RTA_TABLE.
  const raw = encodeRtnl({ kind: "route", op: "del", route: wg }, 0, 1);
  equal(raw[16 + 4], 252);
});

Deno.test("encodeRtnl/decodeRtnl round-trip a blackhole route with no attributes but dst", () => {
  const bh: RouteMsg = {
    family: AF.INET,
    dstLen: 26,
    srcLen: 0,
    tos: 0,
    table: 254,
    protocol: 80,
    scope: 0,
    type: RTN.BLACKHOLE,
    flags: 0,
    dst: "10.65.0.0",
  };
  assertRoundTrips({ kind: "route", op: "new", route: bh });
});

Deno.test("encodeRtnl/decodeRtnl round-trip ARP neighbours and FDB entries", () => {
  const arp: NeighMsg = {
    family: AF.INET,
    index: 4,
    state: NUD.PERMANENT,
    flags: 0,
    type: 1,
    dst: "10.65.1.0",
    lladdr: "66:aa:bb:cc:dd:ee",
  };
  assertRoundTrips({ kind: "neigh", op: "new", neigh: arp });
  const fdb: NeighMsg = {
    family: AF.BRIDGE,
    index: 4,
    state: NUD.PERMANENT,
    flags: NTF.SELF,
    type: 0,
    dst: "192.168.77.2",
    lladdr: "66:aa:bb:cc:dd:ee",
    port: 4789,
    vni: 4096,
  };
  assertRoundTrips({ kind: "neigh", op: "del", neigh: fdb });
});

Deno.test("encodeError/decodeError round-trip an ACK and an error with extended-ACK text", () => {
  const ack = encodeError(0, RTM.NEWROUTE, 9);
  deepEqual(decodeError(ack.payload, ack.flags), { errno: 0, requestSeq: 9, requestType: 24 });
  const err = encodeError(17, RTM.NEWROUTE, 10, "Route exists");
  deepEqual(decodeError(err.payload, err.flags), {
    errno: 17,
    requestSeq: 10,
    requestType: 24,
    message: "Route exists",
  });
  const framed = decodeMessages(encodeMessage(2, err.flags, 10, err.payload));
  equal(framed[0]!.type, 2);
  equal(framed[0]!.flags, NLM_F.CAPPED | NLM_F.ACK_TLVS);
});

Deno.test("decodeRtnl decodes a captured link dump: veth pair and VXLAN device", () => {
  const links = fixture("links.bin").map((m) => m.kind === "link" ? m.link : undefined);
  deepEqual(links.map((l) => l?.name), ["lo", "cali1234567890a", "eth0", "vxlan.calico"]);
  deepEqual(links[3], {
    family: 0,
    linkType: 1,
    index: 4,
    flags: 69699,
    change: 0,
    name: "vxlan.calico",
    mtu: 1450,
    mac: "66:0a:0b:0c:0d:0e",
    operState: 0,
    kind: "vxlan",
    vxlan: {
      vni: 4096,
      parentIndex: 3,
      local: "192.168.77.1",
      learning: false,
      port: 4789,
      collectMetadata: false,
    },
  });
  equal(links[1]?.mac, "ee:ee:ee:ee:ee:ee");
  equal(links[1]?.link, 3);
  equal(links[2]?.operState, 6);
});

Deno.test("decodeRtnl decodes captured address and neighbour dumps", () => {
  deepEqual(
    fixture("addrs_v4.bin").map((m) =>
      m.kind === "addr" ? [m.addr.index, m.addr.local, m.addr.prefixLen, m.addr.label] : []
    ),
    [
      [3, "192.168.77.1", 24, "eth0"],
      [4, "10.65.0.0", 32, "vxlan.calico"],
    ],
  );
  deepEqual(fixture("neighs_v4.bin"), [{
    kind: "neigh",
    op: "new",
    neigh: {
      family: 2,
      index: 4,
      state: 128,
      flags: 0,
      type: 1,
      dst: "10.65.1.0",
      lladdr: "66:aa:bb:cc:dd:ee",
    },
  }]);
  const fdb = fixture("fdb.bin").flatMap((m) =>
    m.kind === "neigh" && m.neigh.dst !== undefined ? [m.neigh] : []
  );
  deepEqual(fdb, [{
    family: 7,
    index: 4,
    state: 128,
    flags: 2,
    type: 1,
    dst: "192.168.77.2",
    lladdr: "66:aa:bb:cc:dd:ee",
  }]);
});

Deno.test("decodeRtnl decodes a captured route dump, main and local tables", () => {
  const routes = fixture("routes_v4.bin").flatMap((m) => m.kind === "route" ? [m.route] : []);
  deepEqual(routes.map((r) => [r.table, r.protocol, r.type, `${r.dst}/${r.dstLen}`]), [
    [254, 80, RTN.BLACKHOLE, "10.65.0.0/26"],
    [254, 3, RTN.UNICAST, "10.65.0.5/32"],
    [254, 3, RTN.UNICAST, "10.65.1.0/26"],
    [254, 80, RTN.UNICAST, "10.66.0.0/16"],
    [254, 2, RTN.UNICAST, "192.168.77.0/24"],
    [255, 2, RTN.LOCAL, "10.65.0.0/32"],
    [255, 2, RTN.LOCAL, "192.168.77.1/32"],
    [255, 2, RTN.BROADCAST, "192.168.77.255/32"],
  ]);
  deepEqual(routes[2], {
    family: 2,
    dstLen: 26,
    srcLen: 0,
    tos: 0,
    table: 254,
    protocol: 3,
    scope: 0,
    type: 1,
    flags: RTNH_F.ONLINK,
    dst: "10.65.1.0",
    gateway: "10.65.1.0",
    oif: 4,
    mtu: 1450,
  });
  equal(routes[1]?.priority, 1024);
  equal(routes[1]?.scope, 253);
});

Deno.test("decodeError decodes a captured extended ACK: unknown link kind", () => {
  const [m] = decodeMessages(Deno.readFileSync(new URL("error_unknown_kind.bin", testdata)));
  deepEqual(decodeError(m!.payload, m!.flags), {
    errno: 95,
    requestSeq: 4242,
    requestType: RTM.NEWLINK,
    message: "Unknown device type",
  });
  const e = new NetlinkError('add link "x0"', { errno: 95, message: "Unknown device type" });
  equal(e.message, 'Cannot add link "x0": EOPNOTSUPP: Unknown device type');
});

Deno.test("requestMessage maps actions to message types and flags", () => {
  const route: RouteMsg = {
    family: AF.INET,
    dstLen: 32,
    table: 254,
    protocol: 80,
    scope: 0,
    type: RTN.BLACKHOLE,
    flags: 0,
    dst: "10.0.0.1",
  };
  const flags = (action: "add" | "replace" | "set" | "delete") => {
    const m = requestMessage({ action, obj: { kind: "route", route } });
    return [m.type, m.flags];
  };
  deepEqual(flags("add"), [RTM.NEWROUTE, NLM_F.CREATE | NLM_F.EXCL]);
  deepEqual(flags("replace"), [RTM.NEWROUTE, NLM_F.CREATE | NLM_F.REPLACE]);
  deepEqual(flags("set"), [RTM.NEWROUTE, 0]);
  deepEqual(flags("delete"), [RTM.DELROUTE, 0]);
  equal(
    describeRequest({ action: "delete", obj: { kind: "route", route } }),
    "delete route 10.0.0.1/32 (table 254)",
  );
});

Deno.test("decodeMessages and parseAttrs reject truncated input with the offset", () => {
  const good = encodeMessage(RTM.NEWROUTE, 0, 1, new Uint8Array(12));
  throws(() => decodeMessages(good.subarray(0, 20)), {
    name: "RangeError",
    message: "Cannot parse netlink message at offset 0: length 28 overruns 20",
  });
  throws(() => parseAttrs(Uint8Array.of(8, 0, 1, 0, 1, 2)), {
    message: "Cannot parse netlink attribute at offset 0: length 8 overruns 6",
  });
  throws(
    () => decodeRtnl({ type: RTM.NEWLINK, flags: 0, seq: 0, pid: 0, payload: new Uint8Array(4) }),
    {
      message: "Cannot parse a link message: 4 bytes, need 16",
    },
  );
});

Deno.test("encodeRtnl rejects a bad address and a bad MAC", () => {
  throws(
    () =>
      encodeRtnl(
        { kind: "addr", op: "new", addr: { family: 2, prefixLen: 32, index: 1, local: "10.0.0" } },
        0,
        1,
      ),
    {
      message: 'Cannot encode IP address "10.0.0": not an address',
    },
  );
  throws(
    () =>
      encodeRtnl(
        {
          kind: "neigh",
          op: "new",
          neigh: { family: 2, index: 1, state: 0, flags: 0, lladdr: "zz:00" },
        },
        0,
        1,
      ),
    {
      message: 'Cannot encode link-layer address "zz:00": expected hex pairs',
    },
  );
});
