import { deepEqual, equal } from "node:assert/strict";
import { kv, type KVUpdate } from "../../src/model/kv.ts";
import { hostConfigKV as hostConfig, nodeKV as node } from "./fixtures.ts";
import { bgpNode, block, pool, poolGone, remove, setup, wep } from "./l3_route_fixtures.ts";
import { IPIP_TUNNEL, route, via, VXLAN_TUNNEL, WIREGUARD_TUNNEL } from "./route_helpers.ts";

Deno.test("L3RouteResolver emits local and remote block routes in a VXLAN pool", () => {
  const { rec, feed } = setup();
  feed(bgpNode("n1", "10.0.0.1/24"), bgpNode("n2", "10.0.0.2/24"));
  deepEqual(feed(pool("10.65.0.0/16", { vxlan: "always", nat: true })), [
    route("10.65.0.0/16", { ipPoolType: "vxlan", natOutgoing: true }),
  ]);
  deepEqual(feed(block("10.65.1.0/26", "n1"), block("10.65.2.0/26", "n2")), [
    route("10.65.1.0/26", {
      types: 4,
      ipPoolType: "vxlan",
      ...via("n1", "10.0.0.1"),
      natOutgoing: true,
    }),
    route("10.65.2.0/26", {
      types: 1,
      ipPoolType: "vxlan",
      ...via("n2", "10.0.0.2"),
      natOutgoing: true,
    }),
  ]);
  deepEqual([...rec.routes.keys()].sort(), [
    "10.0.0.1/32",
    "10.0.0.2/32",
    "10.65.0.0/16",
    "10.65.1.0/26",
    "10.65.2.0/26",
  ]);
});

Deno.test("L3RouteResolver gives blocks the pool type when the pool arrives after them", () => {
  const { feed } = setup();
  feed(bgpNode("n2", "10.0.0.2/24"), block("10.65.2.0/26", "n2"));
  deepEqual(feed(pool("10.65.0.0/16", { ipip: "always" })), [
    route("10.65.0.0/16", { ipPoolType: "ipip" }),
    route("10.65.2.0/26", { types: 1, ipPoolType: "ipip", ...via("n2", "10.0.0.2") }),
  ]);
});

Deno.test("L3RouteResolver sets sameSubnet only for cross-subnet pools and nodes in this node's subnet", () => {
  const { rec, feed } = setup();
  feed(
    bgpNode("n1", "10.0.0.1/24"),
    bgpNode("n2", "10.0.0.2/24"),
    bgpNode("n3", "10.0.1.3/24"),
    pool("10.65.0.0/16", { ipip: "cross-subnet" }),
    pool("10.66.0.0/16", { vxlan: "always" }),
    block("10.65.2.0/26", "n2"),
    block("10.65.3.0/26", "n3"),
    block("10.66.2.0/26", "n2"),
  );
  equal(rec.routes.get("10.65.2.0/26")?.sameSubnet, true);
  equal(rec.routes.get("10.65.3.0/26")?.sameSubnet, false);
  equal(rec.routes.get("10.66.2.0/26")?.sameSubnet, false);
  // This node moves to n3's subnet: the verdicts swap.
  deepEqual(
    feed(bgpNode("n1", "10.0.1.1/24")).filter((e) => e.dst.startsWith("10.65.")),
    [
      route("10.65.2.0/26", { types: 1, ipPoolType: "ipip", ...via("n2", "10.0.0.2") }),
      route("10.65.3.0/26", {
        types: 1,
        ipPoolType: "ipip",
        ...via("n3", "10.0.1.3"),
        sameSubnet: true,
      }),
    ],
  );
});

Deno.test("L3RouteResolver marks no-encap pools and copies natOutgoing", () => {
  const { rec, feed } = setup();
  feed(bgpNode("n2", "10.0.0.2/24"), pool("10.65.0.0/16"), block("10.65.2.0/26", "n2"));
  deepEqual(
    rec.routes.get("10.65.2.0/26"),
    route("10.65.2.0/26", { types: 1, ipPoolType: "no-encap", ...via("n2", "10.0.0.2") }),
  );
  deepEqual(feed(pool("10.65.0.0/16", { nat: true })), [
    route("10.65.0.0/16", { ipPoolType: "no-encap", natOutgoing: true }),
    route("10.65.2.0/26", {
      types: 1,
      ipPoolType: "no-encap",
      ...via("n2", "10.0.0.2"),
      natOutgoing: true,
    }),
  ]);
});

