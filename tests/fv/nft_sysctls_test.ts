/**
 * FV: the agent sets the workload interfaces' sysctls itself. The harness wires the workloads
 * without the CNI plugin's per-interface sysctls, so before the agent runs the workloads cannot
 * even resolve their gateway (no proxy ARP); after `felix --once --apply` every interface carries
 * upstream's values and the pods reach each other, v4 and v6.
 */
import { deepEqual } from "node:assert/strict";
import { execIn } from "./cmd.ts";
import { assertMatrix, type Cell, cross } from "./matrix.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "s1", ns: "alpha", ipv4: "10.65.13.1", ipv6: "fd65::d01" },
  { name: "s2", ns: "alpha", ipv4: "10.65.13.2", ipv6: "fd65::d02" },
] as const;

const KINDS = [
  { proto: "tcp", port: 8080 },
  { proto: "tcp", port: 8080, family: 6 },
] as const satisfies readonly Omit<Cell, "from" | "to" | "expect">[];

const KEYS = [
  "net.ipv4.conf.IF.rp_filter",
  "net.ipv4.conf.IF.route_localnet",
  "net.ipv4.conf.IF.proxy_arp",
  "net.ipv4.neigh.IF.proxy_delay",
  "net.ipv4.conf.IF.forwarding",
  "net.ipv6.conf.IF.accept_ra",
  "net.ipv6.conf.IF.proxy_ndp",
  "net.ipv6.conf.IF.forwarding",
];

async function sysctls(ns: string, iface: string): Promise<string[]> {
  const out = await execIn(ns, "sysctl", ["-n", ...KEYS.map((k) => k.replace("IF", iface))]);
  return out.trim().split("\n");
}

Deno.test({
  name: "felix --once --apply sets the workload interfaces' sysctls (proxy ARP and friends)",
  ignore: AGENT_SKIP,
  fn: async () => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [8080],
      udp: [],
      cniSysctls: false,
    });
    try {
      const ns = scene.topology.hostNs;
      const names = PODS.map((p) => p.name);
      await scene.writeDatastore([]);
      await assertMatrix("before", scene.peers, cross(names, names, [KINDS[0]], () => "deny"), {
        retryTimeoutMs: 500,
      });
      await scene.program([]);
      for (const w of scene.topology.workloads) {
        deepEqual(await sysctls(ns, w.iface), ["1", "1", "1", "0", "1", "0", "1", "1"], w.iface);
      }
      await assertMatrix("after", scene.peers, cross(names, names, KINDS, () => "allow"));
    } finally {
      await scene.dispose();
    }
  },
});
