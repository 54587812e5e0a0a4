/**
 * FV, nftables: allow by port, port range, protocol and named port. One GlobalNetworkPolicy on
 * the servers allows TCP to port 80 and the range 8440:8450, any UDP, and TCP to the named port
 * `http`, which is 8080 on one server and 9090 on the other (named ports resolve per pod). A
 * Kubernetes NetworkPolicy with `endPort` then replaces it.
 */
import { assertMatrix, type Cell } from "./matrix.ts";
import { gnp, k8sNp } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  {
    name: "srv-1",
    ns: "alpha",
    ipv4: "10.65.4.1",
    labels: { role: "server" },
    ports: [{ name: "http", port: 8080 }, { name: "dns", port: 5353, protocol: "UDP" as const }],
  },
  {
    name: "srv-2",
    ns: "alpha",
    ipv4: "10.65.4.2",
    labels: { role: "server" },
    ports: [{ name: "http", port: 9090 }],
  },
  { name: "client", ns: "alpha", ipv4: "10.65.4.3", labels: { role: "client" } },
] as const;

const POLICY = gnp("server-ports", {
  selector: "role == 'server'",
  types: ["Ingress"],
  ingress: [
    { action: "Allow", protocol: "TCP", destination: { ports: [80, "8440:8450"] } },
    { action: "Allow", protocol: "UDP" },
    { action: "Allow", protocol: "TCP", destination: { ports: ["http"] } },
  ],
});

const K8S_RANGE = k8sNp("alpha", "server-range", {
  podSelector: { matchLabels: { role: "server" } },
  policyTypes: ["Ingress"],
  ingress: [{ ports: [{ protocol: "TCP", port: 8000, endPort: 8443 }] }],
});

type Expect = Readonly<Record<string, "allow" | "deny">>;

/** Cells from the client to both servers; keys are `tcp/80`, `udp/5353`, `icmp/8`. */
function cells(srv1: Expect, srv2: Expect): Cell[] {
  const out: Cell[] = [];
  for (const [to, want] of [["srv-1", srv1], ["srv-2", srv2]] as const) {
    for (const [what, expect] of Object.entries(want)) {
      const [proto, n] = what.split("/") as ["tcp" | "udp" | "icmp", string];
      out.push(
        proto === "icmp"
          ? { from: "client", to, proto, icmpType: 8, expect }
          : { from: "client", to, proto, port: Number(n), expect },
      );
    }
  }
  return out;
}

Deno.test({
  name: "nftables: policies allow by port, port range, protocol and per-pod named port",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [80, 8079, 8080, 8443, 8451, 9090],
      udp: [5353, 9999],
    });
    try {
      await t.step("Calico policy: ports, range, UDP, named port http", async () => {
        await scene.program([POLICY]);
        const common = {
          "tcp/80": "allow",
          "tcp/8079": "deny",
          "tcp/8443": "allow",
          "tcp/8451": "deny",
          "udp/5353": "allow",
          "udp/9999": "allow",
          "icmp/8": "deny",
        } as const;
        await assertMatrix(
          "ports",
          scene.peers,
          cells(
            { ...common, "tcp/8080": "allow", "tcp/9090": "deny" },
            { ...common, "tcp/8080": "deny", "tcp/9090": "allow" },
          ),
        );
      });
      await t.step("Kubernetes policy: TCP 8000 to endPort 8443", async () => {
        await scene.program([K8S_RANGE]);
        const want = {
          "tcp/80": "deny",
          "tcp/8079": "allow",
          "tcp/8080": "allow",
          "tcp/8443": "allow",
          "tcp/8451": "deny",
          "tcp/9090": "deny",
          "udp/5353": "deny",
          "icmp/8": "deny",
        } as const;
        await assertMatrix("k8s endPort", scene.peers, cells(want, want));
      });
    } finally {
      await scene.dispose();
    }
  },
});