Deno.test("L3RouteResolver moves a block between nodes with one update", () => {
  const { feed } = setup();
  feed(bgpNode("n2", "10.0.0.2/24"), bgpNode("n3", "10.0.0.3/24"), block("10.65.2.0/26", "n2"));
  deepEqual(feed(block("10.65.2.0/26", "n1")), [
    route("10.65.2.0/26", { types: 4, dstNodeName: "n1" }),
  ]);
  deepEqual(feed(block("10.65.2.0/26", "n3")), [
    route("10.65.2.0/26", { types: 1, ...via("n3", "10.0.0.3") }),
  ]);
  deepEqual(feed(block("10.65.2.0/26", undefined)), [remove("10.65.2.0/26")]);
});

Deno.test("L3RouteResolver follows a node's IP change in its block and host routes", () => {
  const { feed } = setup();
  feed(bgpNode("n2", "10.0.0.2/24"), block("10.65.2.0/26", "n2"));
  deepEqual(feed(bgpNode("n2", "10.0.0.9/24")), [
    remove("10.0.0.2/32"),
    route("10.0.0.9/32", { types: 2, ...via("n2", "10.0.0.9") }),
    route("10.65.2.0/26", { types: 1, ...via("n2", "10.0.0.9") }),
  ]);
  deepEqual(feed(node("n2", null)), [
    remove("10.0.0.9/32"),
    route("10.65.2.0/26", { types: 1, dstNodeName: "n2" }),
  ]);
});

Deno.test("L3RouteResolver falls back to pool type none when the pool is deleted", () => {
  const { feed } = setup();
  feed(
    bgpNode("n2", "10.0.0.2/24"),
    pool("10.65.0.0/16", { vxlan: "always", nat: true }),
    block("10.65.2.0/26", "n2"),
  );
  deepEqual(feed(poolGone("10.65.0.0/16")), [
    remove("10.65.0.0/16"),
    route("10.65.2.0/26", { types: 1, ...via("n2", "10.0.0.2") }),
  ]);
});

Deno.test("L3RouteResolver emits host routes that never inherit workload types", () => {
  const { feed } = setup();
  feed(pool("10.0.0.0/16", { vxlan: "always" }), block("10.0.0.0/26", "n2"));
  deepEqual(
    feed(
      bgpNode("n1", "10.0.0.1/24"),
      bgpNode("n2", "10.0.0.2/24", undefined, [
        { address: "10.0.0.2/24", type: "CalicoNodeIP" },
        { address: "192.168.5.2", type: "ExternalIP" },
      ]),
    ),
    [
      route("10.0.0.1/32", { types: 8, ipPoolType: "vxlan", ...via("n1", "10.0.0.1") }),
      route("10.0.0.0/26", { types: 1, ipPoolType: "vxlan", ...via("n2", "10.0.0.2") }),
      route("10.0.0.2/32", { types: 2, ipPoolType: "vxlan", ...via("n2", "10.0.0.2") }),
      route("192.168.5.2/32", { types: 2, ...via("n2", "10.0.0.2") }),
    ],
  );
});

Deno.test("L3RouteResolver takes a node's address from InternalIP when BGP has none", () => {
  const { feed } = setup();
  deepEqual(
    feed(node("n2", {
      bgp: { ipv4Address: "10.0.0.2" }, // bare IP: ignored
      addresses: [
        { address: "172.16.0.2", type: "ExternalIP" },
        { address: "10.1.0.2", type: "InternalIP" },
      ],
    })),
    [
      route("10.1.0.2/32", { types: 2, ...via("n2", "10.1.0.2") }),
      route("172.16.0.2/32", { types: 2, ...via("n2", "10.1.0.2") }),
    ],
  );
});

Deno.test("L3RouteResolver emits tunnel routes with their tunnel types", () => {
  const { feed } = setup();
  feed(
    bgpNode("n1", "10.0.0.1/24"),
    bgpNode("n2", "10.0.0.2/24"),
    pool("10.65.0.0/16", { vxlan: "always" }),
  );
  deepEqual(feed(hostConfig("n2", "IPv4VXLANTunnelAddr", "10.65.2.1")), [
    route("10.65.2.1/32", {
      types: 16,
      ipPoolType: "vxlan",
      ...via("n2", "10.0.0.2"),
      tunnelType: VXLAN_TUNNEL,
    }),
  ]);
  deepEqual(feed(hostConfig("n1", "IpInIpTunnelAddr", "10.65.1.1")), [
    route("10.65.1.1/32", {
      types: 32,
      ipPoolType: "vxlan",
      ...via("n1", "10.0.0.1"),
      tunnelType: IPIP_TUNNEL,
    }),
  ]);
  deepEqual(feed(hostConfig("n2", "VXLANTunnelMACAddr", "66:00:00:00:00:01")), []);
  deepEqual(feed(hostConfig("n2", "IPv4VXLANTunnelAddr", null)), [remove("10.65.2.1/32")]);
});

