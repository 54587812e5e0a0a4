/**
 * FV, nftables: selectors over network sets and negated matches. A GlobalNetworkSet holding the
 * uplink subnet and a namespaced NetworkSet holding the internet address are selected by label
 * in rules (their nets become IP set members); then `notSelector`, `notPorts` and a
 * service-account selector.
 */
import { assertMatrix, tcpCell } from "./matrix.ts";
import { UPLINK } from "./netns.ts";
import { globalNetworkSet, gnp, networkSet, np } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "srv", ns: "alpha", ipv4: "10.65.15.1", labels: { app: "srv" } },
  { name: "c1", ns: "alpha", ipv4: "10.65.15.2", labels: { app: "c1" } },
  { name: "c2", ns: "alpha", ipv4: "10.65.15.3", labels: { app: "c2" }, serviceAccount: "robot" },
] as const;

const SETS = [
  globalNetworkSet("uplink", ["10.99.0.0/24"], { zone: "uplink" }),
  networkSet("alpha", "partners", [`${UPLINK.internetV4}/32`], { zone: "partner" }),
];

const BY_SET = np("alpha", "srv-from-sets", {
  selector: "app == 'srv'",
  types: ["Ingress"],
  ingress: [
    { action: "Allow", protocol: "TCP", source: { selector: "zone == 'partner'" } },
    {
      action: "Allow",
      protocol: "TCP",
      source: { namespaceSelector: "global()", selector: "zone == 'uplink'" },
      destination: { ports: [8080] },
    },
  ],
});

const NEGATED = gnp("srv-negated", {
  selector: "app == 'srv'",
  types: ["Ingress"],
  ingress: [
    {
      action: "Allow",
      protocol: "TCP",
      source: { selector: "has(app)", notSelector: "app == 'c2'" },
      destination: { notPorts: [9090] },
    },
  ],
});

const BY_ACCOUNT = np("alpha", "srv-from-robot", {
  selector: "app == 'srv'",
  types: ["Ingress"],
  ingress: [{ action: "Allow", source: { serviceAccounts: { names: ["robot"] } } }],
});

const tcp = tcpCell;

Deno.test({
  name: "nftables: rules select network sets by label, notSelector, notPorts, service accounts",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [8080, 9090],
      udp: [],
    });
    try {
      await t.step("network sets selected by label", async () => {
        await scene.program([...SETS, BY_SET]);
        await assertMatrix("network sets", scene.peers, [
          tcp("internet", "srv", 9090, "allow"), // partner set, any port
          tcp("outside", "srv", 8080, "allow"), // uplink set, port 8080 only
          tcp("outside", "srv", 9090, "deny"),
          tcp("c1", "srv", 8080, "deny"), // pods are in neither set
        ]);
      });
      await t.step("notSelector and notPorts", async () => {
        await scene.program([...SETS, NEGATED]);
        await assertMatrix("negations", scene.peers, [
          tcp("c1", "srv", 8080, "allow"),
          tcp("c1", "srv", 9090, "deny"), // notPorts
          tcp("c2", "srv", 8080, "deny"), // notSelector
          tcp("outside", "srv", 8080, "deny"), // not an endpoint with an app label
        ]);
      });
      await t.step("service account names", async () => {
        await scene.program([BY_ACCOUNT]);
        await assertMatrix("service accounts", scene.peers, [
          tcp("c2", "srv", 9090, "allow"),
          tcp("c1", "srv", 9090, "deny"),
        ]);
      });
    } finally {
      await scene.dispose();
    }
  },
});
