/**
 * Scenarios: rule selectors become IP sets whose members are the addresses of every matching
 * endpoint in the cluster (not only local ones) and the nets of matching network sets; identical
 * selectors share one set; a set lives while some active policy uses it.
 */
import { deepEqual } from "node:assert/strict";
import { scenarioTest } from "./harness.ts";
import { ruleOf, selectorSet } from "./snapshot_checks.ts";
import {
  globalNetworkSet,
  gnp,
  hostEndpoint,
  namespace,
  networkSet,
  np,
  pod,
} from "./resources.ts";

const HOST = "node-1";
const CLIENT = "app == 'client'";
const CLIENTS = selectorSet(CLIENT);

const server = pod({
  name: "server",
  ns: "shop",
  node: HOST,
  ips: ["10.65.0.1"],
  labels: {
    app: "server",
  },
});
const fromClients = gnp("from-clients", {
  selector: "app == 'server'",
  ingress: [{ action: "Allow", source: { selector: CLIENT } }],
});
const toClients = gnp("to-clients", {
  selector: "app == 'server'",
  egress: [{ action: "Allow", destination: { selector: CLIENT } }],
});
const client = (name: string, node: string, ips: string[], app = "client") =>
  pod({ name, ns: "shop", node, ips, labels: { app } });
const shop = namespace("shop");

scenarioTest({
  name: "a rule selector's IP set follows remote endpoints and is shared by two policies",
  hostname: HOST,
  states: [
    {
      name: "one remote client, two policies using the same selector",
      resources: [shop, server, fromClients, toClients, client("c1", "node-2", ["10.65.1.1"])],
      check: (s) => {
        deepEqual(s.ipSets, { [CLIENTS]: { type: "net", members: ["10.65.1.1/32"] } });
        deepEqual(ruleOf(s, "GlobalNetworkPolicy/from-clients", "inbound", 0).srcIPSetIds, [
          CLIENTS,
        ]);
        deepEqual(ruleOf(s, "GlobalNetworkPolicy/to-clients", "outbound", 0).dstIPSetIds, [
          CLIENTS,
        ]);
      },
    },
    {
      name: "more clients: remote dual-stack, and local",
      resources: [
        shop,
        server,
        fromClients,
        toClients,
        client("c1", "node-2", ["10.65.1.1"]),
        client("c2", "node-2", ["10.65.1.2"]),
        client("c3", "node-3", ["10.65.2.3", "fd00:65::3"]),
        client("c4", HOST, ["10.65.0.4"]),
      ],
      check: (s) => {
        deepEqual(s.ipSets, {
          [CLIENTS]: {
            type: "net",
            members: [
              "10.65.0.4/32",
              "10.65.1.1/32",
              "10.65.1.2/32",
              "10.65.2.3/32",
              "fd00:65::3/128",
            ],
          },
        });
      },
    },
    {
      name: "c1 relabelled, c2 and c4 gone, c3 moves address",
      resources: [
        shop,
        server,
        fromClients,
        toClients,
        client("c1", "node-2", ["10.65.1.1"], "other"),
        client("c3", "node-3", ["10.65.2.33"]),
      ],
      check: (s) => {
        deepEqual(s.ipSets, { [CLIENTS]: { type: "net", members: ["10.65.2.33/32"] } });
      },
    },
    {
      name: "one of the two policies deleted: the set stays",
      resources: [shop, server, toClients, client("c3", "node-3", ["10.65.2.33"])],
      check: (s) => {
        deepEqual(Object.keys(s.policies), ["GlobalNetworkPolicy/to-clients"]);
        deepEqual(s.ipSets, { [CLIENTS]: { type: "net", members: ["10.65.2.33/32"] } });
      },
    },
    {
      name: "the last policy deleted: the set goes",
      resources: [shop, server, client("c3", "node-3", ["10.65.2.33"])],
      check: (s) => {
        deepEqual(s.policies, {});
        deepEqual(s.ipSets, {});
      },
    },
    {
      name: "the policy back, but no local server: still no set",
      resources: [shop, fromClients, client("c3", "node-3", ["10.65.2.33"])],
      check: (s) => {
        deepEqual(s.policies, {});
        deepEqual(s.ipSets, {});
      },
    },
  ],
});

const feed = { feed: "bad" };
const denyFeed = gnp("deny-feed", {
  selector: "all()",
  ingress: [{ action: "Deny", source: { selector: "feed == 'bad'" } }],
});
const denyFeedInShop = np("shop", "deny-feed", {
  selector: "all()",
  ingress: [{ action: "Deny", source: { selector: "feed == 'bad'" } }],
});
const world = gnp("world", {
  selector: "all()",
  egress: [{ action: "Allow", destination: { selector: "world == 'yes'" } }],
});
const FEED = selectorSet("feed == 'bad'");
const WORLD = selectorSet("world == 'yes'");
const local = pod({ name: "local", ns: "shop", node: HOST, ips: ["10.65.0.1"] });

