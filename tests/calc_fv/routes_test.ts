/**
 * Scenarios: routes, VTEPs, pools, host metadata and encapsulation as nodes, IPAM blocks and
 * pools change (Kubernetes Nodes with Calico's annotations; a VXLAN pool, a CrossSubnet pool and
 * a pool without encapsulation).
 */
import { deepEqual } from "node:assert/strict";
import { RouteTypes, type RouteUpdate } from "../../src/proto/messages.ts";
import type { DataplaneSnapshot } from "./checking_dataplane.ts";
import { scenarioTest } from "./harness.ts";
import { derivedMac, vtepV4 } from "./snapshot_checks.ts";
import {
  route,
  type RouteFields,
  type RouteNode,
  routesByDst,
  via,
  VXLAN_TUNNEL,
} from "../calc/route_helpers.ts";
import { ipamBlock, ipPool, k8sNode, namespace, pod } from "./resources.ts";

const HOST = "node-1";

const P65 = { ipPoolType: "vxlan", natOutgoing: true } as const;
const P66 = { ipPoolType: "vxlan" } as const;
const P67 = { ipPoolType: "no-encap" } as const;

const node1 = k8sNode("node-1", {
  ipv4: "192.168.0.1/24",
  vxlanV4: "10.65.0.1",
  vxlanMac: "66:00:00:00:00:01",
});
const node2 = k8sNode("node-2", { ipv4: "192.168.0.2/24", vxlanV4: "10.65.0.65" });
const node3 = k8sNode("node-3", {
  internalIPs: ["192.168.1.3"],
  vxlanV4: "10.65.0.129",
  vxlanMac: "66:00:00:00:00:03",
});
const POOLS = [
  ipPool("10.65.0.0/16", { vxlanMode: "Always", natOutgoing: true }),
  ipPool("10.66.0.0/16", { vxlanMode: "CrossSubnet" }),
  ipPool("10.67.0.0/16", { vxlanMode: "Never", ipipMode: "Never" }),
];
const BLOCKS = [
  ipamBlock("10.65.0.0/26", "node-1"),
  ipamBlock("10.65.0.128/26", "node-3"),
  ipamBlock("10.66.0.0/26", "node-2"),
  ipamBlock("10.66.0.64/26", "node-3"),
  ipamBlock("10.67.0.0/26", "node-3"),
];
const PODS = [
  namespace("shop"),
  pod({ name: "local", ns: "shop", node: HOST, ips: ["10.65.0.5"] }),
  pod({ name: "remote", ns: "shop", node: "node-2", ips: ["10.65.0.70"] }),
];

const { LOCAL_HOST, LOCAL_TUNNEL, LOCAL_WORKLOAD, REMOTE_HOST, REMOTE_TUNNEL, REMOTE_WORKLOAD } =
  RouteTypes;
const AT1 = via("node-1", "192.168.0.1");
const AT2 = via("node-2", "192.168.0.2");
const AT3 = via("node-3", "192.168.1.3");
/** node-3 deleted: its blocks keep the node's name, not its address. */
const AT3_GONE = via("node-3", "");

const POOL_ROUTES = [
  route("10.65.0.0/16", P65),
  route("10.66.0.0/16", P66),
  route("10.67.0.0/16", P67),
];

/** node-1's host, VXLAN tunnel, block and local pod routes, in the VXLAN pool `pool`. */
const node1Routes = (pool: RouteFields) => [
  route("192.168.0.1/32", { types: LOCAL_HOST, ...AT1 }),
  route("10.65.0.1/32", { types: LOCAL_TUNNEL, ...pool, ...AT1, tunnelType: VXLAN_TUNNEL }),
  route("10.65.0.0/26", { types: LOCAL_WORKLOAD, ...pool, ...AT1 }),
  route("10.65.0.5/32", { types: LOCAL_WORKLOAD, ...pool, ...AT1, localWorkload: true }),
];

/** A remote node's host route and the route to its VXLAN tunnel address `tunnel` in `pool`. */
const remoteNodeRoutes = (at: RouteNode, tunnel: string, pool: RouteFields) => [
  route(`${at.dstNodeIp}/32`, { types: REMOTE_HOST, ...at }),
  route(tunnel, { types: REMOTE_TUNNEL, ...pool, ...at, tunnelType: VXLAN_TUNNEL }),
];

