/**
 * FV, nftables: no policy at all. Pods carry their namespace profile `kns.<ns>` (allow in and
 * out), so every workload flow is allowed, v4 and v6; a `cali` interface the agent does not know
 * fails closed both ways, and so does the interface of a pod deleted from the datastore;
 * workload-to-host follows DefaultEndpointToHostAction (DROP by default,
 * then ACCEPT); host-to-workload is not policed.
 */
import { assertMatrix, type Cell, cross } from "./matrix.ts";
import { felixConfiguration } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "web-1", ns: "alpha", ipv4: "10.65.0.10", ipv6: "fd65::10", labels: { app: "web" } },
  { name: "db-1", ns: "beta", ipv4: "10.65.0.20", ipv6: "fd65::20", labels: { app: "db" } },
  { name: "ghost", ns: "alpha", ipv4: "10.65.0.30", ipv6: "fd65::30", unlisted: true },
] as const;

const KINDS = [
  { proto: "tcp", port: 8080 },
  { proto: "udp", port: 5353 },
  { proto: "icmp", icmpType: 8 },
  { proto: "tcp", port: 8080, family: 6 },
  { proto: "udp", port: 5353, family: 6 },
  { proto: "icmp", family: 6 },
] as const satisfies readonly Omit<Cell, "from" | "to" | "expect">[];

/** Every pair of pods, the ghost included, plus host, outside and internet cells. */
function cells(toHost: "allow" | "deny"): Cell[] {
  const names = PODS.map((p) => p.name);
  return [
    ...cross(names, names, KINDS, (f, t) => f === "ghost" || t === "ghost" ? "deny" : "allow"),
    ...cross(["outside"], ["web-1", "db-1"], KINDS, () => "allow"),
    ...cross(["web-1", "db-1"], ["host"], [{ proto: "tcp", port: 8080 }], () => toHost),
    ...cross(["host"], ["web-1", "db-1"], KINDS, () => "allow"),
    // Not policed on the way out, but the answer from an unknown interface is dropped.
    { from: "host", to: "ghost", proto: "tcp", port: 8080, expect: "deny" },
    {
      from: "web-1",
      to: "internet",
      proto: "tcp",
      port: 8080,
      expect: "allow",
      seenAs: "10.65.0.10",
    },
    {
      from: "db-1",
      to: "internet",
      family: 6,
      proto: "tcp",
      port: 8080,
      expect: "allow",
      seenAs: "fd65::20",
    },
    { from: "ghost", to: "internet", proto: "tcp", port: 8080, expect: "deny" },
    { from: "outside", to: "ghost", proto: "tcp", port: 8080, expect: "deny" },
  ];
}

Deno.test({
  name: "nftables: with no policy the profiles allow every workload flow, v4 and v6",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: {}, beta: {} },
      pods: PODS,
      tcp: [8080],
      udp: [5353],
    });
    try {
      await t.step("DefaultEndpointToHostAction DROP (default)", async () => {
        await scene.program([]);
        await assertMatrix("profiles, endpoint-to-host DROP", scene.peers, cells("deny"));
      });
      await t.step("DefaultEndpointToHostAction ACCEPT", async () => {
        await scene.program([felixConfiguration({ defaultEndpointToHostAction: "Accept" })]);
        await assertMatrix("profiles, endpoint-to-host ACCEPT", scene.peers, cells("allow"));
      });
      await t.step("a pod deleted from the datastore: its interface fails closed", async () => {
        await scene.program([], ["db-1"]);
        // Host-to-workload is not policed, but the answer comes back through the workload's
        // interface, which the dispatch now drops as unknown: every cell of db-1 is denied.
        const gone = (c: Cell) => c.from === "db-1" || c.to === "db-1";
        const want = cells("deny").map((c): Cell => gone(c) ? { ...c, expect: "deny" } : c);
        await assertMatrix("pod deleted", scene.peers, want.map(({ seenAs: _, ...c }) => c));
      });
    } finally {
      await scene.dispose();
    }
  },
});
