/**
 * FV, nftables: a host endpoint on the uplink (`eth0` of the host namespace) with a deny-all
 * policy. The host still answers on inbound failsafe ports (TCP 22) and still reaches outbound
 * failsafe ports (TCP 6443), nothing else in or out; forwarded workload traffic is untouched
 * (the policy is not applyOnForward). Removing the policy leaves the endpoint with no policy
 * and no profile, which drops too; removing the endpoint opens the host again.
 */
import { assertMatrix, type Cell } from "./matrix.ts";
import { UPLINK } from "./netns.ts";
import { gnp, hostEndpoint } from "./resources.ts";
import { NODE, Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [{ name: "web", ns: "alpha", ipv4: "10.65.8.1" }] as const;

const HEP = hostEndpoint(
  "node-1-eth0",
  { node: NODE, interfaceName: "eth0", expectedIPs: [UPLINK.hostV4] },
  { role: "uplink" },
);

const DENY_ALL = gnp("uplink-deny-all", {
  selector: "role == 'uplink'",
  types: ["Ingress", "Egress"],
  ingress: [{ action: "Deny" }],
  egress: [{ action: "Deny" }],
});

function cells(hostClosed: boolean): Cell[] {
  const closed = hostClosed ? "deny" : "allow";
  return [
    { from: "outside", to: "host", proto: "tcp", port: 22, expect: "allow" },
    { from: "outside", to: "host", proto: "tcp", port: 8080, expect: closed },
    { from: "outside", to: "host", proto: "udp", port: 5353, expect: closed },
    { from: "outside", to: "host", proto: "icmp", icmpType: 8, expect: closed },
    { from: "host", to: "outside", proto: "tcp", port: 6443, expect: "allow" },
    { from: "host", to: "outside", proto: "tcp", port: 8080, expect: closed },
    { from: "outside", to: "web", proto: "tcp", port: 8080, expect: "allow" },
    { from: "web", to: "outside", proto: "tcp", port: 8080, expect: "allow" },
  ];
}

Deno.test({
  name: "nftables: a deny-all host endpoint still answers on failsafe ports",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [22, 6443, 8080],
      udp: [5353],
    });
    try {
      await t.step("no host endpoint: the host is open", async () => {
        await scene.program([]);
        await assertMatrix("no host endpoint", scene.peers, cells(false));
      });
      await t.step("host endpoint with deny-all: only failsafe ports", async () => {
        await scene.program([HEP, DENY_ALL]);
        await assertMatrix("deny-all host endpoint", scene.peers, cells(true));
      });
      await t.step("host endpoint without policy or profile: only failsafe ports", async () => {
        await scene.program([HEP]);
        await assertMatrix("bare host endpoint", scene.peers, cells(true));
      });
      await t.step("host endpoint removed: the host is open again", async () => {
        await scene.program([DENY_ALL]);
        await assertMatrix("host endpoint removed", scene.peers, cells(false));
      });
    } finally {
      await scene.dispose();
    }
  },
});