/** The remote blocks of the first state: node-3's (at `at3`) and node-2's CrossSubnet one. */
const remoteBlockRoutes = (at3: RouteNode) => [
  route("10.65.0.128/26", { types: REMOTE_WORKLOAD, ...P65, ...at3 }),
  route("10.66.0.0/26", { types: REMOTE_WORKLOAD, ...P66, ...AT2, sameSubnet: true }),
  route("10.66.0.64/26", { types: REMOTE_WORKLOAD, ...P66, ...at3 }),
  route("10.67.0.0/26", { types: REMOTE_WORKLOAD, ...P67, ...at3 }),
];

/** A check: the snapshot's routes are exactly `routes`. */
const routesAre = (...routes: RouteUpdate[]) => (s: DataplaneSnapshot) =>
  deepEqual(s.routes, routesByDst(routes));

const VTEP1 = vtepV4("node-1", "66:00:00:00:00:01", "10.65.0.1", "192.168.0.1");
const VTEP3 = vtepV4("node-3", "66:00:00:00:00:03", "10.65.0.129", "192.168.1.3");
const ENCAP = {
  type: "EncapsulationUpdate",
  ipipEnabled: false,
  vxlanEnabled: true,
  vxlanEnabledV6: false,
  noEncapEnabled: true,
};

function checkState1(s: DataplaneSnapshot): void {
  deepEqual(
    s.routes,
    routesByDst([
      ...POOL_ROUTES,
      ...node1Routes(P65),
      ...remoteNodeRoutes(AT2, "10.65.0.65/32", P65),
      ...remoteNodeRoutes(AT3, "10.65.0.129/32", P65),
      ...remoteBlockRoutes(AT3),
    ]),
  );
  deepEqual(s.vteps, {
    "node-1": VTEP1,
    "node-2": vtepV4("node-2", derivedMac("node-2"), "10.65.0.65", "192.168.0.2"),
    "node-3": VTEP3,
  });
  deepEqual(s.encapsulation, ENCAP);
  deepEqual(Object.keys(s.ipPools), ["10.65.0.0-16", "10.66.0.0-16", "10.67.0.0-16"]);
  deepEqual(s.ipPools["10.66.0.0-16"], {
    cidr: "10.66.0.0/16",
    masquerade: false,
    ipipMode: "never",
    vxlanMode: "cross-subnet",
    allowedUses: ["Workload", "Tunnel"],
  });
  deepEqual(
    Object.values(s.hostMetadata).map((h) => [h.hostname, h.ipv4Addr]),
    [["node-1", "192.168.0.1/24"], ["node-2", "192.168.0.2/24"], ["node-3", "192.168.1.3/32"]],
  );
}

