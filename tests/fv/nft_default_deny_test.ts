/**
 * FV, nftables: Kubernetes default-deny policies, v4 and v6. Ingress default deny in `alpha`
 * closes every flow into alpha's pods (from alpha, from beta, from outside) and leaves beta
 * open; adding egress default deny also closes alpha's pods' flows out. The host still reaches
 * every pod (host-to-workload traffic is not policed).
 */
import { assertMatrix, type Cell, cross } from "./matrix.ts";
import { k8sNp } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "a1", ns: "alpha", ipv4: "10.65.0.11", ipv6: "fd65::11" },
  { name: "a2", ns: "alpha", ipv4: "10.65.0.12", ipv6: "fd65::12" },
  { name: "b1", ns: "beta", ipv4: "10.65.0.21", ipv6: "fd65::21" },
] as const;

const KINDS = [
  { proto: "tcp", port: 8080 },
  { proto: "udp", port: 5353 },
  { proto: "icmp", icmpType: 8 },
  { proto: "tcp", port: 8080, family: 6 },
  { proto: "icmp", family: 6 },
] as const satisfies readonly Omit<Cell, "from" | "to" | "expect">[];

const ALPHA = new Set(["a1", "a2"]);
const PODNAMES = PODS.map((p) => p.name);

function cells(egressDeny: boolean): Cell[] {
  const verdict = (from: string, to: string) =>
    ALPHA.has(to) || (egressDeny && ALPHA.has(from)) ? "deny" : "allow";
  return [
    ...cross(PODNAMES, PODNAMES, KINDS, verdict),
    ...cross(["outside"], PODNAMES, KINDS, verdict),
    ...cross(PODNAMES, ["internet"], [{ proto: "tcp", port: 8080 }], verdict),
    ...cross(["host"], PODNAMES, [{ proto: "tcp", port: 8080 }], () => "allow"),
  ];
}

const DENY_INGRESS = k8sNp("alpha", "default-deny-ingress", {
  podSelector: {},
  policyTypes: ["Ingress"],
});
const DENY_EGRESS = k8sNp("alpha", "default-deny-egress", {
  podSelector: {},
  policyTypes: ["Egress"],
});

Deno.test({
  name: "nftables: Kubernetes default-deny closes a namespace's pods, ingress then egress, v4+v6",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: {}, beta: {} },
      pods: PODS,
      tcp: [8080],
      udp: [5353],
    });
    try {
      await t.step("ingress default deny in alpha", async () => {
        await scene.program([DENY_INGRESS]);
        await assertMatrix("default deny ingress", scene.peers, cells(false));
      });
      await t.step("ingress and egress default deny in alpha", async () => {
        await scene.program([DENY_INGRESS, DENY_EGRESS]);
        await assertMatrix("default deny ingress+egress", scene.peers, cells(true));
      });
      await t.step("policies removed: everything open again", async () => {
        await scene.program([]);
        await assertMatrix(
          "no policy",
          scene.peers,
          cells(false).map((c) => ({ ...c, expect: "allow" })),
        );
      });
    } finally {
      await scene.dispose();
    }
  },
});