Deno.test("L3RouteResolver emits WireGuard interface addresses from the Node as tunnel routes", () => {
  const { feed } = setup();
  deepEqual(
    feed(node("n2", {
      bgp: { ipv4Address: "10.0.0.2/24" },
      wireguard: { interfaceIPv4Address: "10.65.2.7" },
    })),
    [
      route("10.0.0.2/32", { types: 2, ...via("n2", "10.0.0.2") }),
      route("10.65.2.7/32", { types: 16, ...via("n2", "10.0.0.2"), tunnelType: WIREGUARD_TUNNEL }),
    ],
  );
});

Deno.test("L3RouteResolver merges sources of one CIDR and removes it when the last goes", () => {
  const { feed } = setup();
  feed(bgpNode("n2", "10.0.0.2/24"));
  deepEqual(feed(hostConfig("n2", "IpInIpTunnelAddr", "10.0.0.2")), [
    route("10.0.0.2/32", { types: 2 | 16, ...via("n2", "10.0.0.2"), tunnelType: IPIP_TUNNEL }),
  ]);
  deepEqual(feed(hostConfig("n2", "IpInIpTunnelAddr", "10.0.0.2")), []);
  deepEqual(feed(bgpNode("n2", "10.0.0.2/24")), []);
  deepEqual(feed(node("n2", null)), [
    route("10.0.0.2/32", { types: 16, dstNodeName: "n2", tunnelType: IPIP_TUNNEL }),
  ]);
  deepEqual(feed(hostConfig("n2", "IpInIpTunnelAddr", null)), [remove("10.0.0.2/32")]);
});

Deno.test("L3RouteResolver in WorkloadIPs mode routes endpoint IPs instead of blocks", () => {
  const { feed } = setup("WorkloadIPs");
  feed(bgpNode("n2", "10.0.0.2/24"), bgpNode("n3", "10.0.0.3/24"));
  deepEqual(feed(pool("10.65.0.0/16", { vxlan: "always" }), block("10.65.2.0/26", "n2")), [
    route("10.65.0.0/16", { ipPoolType: "vxlan" }),
  ]);
  deepEqual(feed(wep("n2", "a", ["10.65.2.5/32"]), wep("n3", "b", ["10.65.2.6/32"])), [
    route("10.65.2.5/32", { types: 1, ipPoolType: "vxlan", ...via("n2", "10.0.0.2") }),
    route("10.65.2.6/32", {
      types: 1,
      ipPoolType: "vxlan",
      ...via("n3", "10.0.0.3"),
      borrowed: true,
    }),
  ]);
  deepEqual(feed(wep("n1", "c", ["10.65.9.1/32"])), [
    route("10.65.9.1/32", {
      types: 4,
      ipPoolType: "vxlan",
      dstNodeName: "n1",
      localWorkload: true,
    }),
  ]);
  // The block is re-affined to n3: n3's endpoint is no longer borrowed, n2's now is.
  deepEqual(feed(block("10.65.2.0/26", "n3")), [
    route("10.65.2.5/32", {
      types: 1,
      ipPoolType: "vxlan",
      ...via("n2", "10.0.0.2"),
      borrowed: true,
    }),
    route("10.65.2.6/32", { types: 1, ipPoolType: "vxlan", ...via("n3", "10.0.0.3") }),
  ]);
  deepEqual(feed(wep("n2", "a", null)), [remove("10.65.2.5/32")]);
});

Deno.test("L3RouteResolver in CalicoIPAM mode adds local endpoint routes only", () => {
  const { feed } = setup();
  feed(bgpNode("n1", "10.0.0.1/24"), block("10.65.1.0/26", "n1"));
  deepEqual(feed(wep("n2", "x", ["10.65.1.9/32"])), []);
  deepEqual(feed(wep("n1", "a", ["10.65.1.5/32", "fd00:65::5/128"])), [
    route("10.65.1.5/32", { types: 4, ...via("n1", "10.0.0.1"), localWorkload: true }),
    route("fd00:65::5/128", { types: 4, dstNodeName: "n1", localWorkload: true }),
  ]);
  deepEqual(feed(wep("n1", "a", ["10.65.1.5/32"])), [remove("fd00:65::5/128")]);
});

