/**
 * FV, nftables: the other kinds of host endpoint policy, on the uplink `eth0` whose endpoint
 * carries the allow-all profile (so only the policies under test deny anything):
 *
 * - applyOnForward: an egress policy also polices traffic the host forwards out of `eth0` (pod to
 *   outside), not only the host's own;
 * - preDNAT: an ingress policy on traffic arriving on `eth0`, before routing, so it also sees
 *   traffic forwarded to the pods;
 * - doNotTrack: an untracked ingress deny in the raw table.
 */
import { assertMatrix, tcpCell } from "./matrix.ts";
import { UPLINK } from "./netns.ts";
import { gnp, hostEndpoint } from "./resources.ts";
import { NODE, Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [{ name: "web", ns: "alpha", ipv4: "10.65.14.1" }] as const;

const HEP = hostEndpoint(
  "node-1-eth0",
  {
    node: NODE,
    interfaceName: "eth0",
    expectedIPs: [UPLINK.hostV4],
    profiles: ["projectcalico-default-allow"],
  },
  { role: "uplink" },
);

const FORWARD_EGRESS = gnp("uplink-forward-egress", {
  selector: "role == 'uplink'",
  applyOnForward: true,
  types: ["Egress"],
  egress: [
    { action: "Deny", protocol: "TCP", destination: { ports: [9090] } },
    { action: "Allow" },
  ],
});

const PRE_DNAT = gnp("uplink-pre-dnat", {
  selector: "role == 'uplink'",
  preDNAT: true,
  applyOnForward: true,
  types: ["Ingress"],
  ingress: [
    { action: "Deny", protocol: "TCP", destination: { nets: ["10.65.0.0/16"], ports: [8080] } },
  ],
});

const UNTRACKED = gnp("uplink-untracked", {
  selector: "role == 'uplink'",
  doNotTrack: true,
  applyOnForward: true,
  types: ["Ingress"],
  ingress: [{ action: "Deny", protocol: "TCP", destination: { ports: [7070] } }],
});

const tcp = tcpCell;

Deno.test({
  name: "nftables: host endpoint policies apply on forward, before DNAT, and untracked",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [7070, 8080, 9090],
      udp: [],
    });
    try {
      await t.step("endpoint with the allow-all profile only: everything open", async () => {
        await scene.program([HEP]);
        await assertMatrix("profile only", scene.peers, [
          tcp("outside", "host", 7070, "allow"),
          tcp("outside", "host", 8080, "allow"),
          tcp("host", "outside", 9090, "allow"),
          tcp("web", "outside", 9090, "allow"),
          tcp("outside", "web", 8080, "allow"),
        ]);
      });
      await t.step("applyOnForward egress deny: host and forwarded traffic", async () => {
        await scene.program([HEP, FORWARD_EGRESS]);
        await assertMatrix("forward", scene.peers, [
          tcp("host", "outside", 9090, "deny"),
          tcp("host", "outside", 8080, "allow"),
          tcp("web", "outside", 9090, "deny"),
          tcp("web", "outside", 8080, "allow"),
          tcp("outside", "web", 9090, "allow"),
        ]);
      });
      await t.step("preDNAT ingress deny to the pods", async () => {
        await scene.program([HEP, PRE_DNAT]);
        await assertMatrix("pre-DNAT", scene.peers, [
          tcp("outside", "web", 8080, "deny"),
          tcp("outside", "web", 9090, "allow"),
          tcp("outside", "host", 8080, "allow"),
          tcp("web", "outside", 8080, "allow"),
        ]);
      });
      await t.step("untracked ingress deny", async () => {
        await scene.program([HEP, UNTRACKED]);
        await assertMatrix("untracked", scene.peers, [
          tcp("outside", "host", 7070, "deny"),
          tcp("outside", "web", 7070, "deny"),
          tcp("outside", "host", 8080, "allow"),
          tcp("host", "outside", 7070, "allow"),
        ]);
      });
    } finally {
      await scene.dispose();
    }
  },
});
