/**
 * Scenarios: a named port in a rule becomes an `n:` IP set of `<ip>,<proto>:<port>` members,
 * one per address and matching port of every selected endpoint in the cluster.
 */
import { deepEqual } from "node:assert/strict";
import { scenarioTest } from "./harness.ts";
import { namedPortSet, ruleOf, selectorSet } from "./snapshot_checks.ts";
import { globalNetworkSet, gnp, namespace, pod, type PodPort } from "./resources.ts";

const HOST = "node-1";
const WEB = "app == 'web'";
const POLICY = "GlobalNetworkPolicy/to-web";

const shop = namespace("shop");
const server = pod({
  name: "server",
  ns: "shop",
  node: HOST,
  ips: ["10.65.0.1"],
  labels: {
    app: "server",
  },
});
const web = (name: string, ip: string, ports: PodPort[], app = "web") =>
  pod({ name, ns: "shop", node: "node-2", ips: [ip], labels: { app }, ports });

const toWeb = gnp("to-web", {
  selector: "app == 'server'",
  egress: [
    { action: "Allow", protocol: "TCP", destination: { selector: WEB, ports: ["http"] } },
    { action: "Allow", protocol: "UDP", destination: { selector: WEB, ports: ["dns"] } },
    { action: "Allow", destination: { selector: WEB, ports: ["dns"] } },
    { action: "Allow", protocol: "TCP", destination: { selector: WEB, ports: ["http", 443] } },
  ],
});
const HTTP = namedPortSet(WEB, "tcp", "http");
const DNS_UDP = namedPortSet(WEB, "udp", "dns");
const DNS_ANY = namedPortSet(WEB, "any", "dns");
const WEB_NET = selectorSet(WEB);

scenarioTest({
  name: "named ports become ip-and-port sets that follow pod ports",
  hostname: HOST,
  states: [
    {
      name: "two web pods with http and dns ports",
      resources: [
        shop,
        server,
        toWeb,
        web("w1", "10.65.1.1", [{ name: "http", port: 8080 }]),
        web("w2", "10.65.1.2", [
          { name: "http", port: 80 },
          { name: "dns", port: 53, protocol: "UDP" },
          { name: "dns", port: 5353, protocol: "TCP" },
        ]),
        globalNetworkSet("web-nets", ["192.0.2.0/24"], { app: "web" }),
      ],
      check: (s) => {
        const rule = (i: number) => ruleOf(s, POLICY, "outbound", i);
        deepEqual(rule(0).dstNamedPortIPSetIds, [HTTP]);
        deepEqual(rule(0).dstIPSetIds, []);
        deepEqual(rule(1).dstNamedPortIPSetIds, [DNS_UDP]);
        deepEqual(rule(2).dstNamedPortIPSetIds, [DNS_ANY]);
        // Numeric and named ports: the plain selector set too, and the number as a range.
        deepEqual(rule(3).dstNamedPortIPSetIds, [HTTP]);
        deepEqual(rule(3).dstIPSetIds, [WEB_NET]);
        deepEqual(rule(3).dstPorts, [{ first: 443, last: 443 }]);
        deepEqual(s.ipSets, {
          [HTTP]: { type: "ip-and-port", members: ["10.65.1.1,tcp:8080", "10.65.1.2,tcp:80"] },
          [DNS_UDP]: { type: "ip-and-port", members: ["10.65.1.2,udp:53"] },
          [DNS_ANY]: { type: "ip-and-port", members: ["10.65.1.2,tcp:5353", "10.65.1.2,udp:53"] },
          [WEB_NET]: {
            type: "net",
            members: ["10.65.1.1/32", "10.65.1.2/32", "192.0.2.0/24"],
          },
        });
      },
    },
    {
      name: "w1 renames its port, w2 gets a second address and loses dns",
      resources: [
        shop,
        server,
        toWeb,
        web("w1", "10.65.1.1", [{ name: "web", port: 8080 }]),
        pod({
          name: "w2",
          ns: "shop",
          node: "node-2",
          ips: ["10.65.1.2", "fd00:65::2"],
          labels: { app: "web" },
          ports: [{ name: "http", port: 80 }],
        }),
      ],
      check: (s) => {
        deepEqual(s.ipSets, {
          [HTTP]: { type: "ip-and-port", members: ["10.65.1.2,tcp:80", "fd00:65::2,tcp:80"] },
          [DNS_UDP]: { type: "ip-and-port", members: [] },
          [DNS_ANY]: { type: "ip-and-port", members: [] },
          [WEB_NET]: { type: "net", members: ["10.65.1.1/32", "10.65.1.2/32", "fd00:65::2/128"] },
        });
      },
    },
    {
      name: "w1 named http again on another number; w2 no longer web",
      resources: [
        shop,
        server,
        toWeb,
        web("w1", "10.65.1.1", [{ name: "http", port: 8081 }]),
        web("w2", "10.65.1.2", [{ name: "http", port: 80 }], "api"),
      ],
      check: (s) => {
        deepEqual(s.ipSets[HTTP], { type: "ip-and-port", members: ["10.65.1.1,tcp:8081"] });
        deepEqual(s.ipSets[WEB_NET], { type: "net", members: ["10.65.1.1/32"] });
      },
    },
  ],
});

