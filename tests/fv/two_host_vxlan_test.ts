/**
 * Two hosts, one routing agent each, real packets over VXLAN (tests/fv/routing_hosts.ts): a pod
 * on host A reaches a pod on host B through `vxlan.calico`; host A holds exactly the routes and
 * VTEP entries Felix would program; a foreign route stays; a pod interface that appears late gets
 * its route at once; a restart changes nothing in the kernel (no route events at all); the
 * periodic resync restores a deleted route; removing node B removes its routes and VTEP entries
 * and nothing else.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import type { RtnlMessage } from "../../native/netlink_codec.ts";
import { RTNLGRP } from "../../native/netlink_consts.ts";
import { NetlinkMonitor } from "../../native/netlink_monitor.ts";
import { withNetns } from "../../native/netlink_netns.ts";
import { deriveVTEPMAC } from "../../src/calc/vxlan_resolver.ts";
import { ipIn, run } from "./cmd.ts";
import { ProbeProcess } from "./probe_client.ts";
import { type FvNode, type FvPod, podIface } from "./routing_cluster.ts";
import { routesIn, TwoHosts, vtepEntriesIn } from "./routing_hosts.ts";
import { ROOT_SKIP } from "./skip.ts";
import { eventually, sleep } from "./wait.ts";

const NODES: FvNode[] = [
  { name: "node-a", address: "192.168.77.1/24", block: "10.65.0.0/26" },
  { name: "node-b", address: "192.168.77.2/24", block: "10.65.1.0/26" },
];
const A1: FvPod = { name: "pod-a1", namespace: "fv", node: "node-a", ip: "10.65.0.5" };
const A2: FvPod = { name: "pod-a2", namespace: "fv", node: "node-a", ip: "10.65.0.6" };
const B1: FvPod = { name: "pod-b1", namespace: "fv", node: "node-b", ip: "10.65.1.5" };
const MAC_B = deriveVTEPMAC("node-b", 4);

/** Host A's routes that do not depend on the agent. */
const HOST_A_BASE = [
  "10.200.0.0/24 via 192.168.77.2 dev eth1 proto static",
  "10.99.0.0/24 dev eth0 proto kernel scope link src 10.99.0.1",
  "192.168.77.0/24 dev eth1 proto kernel scope link src 192.168.77.1",
  "default via 10.99.0.2 dev eth0",
];
const HOST_A_OWN = [
  `10.65.0.5 dev ${podIface(A1)} scope link metric 1024`,
  "blackhole 10.65.0.0/26 proto 80",
];
const HOST_A_TO_B = [
  "10.65.1.0 dev vxlan.calico scope link",
  "10.65.1.0/26 via 10.65.1.0 dev vxlan.calico onlink",
];

async function txPackets(ns: string, dev: string): Promise<number> {
  const j = JSON.parse(await run("ip", ["-n", ns, "-s", "-j", "link", "show", dev])) as {
    stats64: { tx: { packets: number } };
  }[];
  return j[0]?.stats64.tx.packets ?? 0;
}

