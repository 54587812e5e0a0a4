/**
 * Scenarios: tunnels without the routing of the other scenarios in the way: an IPIP pool and its
 * tunnel addresses; when a node has a VTEP.
 */
import { deepEqual } from "node:assert/strict";
import { RouteTypes } from "../../src/proto/messages.ts";
import { scenarioTest } from "./harness.ts";
import { vtepV4 } from "./snapshot_checks.ts";
import { IPIP_TUNNEL, route, routesByDst, via, VXLAN_TUNNEL } from "../calc/route_helpers.ts";
import { ipamBlock, ipPool, k8sNode } from "./resources.ts";

const HOST = "node-1";
const ENCAP = {
  type: "EncapsulationUpdate",
  ipipEnabled: false,
  vxlanEnabled: false,
  vxlanEnabledV6: false,
  noEncapEnabled: false,
};

const { LOCAL_HOST, LOCAL_TUNNEL, REMOTE_HOST, REMOTE_TUNNEL, REMOTE_WORKLOAD } = RouteTypes;
const AT1 = via("node-1", "192.168.0.1");
const AT2 = via("node-2", "192.168.0.2");
const ipipNodes = [
  k8sNode("node-1", { ipv4: "192.168.0.1/24", ipipV4: "10.70.0.1" }),
  k8sNode("node-2", { ipv4: "192.168.0.2/24", ipipV4: "10.70.0.65" }),
  ipamBlock("10.70.0.64/26", "node-2"),
];

scenarioTest({
  name: "an IPIP pool: ipip routes and tunnel addresses, and no VTEP",
  hostname: HOST,
  states: [
    {
      name: "IPIP Always",
      resources: [...ipipNodes, ipPool("10.70.0.0/16", { ipipMode: "Always", vxlanMode: "Never" })],
      check: (s) => {
        const P = { ipPoolType: "ipip" } as const;
        deepEqual(
          s.routes,
          routesByDst([
            route("10.70.0.0/16", P),
            route("192.168.0.1/32", { types: LOCAL_HOST, ...AT1 }),
            route("192.168.0.2/32", { types: REMOTE_HOST, ...AT2 }),
            route("10.70.0.1/32", { types: LOCAL_TUNNEL, ...P, ...AT1, tunnelType: IPIP_TUNNEL }),
            route("10.70.0.65/32", { types: REMOTE_TUNNEL, ...P, ...AT2, tunnelType: IPIP_TUNNEL }),
            route("10.70.0.64/26", { types: REMOTE_WORKLOAD, ...P, ...AT2 }),
          ]),
        );
        deepEqual(s.vteps, {});
        deepEqual(s.encapsulation, { ...ENCAP, ipipEnabled: true });
        deepEqual(s.ipPools["10.70.0.0-16"]?.ipipMode, "always");
      },
    },
    {
      name: "the pool switches to VXLAN CrossSubnet",
      resources: [...ipipNodes, ipPool("10.70.0.0/16", { vxlanMode: "CrossSubnet" })],
      check: (s) => {
        deepEqual(
          s.routes["10.70.0.64/26"],
          route("10.70.0.64/26", {
            types: REMOTE_WORKLOAD,
            ipPoolType: "vxlan",
            ...AT2,
            sameSubnet: true,
          }),
        );
        deepEqual(s.routes["10.70.0.65/32"]?.tunnelType, IPIP_TUNNEL);
        deepEqual(s.encapsulation, { ...ENCAP, vxlanEnabled: true });
      },
    },
  ],
});

scenarioTest({
  name: "a VTEP needs a tunnel address and a host address of the same family",
  hostname: HOST,
  states: [
    {
      name: "node-2 has a VXLAN address but no host address",
      resources: [k8sNode("node-2", { vxlanV4: "10.65.0.65", labels: { rack: "a" } })],
      check: (s) => {
        deepEqual(s.vteps, {});
        deepEqual(s.hostMetadata, {
          "node-2": {
            type: "HostMetadataUpdate",
            hostname: "node-2",
            ipv4Addr: "",
            ipv6Addr: "",
            asNumber: "",
            labels: { rack: "a" },
          },
        });
        deepEqual(
          s.routes,
          routesByDst([
            route("10.65.0.65/32", {
              types: REMOTE_TUNNEL,
              dstNodeName: "node-2",
              tunnelType: VXLAN_TUNNEL,
            }),
          ]),
        );
      },
    },
    {
      name: "node-2 gets an InternalIP and a MAC",
      resources: [
        k8sNode("node-2", {
          vxlanV4: "10.65.0.65",
          vxlanMac: "66:AA:BB:CC:DD:EE",
          internalIPs: ["192.168.0.2"],
        }),
      ],
      check: (s) => {
        deepEqual(s.vteps, {
          "node-2": vtepV4("node-2", "66:aa:bb:cc:dd:ee", "10.65.0.65", "192.168.0.2"),
        });
        deepEqual(s.hostMetadata["node-2"]?.ipv4Addr, "192.168.0.2/32");
        deepEqual(s.hostMetadata["node-2"]?.labels, {});
      },
    },
    {
      name: "node-2's VXLAN address is only IPv6, its host address only IPv4",
      resources: [
        k8sNode("node-2", { vxlanV6: "fd00:10::41", internalIPs: ["192.168.0.2"] }),
      ],
      check: (s) => {
        deepEqual(s.vteps, {});
      },
    },
  ],
});
