/**
 * Two hosts joined by an underlay, the real `felix` daemon on each (routes, VXLAN and nftables
 * together, tests/fv/agent.ts), one datastore file: a pod on host A reaches a pod on host B over
 * VXLAN on the port a Kubernetes NetworkPolicy allows and is dropped on another; the policy
 * then changes and the verdicts follow; routes and VTEP entries are what the routing agent FV
 * expects; stopping felix leaves them in place.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { deriveVTEPMAC } from "../../src/calc/vxlan_resolver.ts";
import { Daemon } from "./agent.ts";
import { ProbeProcess } from "./probe_client.ts";
import { k8sNp } from "./resources.ts";
import { type FvNode, type FvPod, podIface } from "./routing_cluster.ts";
import { routesIn, TwoHosts, vtepEntriesIn } from "./routing_hosts.ts";
import { ROOT_SKIP } from "./skip.ts";
import { eventually } from "./wait.ts";

const NODES: FvNode[] = [
  { name: "node-a", address: "192.168.77.1/24", block: "10.65.0.0/26" },
  { name: "node-b", address: "192.168.77.2/24", block: "10.65.1.0/26" },
];
const A1: FvPod = { name: "pod-a1", namespace: "fv", node: "node-a", ip: "10.65.0.5" };
const B1: FvPod = { name: "pod-b1", namespace: "fv", node: "node-b", ip: "10.65.1.5" };

/** Only TCP `port` may reach pod-b1. */
function allowOnly(port: number): unknown {
  return k8sNp("fv", "b1-ingress", {
    podSelector: { matchLabels: { app: "pod-b1" } },
    policyTypes: ["Ingress"],
    ingress: [{ ports: [{ protocol: "TCP", port }] }],
  });
}

Deno.test({
  name: "two hosts with felix: cross-host policy over VXLAN, routes and VTEP entries",
  ignore: ROOT_SKIP,
  async fn(t) {
    const h = await TwoHosts.create();
    const daemons: Daemon[] = [];
    const probes: ProbeProcess[] = [];
    try {
      await h.addPod(h.a, A1);
      await h.addPod(h.b, B1);
      await h.writeCluster(NODES, [A1, B1], [allowOnly(8080)]);
      await Deno.writeTextFile(`${h.datastore}.felix.cfg`, "[global]\n");
      for (const [host, name] of [[h.a, "node-a"], [h.b, "node-b"]] as const) {
        daemons.push(
          Daemon.start({ hostNs: host.hostNs, datastoreFile: h.datastore, hostname: name }),
        );
      }
      await Promise.all(daemons.map((d) => d.waitForLog(/Dataplane in sync/, 30_000)));
      const [pa, pb] = await Promise.all([
        ProbeProcess.start(h.a.workloads[0]!.netns),
        ProbeProcess.start(h.b.workloads[0]!.netns),
      ]);
      probes.push(pa, pb);
      await pb.serve([8080, 9090], []);

      const verdicts = async () => {
        const [p8080, p9090] = await Promise.all([
          pa.tcp(B1.ip, 8080, 700),
          pa.tcp(B1.ip, 9090, 700),
        ]);
        return { 8080: p8080.result, 9090: p9090.result };
      };

      await t.step("the allowed port passes across hosts and the other is dropped", async () => {
        await eventually(
          async () => {
            deepEqual(await verdicts(), { 8080: "ok", 9090: "timeout" });
          },
          15_000,
          200,
        );
      });

      await t.step("host A has felix's routes and VTEP entries", async () => {
        const routes = await routesIn(h.a.hostNs);
        for (
          const want of [
            `10.65.0.5 dev ${podIface(A1)} scope link metric 1024`,
            "blackhole 10.65.0.0/26 proto 80",
            "10.65.1.0 dev vxlan.calico scope link",
            "10.65.1.0/26 via 10.65.1.0 dev vxlan.calico onlink",
          ]
        ) ok(routes.includes(want), `"${want}" in:\n${routes.join("\n")}`);
        const mac = deriveVTEPMAC("node-b", 4);
        deepEqual(await vtepEntriesIn(h.a.hostNs), [
          `arp 10.65.1.0 lladdr ${mac} PERMANENT`,
          `fdb ${mac} dst 192.168.77.2 self permanent`,
        ]);
      });

      await t.step("a policy change flips the cross-host verdicts", async () => {
        await h.writeCluster(NODES, [A1, B1], [allowOnly(9090)]);
        await eventually(
          async () => {
            deepEqual(await verdicts(), { 8080: "timeout", 9090: "ok" });
          },
          15_000,
          200,
        );
      });

      await t.step("stopping felix leaves routes in place", async () => {
        const before = await routesIn(h.a.hostNs);
        equal((await daemons[0]!.stop()).code, 0);
        deepEqual(await routesIn(h.a.hostNs), before);
      });
    } finally {
      for (const p of probes) await p.stop();
      for (const d of daemons) await d.stop();
      await h.dispose();
    }
  },
});
