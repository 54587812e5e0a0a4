/**
 * Scenarios: a policy is active, and listed in a local endpoint's tiers, exactly while its
 * selector matches a local endpoint: through the pod's own labels, its namespace's labels
 * (`namespaceSelector`, `pcns.*`) and its profiles' labels.
 */
import { deepEqual } from "node:assert/strict";
import { scenarioTest } from "./harness.ts";
import { podId, wepTiers } from "./snapshot_checks.ts";
import { gnp, namespace, np, pod, tier } from "./resources.ts";

const HOST = "node-1";
const ALLOW_IN = { ingress: [{ action: "Allow" }] };

const web = (name: string, labels: Record<string, string>, ip: string) =>
  pod({ name, ns: "shop", node: HOST, ips: [ip], labels });

const defaultTier = (...ingress: string[]) => [
  { tier: "default", action: "Deny" as const, ingress, egress: [] },
];

scenarioTest({
  name: "a policy follows the labels of local pods",
  hostname: HOST,
  states: [
    {
      name: "a is web, b is db",
      resources: [
        namespace("shop"),
        gnp("web", { selector: "app == 'web'", ...ALLOW_IN }),
        web("a", { app: "web" }, "10.65.0.1"),
        web("b", { app: "db" }, "10.65.0.2"),
      ],
      check: (s) => {
        deepEqual(Object.keys(s.policies), ["GlobalNetworkPolicy/web"]);
        deepEqual(wepTiers(s, podId("shop", "a")), defaultTier("GlobalNetworkPolicy/web"));
        deepEqual(wepTiers(s, podId("shop", "b")), []);
        deepEqual(s.workloadEndpoints[podId("shop", "b")]?.profileIds, ["kns.shop"]);
      },
    },
    {
      name: "labels swapped",
      resources: [
        namespace("shop"),
        gnp("web", { selector: "app == 'web'", ...ALLOW_IN }),
        web("a", { app: "db" }, "10.65.0.1"),
        web("b", { app: "web" }, "10.65.0.2"),
      ],
      check: (s) => {
        deepEqual(Object.keys(s.policies), ["GlobalNetworkPolicy/web"]);
        deepEqual(wepTiers(s, podId("shop", "a")), []);
        deepEqual(wepTiers(s, podId("shop", "b")), defaultTier("GlobalNetworkPolicy/web"));
      },
    },
    {
      name: "no pod is web: the policy is inactive",
      resources: [
        namespace("shop"),
        gnp("web", { selector: "app == 'web'", ...ALLOW_IN }),
        web("a", { app: "db" }, "10.65.0.1"),
        web("b", { app: "db", tier: "web" }, "10.65.0.2"),
      ],
      check: (s) => {
        deepEqual(s.policies, {});
        deepEqual(wepTiers(s, podId("shop", "a")), []);
        deepEqual(wepTiers(s, podId("shop", "b")), []);
      },
    },
    {
      name: "a web pod on another node does not activate it",
      resources: [
        namespace("shop"),
        gnp("web", { selector: "app == 'web'", ...ALLOW_IN }),
        web("a", { app: "db" }, "10.65.0.1"),
        pod({ name: "c", ns: "shop", node: "node-2", ips: ["10.65.1.1"], labels: { app: "web" } }),
      ],
      check: (s) => {
        deepEqual(s.policies, {});
        deepEqual(Object.keys(s.workloadEndpoints), [podId("shop", "a")]);
      },
    },
  ],
});

const nsPolicy = gnp("team-web", { namespaceSelector: "team == 'web'", ...ALLOW_IN });
const pcnsPolicy = gnp("pcns-prod", { selector: "pcns.env == 'prod'", ...ALLOW_IN });
const pods = [
  pod({ name: "a", ns: "ns-a", node: HOST, ips: ["10.65.0.1"] }),
  pod({ name: "b", ns: "ns-b", node: HOST, ips: ["10.65.0.2"] }),
];

scenarioTest({
  name: "a namespaceSelector and a pcns selector follow namespace labels",
  hostname: HOST,
  states: [
    {
      name: "ns-a is web and prod",
      resources: [
        nsPolicy,
        pcnsPolicy,
        namespace("ns-a", { team: "web", env: "prod" }),
        namespace("ns-b", { team: "api" }),
        ...pods,
      ],
      check: (s) => {
        deepEqual(
          wepTiers(s, podId("ns-a", "a")),
          defaultTier("GlobalNetworkPolicy/pcns-prod", "GlobalNetworkPolicy/team-web"),
        );
        deepEqual(wepTiers(s, podId("ns-b", "b")), []);
        deepEqual(s.namespaces["ns-a"], {
          env: "prod",
          "projectcalico.org/name": "ns-a",
          team: "web",
        });
      },
    },
    {
      name: "ns-b becomes web, ns-a loses its labels",
      resources: [
        nsPolicy,
        pcnsPolicy,
        namespace("ns-a"),
        namespace("ns-b", { team: "web" }),
        ...pods,
      ],
      check: (s) => {
        deepEqual(wepTiers(s, podId("ns-a", "a")), []);
        deepEqual(wepTiers(s, podId("ns-b", "b")), defaultTier("GlobalNetworkPolicy/team-web"));
        deepEqual(Object.keys(s.policies), ["GlobalNetworkPolicy/team-web"]);
      },
    },
    {
      name: "namespace ns-b deleted: its pod has no namespace labels",
      resources: [nsPolicy, pcnsPolicy, namespace("ns-a", { env: "prod" }), ...pods],
      check: (s) => {
        deepEqual(wepTiers(s, podId("ns-a", "a")), defaultTier("GlobalNetworkPolicy/pcns-prod"));
        deepEqual(wepTiers(s, podId("ns-b", "b")), []);
        deepEqual(Object.keys(s.namespaces), ["ns-a"]);
      },
    },
  ],
});