scenarioTest({
  name: "routes and VTEPs follow nodes, blocks and pools",
  hostname: HOST,
  states: [
    {
      name: "three nodes, three pools, five blocks",
      resources: [node1, node2, node3, ...POOLS, ...BLOCKS, ...PODS],
      check: checkState1,
    },
    {
      name: "node-3 removed: its host, tunnel and VTEP go; its blocks lose the node IP",
      resources: [node1, node2, ...POOLS, ...BLOCKS, ...PODS],
      check: (s) => {
        deepEqual(
          s.routes,
          routesByDst([
            ...POOL_ROUTES,
            ...node1Routes(P65),
            ...remoteNodeRoutes(AT2, "10.65.0.65/32", P65),
            ...remoteBlockRoutes(AT3_GONE),
          ]),
        );
        deepEqual(Object.keys(s.vteps), ["node-1", "node-2"]);
        deepEqual(Object.keys(s.hostMetadata), ["node-1", "node-2"]);
      },
    },
    {
      name:
        "a block moves to node-1, node-2 moves subnet, the CrossSubnet pool goes, the VXLAN pool stops NAT",
      resources: [
        node1,
        k8sNode("node-2", { ipv4: "192.168.2.2/24", vxlanV4: "10.65.0.65" }),
        node3,
        ipPool("10.65.0.0/16", { vxlanMode: "Always" }),
        POOLS[2]!,
        ipamBlock("10.65.0.0/26", "node-1"),
        ipamBlock("10.65.0.128/26", "node-1"),
        ipamBlock("10.66.0.0/26", "node-2"),
        ipamBlock("10.67.0.0/26", "node-3"),
        ...PODS,
      ],
      check: (s) => {
        const P65NoNat = { ipPoolType: "vxlan" } as const;
        const movedAT2 = via("node-2", "192.168.2.2");
        deepEqual(
          s.routes,
          routesByDst([
            route("10.65.0.0/16", P65NoNat),
            route("10.67.0.0/16", P67),
            ...node1Routes(P65NoNat),
            route("10.65.0.128/26", { types: LOCAL_WORKLOAD, ...P65NoNat, ...AT1 }),
            ...remoteNodeRoutes(movedAT2, "10.65.0.65/32", P65NoNat),
            ...remoteNodeRoutes(AT3, "10.65.0.129/32", P65NoNat),
            route("10.66.0.0/26", { types: REMOTE_WORKLOAD, ...movedAT2 }),
            route("10.67.0.0/26", { types: REMOTE_WORKLOAD, ...P67, ...AT3 }),
          ]),
        );
        deepEqual(
          s.vteps["node-2"],
          vtepV4("node-2", derivedMac("node-2"), "10.65.0.65", "192.168.2.2"),
        );
        deepEqual(Object.keys(s.ipPools), ["10.65.0.0-16", "10.67.0.0-16"]);
        deepEqual(s.encapsulation, ENCAP);
      },
    },
    {
      name: "only the no-encap pool is left",
      resources: [node1, node2, POOLS[2]!, ...BLOCKS, ...PODS],
      check: (s) => {
        deepEqual(s.encapsulation, { ...ENCAP, vxlanEnabled: false });
        deepEqual(
          s.routes["10.65.0.0/26"],
          route("10.65.0.0/26", { types: LOCAL_WORKLOAD, ...AT1 }),
        );
        deepEqual(
          s.routes["10.67.0.0/26"],
          route("10.67.0.0/26", { types: REMOTE_WORKLOAD, ...P67, ...AT3_GONE }),
        );
        deepEqual(Object.keys(s.vteps), ["node-1", "node-2"]);
      },
    },
  ],
});

const WIP_NODES = [
  k8sNode("node-1", { ipv4: "192.168.0.1/24" }),
  k8sNode("node-2", { ipv4: "192.168.0.2/24" }),
  ipPool("10.65.0.0/16", { vxlanMode: "Always", natOutgoing: true }),
  namespace("shop"),
];
const WIP_PODS = [
  pod({ name: "a", ns: "shop", node: HOST, ips: ["10.65.0.5"] }),
  pod({ name: "b", ns: "shop", node: "node-2", ips: ["10.65.0.70"] }),
  pod({ name: "c", ns: "shop", node: "node-2", ips: ["10.65.0.10"] }),
  pod({ name: "d", ns: "shop", node: HOST, ips: ["10.65.0.80"] }),
];
const local = (dst: string, borrowed = false) =>
  route(dst, { types: LOCAL_WORKLOAD, ...P65, ...AT1, localWorkload: true, borrowed });
const remote = (dst: string, borrowed = false) =>
  route(dst, { types: REMOTE_WORKLOAD, ...P65, ...AT2, borrowed });
const WIP_BASE = [
  route("10.65.0.0/16", P65),
  route("192.168.0.1/32", { types: LOCAL_HOST, ...AT1 }),
  route("192.168.0.2/32", { types: REMOTE_HOST, ...AT2 }),
];

scenarioTest({
  name: "WorkloadIPs routes: one per endpoint, borrowed when outside the node's own block",
  hostname: HOST,
  routeSource: "WorkloadIPs",
  states: [
    {
      name: "each node owns one block; c and d borrow from the other's",
      resources: [
        ...WIP_NODES,
        ...WIP_PODS,
        ipamBlock("10.65.0.0/26", "node-1"),
        ipamBlock("10.65.0.64/26", "node-2"),
      ],
      check: routesAre(
        ...WIP_BASE,
        local("10.65.0.5/32"),
        remote("10.65.0.70/32"),
        remote("10.65.0.10/32", true),
        local("10.65.0.80/32", true),
      ),
    },
    {
      name: "node-2 takes the first block too; b is deleted",
      resources: [
        ...WIP_NODES,
        ...WIP_PODS.filter((p) => p !== WIP_PODS[1]),
        ipamBlock("10.65.0.0/26", "node-2"),
        ipamBlock("10.65.0.64/26", "node-2"),
      ],
      check: routesAre(
        ...WIP_BASE,
        local("10.65.0.5/32", true),
        remote("10.65.0.10/32"),
        local("10.65.0.80/32", true),
      ),
    },
  ],
});
