/**
 * FV, nftables: allow by label and by namespace, v4 and v6. A Calico NetworkPolicy in `alpha`
 * lets `app == 'web'` pods of its own namespace reach the database; a GlobalNetworkPolicy then
 * adds every pod of namespaces labelled `team == 'beta'`. Everything else into the database is
 * dropped at the end of the tier; the other pods stay open (their profiles allow).
 */
import { assertMatrix, type Cell, cross } from "./matrix.ts";
import { gnp, np } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "a-web", ns: "alpha", ipv4: "10.65.1.1", ipv6: "fd65::101", labels: { app: "web" } },
  { name: "a-db", ns: "alpha", ipv4: "10.65.1.2", ipv6: "fd65::102", labels: { app: "db" } },
  { name: "a-job", ns: "alpha", ipv4: "10.65.1.3", ipv6: "fd65::103", labels: { app: "job" } },
  { name: "b-web", ns: "beta", ipv4: "10.65.2.1", ipv6: "fd65::201", labels: { app: "web" } },
  { name: "g-web", ns: "gamma", ipv4: "10.65.3.1", ipv6: "fd65::301", labels: { app: "web" } },
] as const;

const KINDS = [
  { proto: "tcp", port: 5432 },
  { proto: "tcp", port: 5432, family: 6 },
  { proto: "udp", port: 5353 },
] as const satisfies readonly Omit<Cell, "from" | "to" | "expect">[];

const NAMES = PODS.map((p) => p.name);

const BY_LABEL = np("alpha", "db-from-web", {
  selector: "app == 'db'",
  types: ["Ingress"],
  ingress: [{ action: "Allow", source: { selector: "app == 'web'" } }],
});

const BY_NAMESPACE = gnp("db-from-team-beta", {
  selector: "app == 'db'",
  types: ["Ingress"],
  ingress: [{ action: "Allow", source: { namespaceSelector: "team == 'beta'" } }],
});

function cells(allowedIntoDb: readonly string[]): Cell[] {
  return [
    ...cross(
      NAMES,
      NAMES,
      KINDS,
      (from, to) => to !== "a-db" || allowedIntoDb.includes(from) ? "allow" : "deny",
    ),
    ...cross(
      ["outside"],
      ["a-db", "a-web"],
      [{ proto: "tcp", port: 5432 }],
      (_f, to) => to === "a-db" ? "deny" : "allow",
    ),
  ];
}

Deno.test({
  name: "nftables: policies allow by pod label within a namespace and by namespace label, v4+v6",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: { team: "alpha" }, beta: { team: "beta" }, gamma: { team: "gamma" } },
      pods: PODS,
      tcp: [5432],
      udp: [5353],
    });
    try {
      await t.step("by label: only alpha's web pod reaches the database", async () => {
        await scene.program([BY_LABEL]);
        await assertMatrix("by label", scene.peers, cells(["a-web"]));
      });
      await t.step("plus by namespace: beta's pods too, gamma's web pod still not", async () => {
        await scene.program([BY_LABEL, BY_NAMESPACE]);
        await assertMatrix("by label + namespace", scene.peers, cells(["a-web", "b-web"]));
      });
      await t.step("a second policy admits app in {'job'}; beta is out again", async () => {
        await scene.program([
          BY_LABEL,
          np("alpha", "db-from-job-label", {
            selector: "app == 'db'",
            types: ["Ingress"],
            ingress: [{ action: "Allow", source: { selector: "app in {'job'}" } }],
          }),
        ]);
        await assertMatrix("by label set", scene.peers, cells(["a-web", "a-job"]));
      });
    } finally {
      await scene.dispose();
    }
  },
});
