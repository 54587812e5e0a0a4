/**
 * FV, nftables: allow and deny by CIDR (`nets`) and by its negation (`notNets`), for ingress
 * (traffic from the outside namespace) and egress (traffic to the uplink and the internet).
 *
 * Server ingress: TCP 8080 only from 10.99.0.0/24 (the uplink), TCP 9090 from anything outside
 * the pod CIDR. Client egress: TCP 8080 to 198.18.0.10/32 allowed, anything not in 10.0.0.0/8
 * denied, the rest allowed.
 */
import { assertMatrix, tcpCell } from "./matrix.ts";
import { UPLINK } from "./netns.ts";
import { gnp } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "srv", ns: "alpha", ipv4: "10.65.5.1", ipv6: "fd65::501", labels: { role: "server" } },
  { name: "client", ns: "alpha", ipv4: "10.65.5.2", ipv6: "fd65::502", labels: { role: "client" } },
] as const;

const SERVER = gnp("server-by-cidr", {
  selector: "role == 'server'",
  types: ["Ingress"],
  ingress: [
    {
      action: "Allow",
      protocol: "TCP",
      source: { nets: ["10.99.0.0/24"] },
      destination: { ports: [8080] },
    },
    {
      action: "Allow",
      protocol: "TCP",
      source: { notNets: ["10.65.0.0/16"] },
      destination: { ports: [9090] },
    },
  ],
});

const CLIENT = gnp("client-by-cidr", {
  selector: "role == 'client'",
  types: ["Egress"],
  egress: [
    {
      action: "Allow",
      protocol: "TCP",
      destination: { nets: [`${UPLINK.internetV4}/32`], ports: [8080] },
    },
    { action: "Deny", destination: { notNets: ["10.0.0.0/8"] } },
    { action: "Allow" },
  ],
});

const tcp = tcpCell;

Deno.test({
  name: "nftables: policies match source and destination CIDRs and their negation (notNets)",
  ignore: AGENT_SKIP,
  fn: async () => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [8080, 9090],
      udp: [],
    });
    try {
      await scene.program([SERVER, CLIENT]);
      await assertMatrix("cidr", scene.peers, [
        tcp("outside", "srv", 8080, "allow"),
        tcp("outside", "srv", 9090, "allow"),
        tcp("internet", "srv", 8080, "deny"),
        tcp("internet", "srv", 9090, "allow"),
        tcp("client", "srv", 8080, "deny"),
        tcp("client", "srv", 9090, "deny"),
        tcp("client", "internet", 8080, "allow"),
        tcp("client", "internet", 9090, "deny"),
        tcp("client", "outside", 8080, "allow"),
        tcp("client", "outside", 9090, "allow"),
        tcp("srv", "internet", 9090, "allow"),
        // v6: a rule whose CIDR lists hold only v4 CIDRs is skipped, so the server's rules
        // leave v6 to the end-of-tier drop, and the client's v6 traffic reaches the final allow.
        { ...tcp("outside", "srv", 8080, "deny"), family: 6 },
        { ...tcp("client", "outside", 9090, "allow"), family: 6 },
      ]);
    } finally {
      await scene.dispose();
    }
  },
});