scenarioTest({
  name: "a named source port and a named notPort use the positive selector or all()",
  hostname: HOST,
  states: [
    {
      name: "a source named port without a selector, a negated named port with one",
      resources: [
        shop,
        server,
        gnp("named-src", {
          selector: "app == 'server'",
          ingress: [
            { action: "Allow", protocol: "TCP", source: { ports: ["metrics"] } },
            { action: "Deny", protocol: "TCP", destination: { selector: WEB, notPorts: ["http"] } },
          ],
        }),
        web("w1", "10.65.1.1", [{ name: "http", port: 8080 }, { name: "metrics", port: 9100 }]),
        pod({
          name: "other",
          ns: "shop",
          node: "node-3",
          ips: ["10.65.2.1"],
          ports: [{ name: "metrics", port: 9090 }],
        }),
      ],
      check: (s) => {
        const ALL_METRICS = namedPortSet("all()", "tcp", "metrics");
        const policy = "GlobalNetworkPolicy/named-src";
        deepEqual(ruleOf(s, policy, "inbound", 0).srcNamedPortIPSetIds, [ALL_METRICS]);
        deepEqual(ruleOf(s, policy, "inbound", 1).notDstNamedPortIPSetIds, [HTTP]);
        deepEqual(ruleOf(s, policy, "inbound", 1).dstIPSetIds, [WEB_NET]);
        deepEqual(s.ipSets, {
          [ALL_METRICS]: {
            type: "ip-and-port",
            members: ["10.65.1.1,tcp:9100", "10.65.2.1,tcp:9090"],
          },
          [HTTP]: { type: "ip-and-port", members: ["10.65.1.1,tcp:8080"] },
          [WEB_NET]: { type: "net", members: ["10.65.1.1/32"] },
        });
      },
    },
  ],
});

scenarioTest({
  name: "named ports with numeric protocols and SCTP",
  hostname: HOST,
  states: [
    {
      name: "protocol 6, 17 and SCTP rules; tcp, udp and sctp pod ports named alike",
      resources: [
        shop,
        server,
        gnp("numeric", {
          selector: "app == 'server'",
          egress: [
            { action: "Allow", protocol: 6, destination: { selector: WEB, ports: ["p"] } },
            { action: "Allow", protocol: 17, destination: { selector: WEB, ports: ["p"] } },
            { action: "Allow", protocol: "SCTP", destination: { selector: WEB, ports: ["p"] } },
          ],
        }),
        web("w1", "10.65.1.1", [
          { name: "p", port: 1000, protocol: "TCP" },
          { name: "p", port: 2000, protocol: "UDP" },
          { name: "p", port: 3000, protocol: "SCTP" },
        ]),
      ],
      check: (s) => {
        const TCP = namedPortSet(WEB, "tcp", "p");
        const UDP = namedPortSet(WEB, "udp", "p");
        const SCTP = namedPortSet(WEB, "sctp", "p");
        const ids = [0, 1, 2].map((i) =>
          ruleOf(s, "GlobalNetworkPolicy/numeric", "outbound", i).dstNamedPortIPSetIds
        );
        deepEqual(ids, [[TCP], [UDP], [SCTP]]);
        deepEqual(s.ipSets, {
          [TCP]: { type: "ip-and-port", members: ["10.65.1.1,tcp:1000"] },
          [UDP]: { type: "ip-and-port", members: ["10.65.1.1,udp:2000"] },
          [SCTP]: { type: "ip-and-port", members: ["10.65.1.1,sctp:3000"] },
        });
      },
    },
  ],
});