Deno.test({
  name: "two hosts over VXLAN: reachability, routes, ownership, late interface, restart, resync",
  ignore: ROOT_SKIP,
  async fn(t) {
    const h = await TwoHosts.create();
    const probes: ProbeProcess[] = [];
    try {
      await h.addPod(h.a, A1);
      await h.addPod(h.b, B1);
      await ipIn(h.a.hostNs, [
        "route",
        "add",
        "10.200.0.0/24",
        "via",
        "192.168.77.2",
        "dev",
        "eth1",
        "proto",
        "static",
      ]);
      await h.writeCluster(NODES, [A1, A2, B1]);
      let agentA = h.startAgent(h.a, "node-a", ["--resync-ms", "1000"]);
      const agentB = h.startAgent(h.b, "node-b", ["--resync-ms", "1000"]);
      await Promise.all([agentA.applied(), agentB.applied()]);

      await t.step("a workload on host A reaches a workload on host B over VXLAN", async () => {
        const [pa, pb] = await Promise.all([
          ProbeProcess.start(h.a.workloads[0]!.netns),
          ProbeProcess.start(h.b.workloads[0]!.netns),
        ]);
        probes.push(pa, pb);
        await pb.serve([8080], []);
        const before = await txPackets(h.a.hostNs, "vxlan.calico");
        const { value } = await eventually(
          async () => {
            const r = await pa.tcp(B1.ip, 8080, 1000);
            if (r.result !== "ok") throw new Error(`TCP ${A1.ip} -> ${B1.ip}:8080: ${r.result}`);
            return r;
          },
          10_000,
          200,
        );
        equal(value.peer, A1.ip, "no NAT between pods");
        ok(
          (await txPackets(h.a.hostNs, "vxlan.calico")) > before,
          "packets left through vxlan.calico",
        );
      });

      await t.step(
        "host A holds its routes, host B's block via the tunnel, and the foreign route",
        async () => {
          deepEqual(
            await routesIn(h.a.hostNs),
            [...HOST_A_BASE, ...HOST_A_OWN, ...HOST_A_TO_B].sort(),
          );
          const link = await run("ip", ["-n", h.a.hostNs, "-d", "link", "show", "vxlan.calico"]);
          ok(link.includes("vxlan id 4096 local 192.168.77.1 dev eth1"), link);
          ok(link.includes("dstport 4789") && link.includes("mtu 1450"), link);
          deepEqual(await vtepEntriesIn(h.a.hostNs), [
            `arp 10.65.1.0 lladdr ${MAC_B} PERMANENT`,
            `fdb ${MAC_B} dst 192.168.77.2 self permanent`,
          ]);
          equal(await Deno.readTextFile(`${h.dir}/mtu-node-a`), "1450\n");
        },
      );

      await t.step("a pod interface that appears late gets its route at once", async () => {
        ok(!(await routesIn(h.a.hostNs)).some((r) => r.startsWith(`${A2.ip} `)));
        await h.addPod(h.a, A2);
        await eventually(
          async () => {
            const want = `${A2.ip} dev ${podIface(A2)} scope link metric 1024`;
            if (!(await routesIn(h.a.hostNs)).includes(want)) throw new Error(`no "${want}"`);
          },
          5_000,
          50,
        );
      });
      const expectedA = [
        ...HOST_A_BASE,
        ...HOST_A_OWN,
        ...HOST_A_TO_B,
        `${A2.ip} dev ${podIface(A2)} scope link metric 1024`,
      ].sort();

      await t.step(
        "restarting agent A changes nothing in the kernel (no route events)",
        async () => {
          const events: RtnlMessage[] = [];
          const monitor = withNetns(h.a.hostNs, () =>
            NetlinkMonitor.open({
              groups: [RTNLGRP.IPV4_ROUTE, RTNLGRP.NEIGH],
              onMessages: (m) => events.push(...m),
            }));
          try {
            await h.stopAgent(agentA);
            deepEqual(await routesIn(h.a.hostNs), expectedA, "routes stay when the agent stops");
            agentA = h.startAgent(h.a, "node-a", ["--resync-ms", "1000"]);
            await agentA.applied();
            await sleep(1500); // at least one periodic resync too
            const ours = events.filter((e) =>
              e.kind === "route" || (e.kind === "neigh" && (e.neigh.state & 0x80) !== 0)
            );
            deepEqual(ours, [], "no route or permanent neighbour was touched");
            // The monitor does see route changes, so the empty list above means something.
            await ipIn(h.a.hostNs, ["route", "add", "10.201.0.0/24", "via", "192.168.77.2"]);
            await ipIn(h.a.hostNs, ["route", "del", "10.201.0.0/24"]);
            await eventually(
              () => {
                const seen = events.filter((e) =>
                  e.kind === "route" && e.route.dst === "10.201.0.0"
                );
                if (seen.length !== 2) throw new Error(`monitor saw ${seen.length} of 2 events`);
                return Promise.resolve();
              },
              2_000,
              20,
            );
          } finally {
            await monitor.close();
          }
          deepEqual(await routesIn(h.a.hostNs), expectedA);
        },
      );

      await t.step(
        "the periodic resync restores a route deleted behind the agent's back",
        async () => {
          await ipIn(h.a.hostNs, ["route", "del", "10.65.1.0/26"]);
          const { elapsedMs } = await eventually(
            async () => {
              deepEqual(await routesIn(h.a.hostNs), expectedA);
            },
            5_000,
            100,
          );
          ok(elapsedMs < 5_000);
        },
      );

      await t.step(
        "removing node B removes its routes and VTEP entries and no others",
        async () => {
          await h.writeCluster([NODES[0]!], [A1, A2]);
          await eventually(
            async () => {
              deepEqual(
                await routesIn(h.a.hostNs),
                expectedA.filter((r) => !HOST_A_TO_B.includes(r)),
              );
            },
            10_000,
            100,
          );
          deepEqual(await vtepEntriesIn(h.a.hostNs), []);
          ok((await run("ip", ["-n", h.a.hostNs, "link", "show", "vxlan.calico"])).includes("UP"));
        },
      );

      const totals = await h.stopAgent(agentA);
      deepEqual(
        totals,
        { replaced: 1, deleted: 2 },
        "the restarted agent A restored one route and deleted node B's two",
      );
      await h.stopAgent(agentB);
      for (const [name, agent] of [["A", agentA], ["B", agentB]] as const) {
        const errors = (await agent.stderr()).split("\n").filter((l) => l.includes("[ERROR]"));
        deepEqual(errors, [], `agent ${name} logged no errors`);
      }
    } finally {
      for (const p of probes) await p.stop();
      await h.dispose();
    }
  },
});
