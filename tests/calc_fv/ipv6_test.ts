/**
 * Scenarios: IPv6. Pod addresses become /128 nets and /128 IP-set members; an IPv6 VXLAN pool,
 * its blocks and the nodes' IPv6 addresses become routes and IPv6 VTEPs.
 */
import { deepEqual } from "node:assert/strict";
import { RouteTypes } from "../../src/proto/messages.ts";
import { scenarioTest } from "./harness.ts";
import { derivedMac, podId, selectorSet, vtepV6, wepOf } from "./snapshot_checks.ts";
import { route, routesByDst, via, VXLAN_TUNNEL } from "../calc/route_helpers.ts";
import { gnp, ipamBlock, ipPool, k8sNode, namespace, pod } from "./resources.ts";

const HOST = "node-1";
const POOL = { ipPoolType: "vxlan" } as const;
const PEER = selectorSet("app == 'peer'");

const node1 = k8sNode("node-1", {
  ipv4: "192.168.0.1/24",
  ipv6: "fd00:168::1/64",
  vxlanV6: "fd00:10::1",
});
const node2 = k8sNode("node-2", {
  ipv6: "fd00:168::2/64",
  vxlanV6: "fd00:10::41",
  vxlanMacV6: "66:00:00:00:00:22",
});
const pool = ipPool("fd00:10::/48", { vxlanMode: "Always", blockSize: 122 });
const common = [
  namespace("shop"),
  node1,
  pool,
  ipamBlock("fd00:10::/122", "node-1"),
  gnp("from-peers", {
    selector: "app == 'server'",
    ingress: [{ action: "Allow", source: { selector: "app == 'peer'" } }],
  }),
  pod({
    name: "server",
    ns: "shop",
    node: HOST,
    ips: ["10.65.0.5", "fd00:10::5"],
    labels: { app: "server" },
  }),
];
const peer = (name: string, node: string, ips: string[]) =>
  pod({ name, ns: "shop", node, ips, labels: { app: "peer" } });

const { LOCAL_HOST, LOCAL_TUNNEL, LOCAL_WORKLOAD, REMOTE_HOST, REMOTE_TUNNEL, REMOTE_WORKLOAD } =
  RouteTypes;
const AT1 = via("node-1", "fd00:168::1");
const AT1_V4 = via("node-1", "192.168.0.1");
const AT2 = via("node-2", "fd00:168::2");

const NODE1_ROUTES = [
  route("fd00:10::/48", POOL),
  route("fd00:10::/122", { types: LOCAL_WORKLOAD, ...POOL, ...AT1 }),
  route("fd00:10::1/128", { types: LOCAL_TUNNEL, ...POOL, ...AT1, tunnelType: VXLAN_TUNNEL }),
  route("fd00:10::5/128", { types: LOCAL_WORKLOAD, ...POOL, ...AT1, localWorkload: true }),
  route("10.65.0.5/32", { types: LOCAL_WORKLOAD, ...AT1_V4, localWorkload: true }),
  route("fd00:168::1/128", { types: LOCAL_HOST, ...AT1 }),
  route("192.168.0.1/32", { types: LOCAL_HOST, ...AT1_V4 }),
];
const VTEP1 = vtepV6("node-1", derivedMac("node-1-v6"), "fd00:10::1", "fd00:168::1");

scenarioTest({
  name: "IPv6 pods, pools, blocks and nodes give /128 members, routes and VTEPs",
  hostname: HOST,
  states: [
    {
      name: "a dual-stack local server, a remote IPv6 peer on node-2",
      resources: [
        ...common,
        node2,
        ipamBlock("fd00:10::40/122", "node-2"),
        peer("peer", "node-2", ["fd00:10::45"]),
      ],
      check: (s) => {
        const server = wepOf(s, podId("shop", "server"));
        deepEqual([server.ipv4Nets, server.ipv6Nets], [["10.65.0.5/32"], ["fd00:10::5/128"]]);
        deepEqual(s.ipSets, { [PEER]: { type: "net", members: ["fd00:10::45/128"] } });
        deepEqual(
          s.routes,
          routesByDst([
            ...NODE1_ROUTES,
            route("fd00:10::40/122", { types: REMOTE_WORKLOAD, ...POOL, ...AT2 }),
            route("fd00:10::41/128", {
              types: REMOTE_TUNNEL,
              ...POOL,
              ...AT2,
              tunnelType: VXLAN_TUNNEL,
            }),
            route("fd00:168::2/128", { types: REMOTE_HOST, ...AT2 }),
          ]),
        );
        deepEqual(s.vteps, {
          "node-1": VTEP1,
          "node-2": vtepV6("node-2", "66:00:00:00:00:22", "fd00:10::41", "fd00:168::2"),
        });
        deepEqual(s.encapsulation, {
          type: "EncapsulationUpdate",
          ipipEnabled: false,
          vxlanEnabled: false,
          vxlanEnabledV6: true,
          noEncapEnabled: false,
        });
        deepEqual(s.hostMetadata["node-2"]?.ipv6Addr, "fd00:168::2/64");
      },
    },
    {
      name: "node-2 removed, its block moved to node-1; peers local and dual-stack",
      resources: [
        ...common,
        ipamBlock("fd00:10::40/122", "node-1"),
        peer("peer", HOST, ["10.65.0.9", "fd00:10::49"]),
        peer("peer2", "node-3", ["fd00:0010:0000:0000:0000:0000:0000:0099"]),
      ],
      check: (s) => {
        deepEqual(s.ipSets, {
          [PEER]: { type: "net", members: ["10.65.0.9/32", "fd00:10::49/128", "fd00:10::99/128"] },
        });
        deepEqual(
          s.routes,
          routesByDst([
            ...NODE1_ROUTES,
            route("fd00:10::40/122", { types: LOCAL_WORKLOAD, ...POOL, ...AT1 }),
            route("fd00:10::49/128", {
              types: LOCAL_WORKLOAD,
              ...POOL,
              ...AT1,
              localWorkload: true,
            }),
            route("10.65.0.9/32", { types: LOCAL_WORKLOAD, ...AT1_V4, localWorkload: true }),
          ]),
        );
        deepEqual(s.vteps, { "node-1": VTEP1 });
      },
    },
  ],
});
