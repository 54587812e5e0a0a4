/**
 * Scenarios: invalid resources are ignored without disturbing the rest. The harness checks each
 * state that lists `invalid` resources against the same state without them; the checks here say
 * what the rest is.
 */
import { deepEqual } from "node:assert/strict";
import type { DataplaneSnapshot } from "./checking_dataplane.ts";
import { scenarioTest } from "./harness.ts";
import { podId, selectorSet, wepTiers } from "./snapshot_checks.ts";
import {
  globalNetworkSet,
  gnp,
  hostEndpoint,
  ipamBlock,
  ipPool,
  k8sNode,
  namespace,
  np,
  pod,
  tier,
} from "./resources.ts";

const HOST = "node-1";
const CLIENTS = selectorSet("app == 'client'");

const webFromClients = (selector: string) =>
  gnp("web-from-clients", {
    selector: "app == 'web'",
    ingress: [{ action: "Allow", source: { selector } }],
  });
const client = (ip: string) =>
  pod({ name: "client", ns: "shop", node: "node-2", ips: [ip], labels: { app: "client" } });
const BASE = [
  namespace("shop"),
  k8sNode("node-1", { ipv4: "192.168.0.1/24" }),
  ipPool("10.65.0.0/16", { vxlanMode: "Always" }),
  ipamBlock("10.65.0.0/26", "node-1"),
  pod({ name: "web", ns: "shop", node: HOST, ips: ["10.65.0.1"], labels: { app: "web" } }),
];

const INVALID = [
  gnp("bad-selector", { selector: "app == ", ingress: [{ action: "Allow" }] }),
  gnp("bad-rule-selector", {
    selector: "all()",
    ingress: [{ action: "Allow", source: { selector: "app in {" } }],
  }),
  np("shop", "bad-namespace-selector", {
    selector: "all()",
    ingress: [{ action: "Deny", source: { namespaceSelector: "team ==" } }],
  }),
  gnp("bad-port", {
    selector: "all()",
    ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: [70000] } }],
  }),
  pod({ name: "bad-ip", ns: "shop", node: HOST, ips: ["10.65.0.300"], labels: { app: "web" } }),
  ipPool("10.66.0.0/33", { vxlanMode: "Always" }, "bad-cidr"),
  ipPool("10.67.0.0/16", { vxlanMode: "Sometimes" }),
  ipPool("10.68.0.0/16", { blockSize: 40 }),
  hostEndpoint("no-node", { interfaceName: "eth1" }, { app: "client" }),
  globalNetworkSet("bad-net", ["192.0.2.0/24", "192.0.2.300/32"], { app: "client" }),
  tier("bad-order", { order: "first" }),
];

function checkRest(s: DataplaneSnapshot, clientMembers: readonly string[] | undefined): void {
  deepEqual(Object.keys(s.workloadEndpoints), [podId("shop", "web")]);
  deepEqual(Object.keys(s.ipPools), ["10.65.0.0-16"]);
  deepEqual(s.hostEndpoints, {});
  deepEqual(Object.keys(s.routes), [
    "10.65.0.0/16",
    "10.65.0.0/26",
    "10.65.0.1/32",
    "192.168.0.1/32",
  ]);
  if (clientMembers === undefined) {
    deepEqual(s.policies, {});
    deepEqual(s.ipSets, {});
    deepEqual(wepTiers(s, podId("shop", "web")), []);
  } else {
    deepEqual(Object.keys(s.policies), ["GlobalNetworkPolicy/web-from-clients"]);
    deepEqual(s.ipSets, { [CLIENTS]: { type: "net", members: clientMembers } });
    deepEqual(wepTiers(s, podId("shop", "web")), [{
      tier: "default",
      action: "Deny",
      ingress: ["GlobalNetworkPolicy/web-from-clients"],
      egress: [],
    }]);
  }
}

scenarioTest({
  name: "invalid resources are ignored without disturbing the rest",
  hostname: HOST,
  states: [
    {
      name: "valid resources only",
      resources: [...BASE, webFromClients("app == 'client'"), client("10.65.1.1")],
      check: (s) => checkRest(s, ["10.65.1.1/32"]),
    },
    {
      name: "the same with invalid policies, pods, pools, host endpoints, network sets, tiers",
      resources: [...BASE, webFromClients("app == 'client'"), client("10.65.1.1")],
      invalid: INVALID,
      check: (s) => checkRest(s, ["10.65.1.1/32"]),
    },
    {
      name: "the remote client's IP turns invalid: it leaves the set",
      resources: [...BASE, webFromClients("app == 'client'")],
      invalid: [client("10.65.1.256"), ...INVALID],
      check: (s) => checkRest(s, []),
    },
    {
      name: "the policy's rule selector turns invalid: the policy and its set go",
      resources: [...BASE, client("10.65.1.1")],
      invalid: [webFromClients("app == 'client"), ...INVALID],
      check: (s) => checkRest(s, undefined),
    },
  ],
});