scenarioTest({
  name: "network sets are members of rule selector sets; a /0 is split into two /1s",
  hostname: HOST,
  states: [
    {
      name: "a global network set and a labelled remote pod",
      resources: [
        shop,
        local,
        denyFeed,
        globalNetworkSet("feed", ["198.51.100.0/24", "203.0.113.7/32"], feed),
        pod({ name: "bad", ns: "other", node: "node-2", ips: ["10.65.1.9"], labels: feed }),
      ],
      check: (s) => {
        deepEqual(s.ipSets, {
          [FEED]: { type: "net", members: ["10.65.1.9/32", "198.51.100.0/24", "203.0.113.7/32"] },
        });
      },
    },
    {
      name: "a namespaced network set, a namespaced policy, /0 sets",
      resources: [
        shop,
        local,
        denyFeed,
        denyFeedInShop,
        world,
        globalNetworkSet("feed", ["198.51.100.0/24", "203.0.113.7/32"], feed),
        networkSet("shop", "feed", ["192.0.2.0/24"], feed),
        networkSet("other", "feed", ["192.0.3.0/24"], feed),
        globalNetworkSet("everything", ["0.0.0.0/0", "::/0"], { world: "yes" }),
        globalNetworkSet("upper-half", ["128.0.0.0/1"], { world: "yes" }),
      ],
      check: (s) => {
        const shopFeed = ruleOf(s, "NetworkPolicy/shop/deny-feed", "inbound", 0).srcIPSetIds;
        deepEqual(shopFeed, [
          selectorSet("(projectcalico.org/namespace == 'shop') && (feed == 'bad')"),
        ]);
        deepEqual(s.ipSets, {
          [FEED]: {
            type: "net",
            members: ["192.0.2.0/24", "192.0.3.0/24", "198.51.100.0/24", "203.0.113.7/32"],
          },
          [shopFeed[0]!]: { type: "net", members: ["192.0.2.0/24"] },
          [WORLD]: { type: "net", members: ["0.0.0.0/1", "128.0.0.0/1", "8000::/1", "::/1"] },
        });
      },
    },
    {
      name: "the /0 set gone, the /1 stays; the global set's nets change",
      resources: [
        shop,
        local,
        denyFeed,
        world,
        globalNetworkSet("feed", ["198.51.100.0/25"], feed),
        networkSet("shop", "feed", ["192.0.2.0/24"], feed),
        globalNetworkSet("upper-half", ["128.0.0.0/1"], { world: "yes" }),
      ],
      check: (s) => {
        deepEqual(s.ipSets, {
          [FEED]: { type: "net", members: ["192.0.2.0/24", "198.51.100.0/25"] },
          [WORLD]: { type: "net", members: ["128.0.0.0/1"] },
        });
      },
    },
    {
      name: "the network sets lose their labels",
      resources: [
        shop,
        local,
        denyFeed,
        world,
        globalNetworkSet("feed", ["198.51.100.0/25"]),
        networkSet("shop", "feed", ["192.0.2.0/24"], { feed: "good" }),
        globalNetworkSet("upper-half", ["128.0.0.0/1"]),
      ],
      check: (s) => {
        deepEqual(s.ipSets, {
          [FEED]: { type: "net", members: [] },
          [WORLD]: { type: "net", members: [] },
        });
      },
    },
  ],
});

const FROM_PROD_AND_PARTNERS = [
  gnp("from-prod", {
    selector: "all()",
    ingress: [{ action: "Allow", source: { namespaceSelector: "env == 'prod'" } }],
  }),
  networkSet("shop", "partners", ["192.0.2.0/24"]),
  networkSet("other", "partners", ["192.0.3.0/24"]),
];

scenarioTest({
  name: "a namespaced network set inherits its namespace's labels",
  hostname: HOST,
  states: [
    {
      name: "namespace shop is prod",
      resources: [
        namespace("shop", { env: "prod" }),
        local,
        ...FROM_PROD_AND_PARTNERS,
      ],
      check: (s) => {
        const ids = ruleOf(s, "GlobalNetworkPolicy/from-prod", "inbound", 0).srcIPSetIds;
        deepEqual(ids, [selectorSet('pcns.env == "prod"')]);
        deepEqual(s.ipSets, {
          [ids[0]!]: { type: "net", members: ["10.65.0.1/32", "192.0.2.0/24"] },
        });
      },
    },
    {
      name: "namespace other becomes prod too, shop is not",
      resources: [
        namespace("shop"),
        namespace("other", { env: "prod" }),
        local,
        ...FROM_PROD_AND_PARTNERS,
      ],
      check: (s) => {
        deepEqual(s.ipSets, {
          [selectorSet('pcns.env == "prod"')]: { type: "net", members: ["192.0.3.0/24"] },
        });
      },
    },
  ],
});