Deno.test("L3RouteResolver handles IPv6 pools, blocks, host and tunnel addresses", () => {
  const { feed } = setup();
  feed(
    bgpNode("n1", undefined, "fd00:1::1/64"),
    bgpNode("n2", "10.0.0.2/24", "fd00:1::2/64"),
  );
  deepEqual(
    feed(
      pool("fd00:65::/48", { vxlan: "cross-subnet", nat: true }),
      block("fd00:65:0:2::/122", "n2"),
      hostConfig("n2", "IPv6VXLANTunnelAddr", "fd00:65:0:2::1"),
    ),
    [
      route("fd00:65::/48", { ipPoolType: "vxlan", natOutgoing: true }),
      route("fd00:65:0:2::/122", {
        types: 1,
        ipPoolType: "vxlan",
        ...via("n2", "fd00:1::2"),
        sameSubnet: true,
        natOutgoing: true,
      }),
      route("fd00:65:0:2::1/128", {
        types: 16,
        ipPoolType: "vxlan",
        ...via("n2", "fd00:1::2"),
        sameSubnet: true,
        natOutgoing: true,
        tunnelType: VXLAN_TUNNEL,
      }),
    ],
  );
  deepEqual(feed(bgpNode("n3", undefined, "FD00:2::3/64")), [
    route("fd00:2::3/128", { types: 2, ...via("n3", "fd00:2::3") }),
  ]);
});

Deno.test("L3RouteResolver ignores unaffine blocks, unparsable CIDRs and unrelated kinds", () => {
  const { feed } = setup();
  deepEqual(
    feed(
      block("10.65.2.0/26", undefined),
      kv({ kind: "Block", cidr: "10.65.3.0/26" }, {
        cidr: "10.65.3.0/26",
        affinity: "virtual:x",
        allocations: [],
      }),
      pool("not-a-cidr"),
      hostConfig("n2", "IpInIpTunnelAddr", "bogus"),
      kv({ kind: "GlobalConfig", name: "LogSeverityScreen" }, "Info"),
      kv({ kind: "ReadyFlag" }, true),
    ),
    [],
  );
});

Deno.test("L3RouteResolver sends nothing when an update changes no route", () => {
  const { feed } = setup();
  const vxlan = { vxlan: "always" } as const;
  feed(bgpNode("n2", "10.0.0.2/24"), pool("10.65.0.0/16", vxlan), block("10.65.2.0/26", "n2"));
  deepEqual(feed(block("10.65.2.0/26", "n2"), pool("10.65.0.0/16", vxlan)), []);
  // IPIP added beside VXLAN: the pool type stays vxlan, so no route changes.
  deepEqual(feed(pool("10.65.0.0/16", { vxlan: "always", ipip: "always" })), []);
});

Deno.test("L3RouteResolver reaches the same routes whatever the order of updates", () => {
  const updates = [
    bgpNode("n1", "10.0.0.1/24", "fd00:1::1/64"),
    bgpNode("n2", "10.0.0.2/24"),
    bgpNode("n3", "10.0.1.3/24"),
    pool("10.65.0.0/16", { vxlan: "cross-subnet", nat: true }),
    pool("fd00:65::/48", { vxlan: "always" }),
    block("10.65.1.0/26", "n1"),
    block("10.65.2.0/26", "n2"),
    block("10.65.3.0/26", "n3"),
    block("fd00:65:0:1::/122", "n1"),
    hostConfig("n2", "IPv4VXLANTunnelAddr", "10.65.2.1"),
    hostConfig("n3", "IpInIpTunnelAddr", "10.65.3.1"),
    wep("n1", "a", ["10.65.1.5/32", "fd00:65:0:1::5/128"]),
    wep("n1", "b", ["10.65.2.9/32"]),
  ];
  const finalRoutes = (us: KVUpdate[]) => {
    const { rec, feed } = setup();
    feed(...us);
    return [...rec.routes.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  };
  const expected = finalRoutes(updates);
  equal(expected.length, 15);
  deepEqual(expected.find(([c]) => c === "10.65.2.9/32")?.[1].borrowed, true);
  for (let shift = 1; shift < updates.length; shift++) {
    const rotated = [...updates.slice(shift), ...updates.slice(0, shift)];
    deepEqual(finalRoutes(rotated), expected, `rotated by ${shift}`);
    deepEqual(finalRoutes([...rotated].reverse()), expected, `reversed, rotated by ${shift}`);
  }
});
