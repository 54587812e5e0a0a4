/**
 * Scenarios: host endpoints (named interfaces and `*`) get four tier lists: normal, untracked
 * (doNotTrack), pre-DNAT and forward (applyOnForward); workloads get only the normal list.
 */
import { deepEqual } from "node:assert/strict";
import { scenarioTest } from "./harness.ts";
import { hepOf, podId, selectorSet, summarise, wepTiers } from "./snapshot_checks.ts";
import { gnp, hostEndpoint, namespace, pod, tier } from "./resources.ts";

const HOST = "node-1";
const GW = "role == 'gw'";
const allow = [{ action: "Allow" }];
const g = (name: string) => `GlobalNetworkPolicy/${name}`;

const policies = (untracked: boolean) => [
  gnp("normal", { order: 10, selector: GW, ingress: allow, egress: allow }),
  gnp("fwd", { order: 20, selector: GW, applyOnForward: true, ingress: allow }),
  gnp("pre", {
    order: 5,
    selector: GW,
    preDNAT: true,
    applyOnForward: true,
    ingress: [{ action: "Allow", source: { selector: GW } }],
  }),
  gnp("untracked", {
    order: 1,
    selector: GW,
    doNotTrack: untracked,
    applyOnForward: true,
    ingress: allow,
    egress: allow,
  }),
  gnp("edge-pre", {
    tier: "edge",
    selector: GW,
    preDNAT: true,
    applyOnForward: true,
    ingress: allow,
  }),
  gnp("star-only", { selector: "all == 'yes'", ingress: allow }),
  tier("edge", { order: 50, defaultAction: "Deny" }),
];

const eth0 = (labels: Record<string, string>) =>
  hostEndpoint("h-eth0", {
    node: HOST,
    interfaceName: "eth0",
    expectedIPs: ["192.168.0.1", "fd00:168::1"],
    profiles: ["projectcalico-default-allow"],
  }, labels);
const star = hostEndpoint("h-all", { node: HOST, interfaceName: "*" }, { role: "gw", all: "yes" });
const remote = hostEndpoint(
  "h-remote",
  { node: "node-2", interfaceName: "eth0", expectedIPs: ["192.168.0.2"] },
  { role: "gw" },
);
const shop = namespace("shop");
const gwPod = pod({
  name: "gw",
  ns: "shop",
  node: HOST,
  ips: ["10.65.0.1"],
  labels: { role: "gw" },
});

const NORMAL = {
  tier: "default",
  action: "Deny",
  ingress: [g("normal"), g("fwd")],
  egress: [g("normal")],
};
const UNTRACKED = [{
  tier: "default",
  action: "Pass",
  ingress: [g("untracked")],
  egress: [g("untracked")],
}];
const PRE_DNAT = [
  { tier: "edge", action: "Pass", ingress: [g("edge-pre")], egress: [] },
  { tier: "default", action: "Pass", ingress: [g("pre")], egress: [] },
];
const FORWARD = [{ tier: "default", action: "Deny", ingress: [g("fwd")], egress: [] }];

/** A HEP's four tier lists, summarised. */
const lists = (s: Parameters<typeof hepOf>[0], id: string) => {
  const h = hepOf(s, id);
  return {
    tiers: summarise(h.tiers),
    untracked: summarise(h.untrackedTiers),
    preDNAT: summarise(h.preDNATTiers),
    forward: summarise(h.forwardTiers),
  };
};

scenarioTest({
  name: "host endpoints get normal, untracked, pre-DNAT and forward tiers; workloads only normal",
  hostname: HOST,
  states: [
    {
      name: "eth0 and * host endpoints and a pod, all role gw",
      resources: [...policies(true), eth0({ role: "gw" }), star, remote, shop, gwPod],
      check: (s) => {
        deepEqual(lists(s, "h-eth0"), {
          tiers: [NORMAL],
          untracked: UNTRACKED,
          preDNAT: PRE_DNAT,
          forward: FORWARD,
        });
        deepEqual(lists(s, "h-all"), {
          tiers: [{ ...NORMAL, ingress: [g("normal"), g("fwd"), g("star-only")] }],
          untracked: UNTRACKED,
          preDNAT: PRE_DNAT,
          forward: FORWARD,
        });
        const { tiers: _, untrackedTiers: _u, preDNATTiers: _p, forwardTiers: _f, ...eth0Rest } =
          hepOf(s, "h-eth0");
        deepEqual(eth0Rest, {
          name: "eth0",
          profileIds: ["projectcalico-default-allow"],
          expectedIPv4Addrs: ["192.168.0.1"],
          expectedIPv6Addrs: ["fd00:168::1"],
        });
        deepEqual(hepOf(s, "h-all").name, "*");
        deepEqual(Object.keys(s.hostEndpoints), ["h-all", "h-eth0"]);
        deepEqual(wepTiers(s, podId("shop", "gw")), [NORMAL]);
        deepEqual(s.policies[g("pre")]?.preDNAT, true);
        deepEqual(s.policies[g("untracked")]?.untracked, true);
        deepEqual(s.ipSets, {
          [selectorSet(GW)]: {
            type: "net",
            members: ["10.65.0.1/32", "192.168.0.1/32", "192.168.0.2/32", "fd00:168::1/128"],
          },
        });
      },
    },
    {
      name: "eth0 no longer gw; the untracked policy becomes a normal forward policy",
      resources: [...policies(false), eth0({ role: "other" }), star, remote, shop, gwPod],
      check: (s) => {
        deepEqual(lists(s, "h-eth0"), { tiers: [], untracked: [], preDNAT: [], forward: [] });
        const normal = {
          ...NORMAL,
          ingress: [g("untracked"), g("normal"), g("fwd"), g("star-only")],
          egress: [g("untracked"), g("normal")],
        };
        deepEqual(lists(s, "h-all"), {
          tiers: [normal],
          untracked: [],
          preDNAT: PRE_DNAT,
          forward: [{
            ...FORWARD[0]!,
            ingress: [g("untracked"), g("fwd")],
            egress: [g("untracked")],
          }],
        });
        deepEqual(s.policies[g("untracked")]?.untracked, false);
        deepEqual(s.ipSets[selectorSet(GW)]?.members, [
          "10.65.0.1/32",
          "192.168.0.2/32",
        ]);
      },
    },
    {
      name: "the * endpoint and the pod gone: nothing selects the policies",
      resources: [...policies(false), eth0({ role: "other" }), remote, shop],
      check: (s) => {
        deepEqual(Object.keys(s.hostEndpoints), ["h-eth0"]);
        deepEqual(s.policies, {});
        deepEqual(s.ipSets, {});
      },
    },
  ],
});
