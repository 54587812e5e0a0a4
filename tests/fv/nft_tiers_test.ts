/**
 * FV, nftables: tiers. A `security` tier (order 100) is evaluated before the default tier: its
 * policy passes web traffic on to the default tier and allows the admin outright; any other
 * source reaches the end of the security tier and is dropped there, whatever the default tier
 * says. With the tier's `defaultAction: Pass`, unmatched traffic goes on to the default tier
 * instead. A pod no security policy selects is not affected by the tier at all.
 */
import { assertMatrix, tcpCell } from "./matrix.ts";
import { gnp, tier } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "srv", ns: "alpha", ipv4: "10.65.7.1", labels: { app: "srv" } },
  { name: "web", ns: "alpha", ipv4: "10.65.7.2", labels: { app: "web" } },
  { name: "admin", ns: "alpha", ipv4: "10.65.7.3", labels: { app: "admin" } },
  { name: "other", ns: "alpha", ipv4: "10.65.7.4", labels: { app: "other" } },
] as const;

const SECURITY = gnp("security.gate", {
  tier: "security",
  order: 10,
  selector: "app == 'srv'",
  types: ["Ingress"],
  ingress: [
    { action: "Pass", source: { selector: "app == 'web'" } },
    { action: "Allow", source: { selector: "app == 'admin'" } },
  ],
});

const DEFAULT_TIER = gnp("default.srv-8080", {
  tier: "default",
  order: 10,
  selector: "app == 'srv'",
  types: ["Ingress"],
  ingress: [
    { action: "Allow", protocol: "TCP", destination: { ports: [8080] } },
  ],
});

const tcp = tcpCell;

Deno.test({
  name: "nftables: tiers pass to the next tier, allow outright, and drop at the end of a tier",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [8080, 9090],
      udp: [],
    });
    try {
      await t.step("security tier with the default end-of-tier deny", async () => {
        await scene.program([tier("security", { order: 100 }), SECURITY, DEFAULT_TIER]);
        await assertMatrix("tiers, deny", scene.peers, [
          tcp("web", "srv", 8080, "allow"), // pass, then the default tier allows 8080
          tcp("web", "srv", 9090, "deny"), // pass, then the default tier's end-of-tier drop
          tcp("admin", "srv", 8080, "allow"),
          tcp("admin", "srv", 9090, "allow"), // allowed by security: the default tier never runs
          tcp("other", "srv", 8080, "deny"), // end of the security tier
          tcp("other", "srv", 9090, "deny"),
          tcp("srv", "web", 9090, "allow"), // web is selected by no policy: its profile allows
          tcp("other", "admin", 9090, "allow"),
        ]);
      });
      await t.step("security tier with defaultAction Pass", async () => {
        await scene.program([
          tier("security", { order: 100, defaultAction: "Pass" }),
          SECURITY,
          DEFAULT_TIER,
        ]);
        await assertMatrix("tiers, pass", scene.peers, [
          tcp("web", "srv", 8080, "allow"),
          tcp("web", "srv", 9090, "deny"),
          tcp("admin", "srv", 9090, "allow"),
          tcp("other", "srv", 8080, "allow"), // passed by the tier's default, allowed by default
          tcp("other", "srv", 9090, "deny"),
        ]);
      });
    } finally {
      await scene.dispose();
    }
  },
});