/** A second pod with d1's address, labelled keep: no. */
const d2 = pod({
  name: "d2",
  ns: "shop",
  node: "node-3",
  ips: ["10.65.1.1"],
  labels: { dup: "yes", keep: "no" },
});
const dupes = gnp("dupes", {
  selector: "all()",
  ingress: [
    { action: "Allow", source: { selector: "dup == 'yes'" } },
    { action: "Deny", source: { selector: "dup == 'yes'", notSelector: "keep == 'no'" } },
    { action: "Deny", source: { notSelector: "dup == 'yes'" } },
  ],
});
const DUP = selectorSet("dup == 'yes'");
const DUP_KEPT = selectorSet("(dup == 'yes') && (!(keep == 'no'))");

scenarioTest({
  name: "a member shared by several endpoints and network sets stays until its last source goes",
  hostname: HOST,
  states: [
    {
      name: "10.65.1.1 from two pods, a host endpoint and a network set",
      resources: [
        shop,
        local,
        dupes,
        pod({ name: "d1", ns: "shop", node: "node-2", ips: ["10.65.1.1"], labels: { dup: "yes" } }),
        d2,
        hostEndpoint("h", { node: "node-4", expectedIPs: ["10.65.1.1", "192.168.0.4"] }, {
          dup: "yes",
        }),
        globalNetworkSet("n", ["10.65.1.1/32", "10.65.1.0/24"], { dup: "yes" }),
      ],
      check: (s) => {
        const rule = (i: number) => ruleOf(s, "GlobalNetworkPolicy/dupes", "inbound", i);
        deepEqual(rule(1).srcIPSetIds, [DUP_KEPT]);
        deepEqual(rule(1).notSrcIPSetIds, []);
        deepEqual(rule(2).srcIPSetIds, []);
        deepEqual(rule(2).notSrcIPSetIds, [DUP]);
        deepEqual(s.ipSets, {
          [DUP]: {
            type: "net",
            members: ["10.65.1.0/24", "10.65.1.1/32", "192.168.0.4/32"],
          },
          [DUP_KEPT]: {
            type: "net",
            members: ["10.65.1.0/24", "10.65.1.1/32", "192.168.0.4/32"],
          },
        });
      },
    },
    {
      name: "d1 and the network set gone; the host endpoint no longer lists 10.65.1.1",
      resources: [
        shop,
        local,
        dupes,
        d2,
        hostEndpoint("h", { node: "node-4", expectedIPs: ["192.168.0.4"] }, { dup: "yes" }),
      ],
      check: (s) => {
        deepEqual(s.ipSets, {
          [DUP]: { type: "net", members: ["10.65.1.1/32", "192.168.0.4/32"] },
          [DUP_KEPT]: { type: "net", members: ["192.168.0.4/32"] },
        });
      },
    },
  ],
});

scenarioTest({
  name: "a policy with AssumeNeededOnEveryNode is active without a local endpoint",
  hostname: HOST,
  states: [
    {
      name: "no local endpoint matches",
      resources: [
        shop,
        local,
        gnp("everywhere", {
          selector: "app == 'nowhere'",
          performanceHints: ["AssumeNeededOnEveryNode"],
          ingress: [{ action: "Allow", source: { selector: CLIENT } }],
        }),
        client("c1", "node-2", ["10.65.1.1"]),
      ],
      check: (s) => {
        deepEqual(Object.keys(s.policies), ["GlobalNetworkPolicy/everywhere"]);
        deepEqual(s.policies["GlobalNetworkPolicy/everywhere"]?.performanceHints, [
          "AssumeNeededOnEveryNode",
        ]);
        deepEqual(s.ipSets, { [CLIENTS]: { type: "net", members: ["10.65.1.1/32"] } });
        deepEqual(s.workloadEndpoints["k8s/shop/local/eth0"]?.tiers, []);
      },
    },
    {
      name: "the hint removed",
      resources: [
        shop,
        local,
        gnp("everywhere", {
          selector: "app == 'nowhere'",
          ingress: [{ action: "Allow", source: { selector: CLIENT } }],
        }),
        client("c1", "node-2", ["10.65.1.1"]),
      ],
      check: (s) => {
        deepEqual(s.policies, {});
        deepEqual(s.ipSets, {});
      },
    },
  ],
});