scenarioTest({
  name: "a Calico NetworkPolicy selects only pods of its own namespace",
  hostname: HOST,
  states: [
    {
      name: "two namespaces with an app=web pod each",
      resources: [
        namespace("ns-a"),
        namespace("ns-b"),
        np("ns-a", "web", { selector: "app == 'web'", ...ALLOW_IN }),
        pod({ name: "a", ns: "ns-a", node: HOST, ips: ["10.65.0.1"], labels: { app: "web" } }),
        pod({ name: "b", ns: "ns-b", node: HOST, ips: ["10.65.0.2"], labels: { app: "web" } }),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, podId("ns-a", "a")), defaultTier("NetworkPolicy/ns-a/web"));
        deepEqual(wepTiers(s, podId("ns-b", "b")), []);
      },
    },
    {
      name: "the ns-a pod leaves; the same policy in ns-b selects the other",
      resources: [
        namespace("ns-a"),
        namespace("ns-b"),
        np("ns-a", "web", { selector: "app == 'web'", ...ALLOW_IN }),
        np("ns-b", "web", { selector: "app == 'web'", ...ALLOW_IN }),
        pod({ name: "b", ns: "ns-b", node: HOST, ips: ["10.65.0.2"], labels: { app: "web" } }),
      ],
      check: (s) => {
        deepEqual(Object.keys(s.policies), ["NetworkPolicy/ns-b/web"]);
        deepEqual(wepTiers(s, podId("ns-b", "b")), defaultTier("NetworkPolicy/ns-b/web"));
      },
    },
  ],
});

const moving = (node: string, app = "web") =>
  pod({ name: "m", ns: "shop", node, ips: ["10.65.0.9"], labels: { app } });
const fromWeb = gnp("from-web", {
  selector: "app == 'web'",
  ingress: [{ action: "Allow", source: { selector: "app == 'web'" } }],
});

scenarioTest({
  name: "a pod that moves between this node and another",
  hostname: HOST,
  states: [
    {
      name: "on this node",
      resources: [namespace("shop"), fromWeb, moving(HOST)],
      check: (s) => {
        deepEqual(wepTiers(s, podId("shop", "m")), defaultTier("GlobalNetworkPolicy/from-web"));
        deepEqual(Object.values(s.ipSets).map((x) => x.members), [["10.65.0.9/32"]]);
      },
    },
    {
      name: "on node-2: no local endpoint, no policy",
      resources: [namespace("shop"), fromWeb, moving("node-2")],
      check: (s) => {
        deepEqual(s.workloadEndpoints, {});
        deepEqual(s.policies, {});
        deepEqual(s.ipSets, {});
        deepEqual(s.profiles, {});
      },
    },
    {
      name: "back on this node with another label, and a second web pod remote",
      resources: [
        namespace("shop"),
        fromWeb,
        moving(HOST, "api"),
        pod({ name: "w", ns: "shop", node: "node-2", ips: ["10.65.1.1"], labels: { app: "web" } }),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, podId("shop", "m")), []);
        deepEqual(s.policies, {});
        deepEqual(Object.keys(s.profiles), ["kns.shop"]);
      },
    },
  ],
});

scenarioTest({
  name: "a policy that changes tier, order and types while it selects an endpoint",
  hostname: HOST,
  states: [
    {
      name: "ingress-only in tier default",
      resources: [
        namespace("shop"),
        moving(HOST),
        gnp("p", { selector: "all()", ingress: [{ action: "Allow" }] }),
        gnp("q", { selector: "all()", order: 10, ingress: [{ action: "Allow" }] }),
      ],
      check: (s) => {
        deepEqual(
          wepTiers(s, podId("shop", "m")),
          defaultTier("GlobalNetworkPolicy/q", "GlobalNetworkPolicy/p"),
        );
      },
    },
    {
      name: "p moves to tier security, egress-only, order 1",
      resources: [
        namespace("shop"),
        moving(HOST),
        tier("security", { order: 10 }),
        gnp("p", { tier: "security", order: 1, selector: "all()", egress: [{ action: "Allow" }] }),
        gnp("q", { selector: "all()", order: 10, ingress: [{ action: "Allow" }] }),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, podId("shop", "m")), [
          { tier: "security", action: "Deny", ingress: [], egress: ["GlobalNetworkPolicy/p"] },
          ...defaultTier("GlobalNetworkPolicy/q"),
        ]);
        deepEqual(s.policies["GlobalNetworkPolicy/p"]?.tier, "security");
      },
    },
    {
      name: "p back in default, both directions, ahead of q",
      resources: [
        namespace("shop"),
        moving(HOST),
        tier("security", { order: 10 }),
        gnp("p", {
          order: 1,
          selector: "all()",
          ingress: [{ action: "Allow" }],
          egress: [{ action: "Allow" }],
        }),
        gnp("q", { selector: "all()", order: 10, ingress: [{ action: "Allow" }] }),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, podId("shop", "m")), [{
          tier: "default",
          action: "Deny",
          ingress: ["GlobalNetworkPolicy/p", "GlobalNetworkPolicy/q"],
          egress: ["GlobalNetworkPolicy/p"],
        }]);
      },
    },
  ],
});
