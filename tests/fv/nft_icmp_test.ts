/**
 * FV, nftables: ICMP type and code matches. The probe sends echo requests (v4 type 8, v6 type
 * 128) and v4 timestamp requests (type 13) from raw sockets; the server's policy allows by type,
 * then by negated type (`notICMP`), then by type and a code that echo requests never carry.
 */
import { assertMatrix, type Cell } from "./matrix.ts";
import { gnp } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "srv", ns: "alpha", ipv4: "10.65.6.1", ipv6: "fd65::601", labels: { role: "server" } },
  { name: "client", ns: "alpha", ipv4: "10.65.6.2", ipv6: "fd65::602" },
] as const;

function serverPolicy(ingress: readonly Record<string, unknown>[]) {
  return gnp("server-icmp", { selector: "role == 'server'", types: ["Ingress"], ingress });
}

function cells(
  echo: "allow" | "deny",
  timestamp: "allow" | "deny",
  echo6: "allow" | "deny",
): Cell[] {
  return [
    { from: "client", to: "srv", proto: "icmp", icmpType: 8, expect: echo },
    { from: "client", to: "srv", proto: "icmp", icmpType: 13, expect: timestamp },
    { from: "client", to: "srv", proto: "icmp", icmpType: 128, family: 6, expect: echo6 },
    { from: "srv", to: "client", proto: "icmp", icmpType: 13, expect: "allow" },
    { from: "client", to: "srv", proto: "tcp", port: 8080, expect: "deny" },
  ];
}

Deno.test({
  name: "nftables: policies match ICMP types, negated types and codes, v4 and v6",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [8080],
      udp: [],
    });
    try {
      await t.step("echo allowed by type (v4 8, v6 128); timestamp not", async () => {
        await scene.program([serverPolicy([
          { action: "Allow", protocol: "ICMP", icmp: { type: 8 } },
          { action: "Allow", protocol: "ICMPv6", icmp: { type: 128 } },
        ])]);
        await assertMatrix("icmp by type", scene.peers, cells("allow", "deny", "allow"));
      });
      await t.step("every ICMP type but echo (notICMP)", async () => {
        await scene.program([serverPolicy([
          { action: "Allow", protocol: "ICMP", notICMP: { type: 8 } },
        ])]);
        await assertMatrix("icmp not type", scene.peers, cells("deny", "allow", "deny"));
      });
      await t.step("type 8 with code 1 (echo requests carry code 0)", async () => {
        await scene.program([serverPolicy([
          { action: "Allow", protocol: "ICMP", icmp: { type: 8, code: 1 } },
          { action: "Allow", protocol: "ICMP", icmp: { type: 13, code: 0 } },
        ])]);
        await assertMatrix("icmp type and code", scene.peers, cells("deny", "allow", "deny"));
      });
    } finally {
      await scene.dispose();
    }
  },
});
