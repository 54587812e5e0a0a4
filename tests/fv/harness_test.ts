/**
 * Self-tests of the FV harness, without the agent: the topology is wired as the CNI plugin
 * wires it, real probes see every cell, a hand-written nftables drop is seen as a denial, a
 * wrong expectation reports the whole matrix, and nothing is left behind.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { execIn, ipIn, run, tryRun } from "./cmd.ts";
import { assertMatrix, type Cell, cross, runMatrix } from "./matrix.ts";
import { POD_CIDR_V4, UPLINK, WORKLOAD_GATEWAY_V4, WORKLOAD_GATEWAY_V6 } from "./netns.ts";
import { Scene } from "./scene.ts";
import { ROOT_SKIP } from "./skip.ts";

const PODS = [
  { name: "a1", ns: "alpha", ipv4: "10.65.0.2", ipv6: "fd65::2" },
  { name: "b1", ns: "beta", ipv4: "10.65.0.3", ipv6: "fd65::3" },
] as const;

function makeScene(): Promise<Scene> {
  return Scene.create({
    namespaces: { alpha: {}, beta: {} },
    pods: PODS,
    tcp: [8080],
    udp: [5353],
  });
}

const KINDS: readonly Omit<Cell, "from" | "to" | "expect">[] = [
  { proto: "tcp", port: 8080 },
  { proto: "udp", port: 5353 },
  { proto: "icmp", icmpType: 8 },
  { proto: "icmp", icmpType: 13 },
  { proto: "tcp", port: 8080, family: 6 },
  { proto: "udp", port: 5353, family: 6 },
  { proto: "icmp", family: 6 },
];

Deno.test({
  name: "Topology wires a workload as the CNI plugin does (cali name, /32, gateway routes)",
  ignore: ROOT_SKIP,
  fn: async () => {
    const scene = await makeScene();
    try {
      const [a1] = scene.topology.workloads;
      ok(a1 !== undefined);
      equal(a1.iface, "cali" + a1.iface.slice(4));
      match(a1.iface, /^cali[0-9a-f]{11}$/);
      const hostLink = JSON.parse(
        await ipIn(scene.topology.hostNs, ["-j", "link", "show", a1.iface]),
      );
      equal(hostLink[0].address, "ee:ee:ee:ee:ee:ee");
      const wlAddrs = JSON.parse(await ipIn(a1.netns, ["-j", "addr", "show", "eth0"]));
      const addrs = wlAddrs[0].addr_info.map((x: { local: string; prefixlen: number }) =>
        `${x.local}/${x.prefixlen}`
      );
      ok(addrs.includes("10.65.0.2/32"), addrs.join(" "));
      ok(addrs.includes("fd65::2/128"), addrs.join(" "));
      equal(
        (await ipIn(a1.netns, ["route", "show", "default"])).trim(),
        `default via ${WORKLOAD_GATEWAY_V4} dev eth0`,
      );
      match(
        await ipIn(a1.netns, ["-6", "route", "show", "default"]),
        new RegExp(
          `^default via ${WORKLOAD_GATEWAY_V6} dev eth0`,
        ),
      );
      equal(
        (await ipIn(scene.topology.hostNs, ["route", "show", "10.65.0.2"])).trim(),
        `10.65.0.2 dev ${a1.iface} scope link`,
      );
      equal(
        (await execIn(scene.topology.hostNs, "sysctl", [
          "-n",
          `net.ipv4.conf.${a1.iface}.proxy_arp`,
        ]))
          .trim(),
        "1",
      );
      match(
        await ipIn(scene.topology.outsideNs, ["route", "show", POD_CIDR_V4]),
        /via 10\.99\.0\.1/,
      );
    } finally {
      await scene.dispose();
    }
  },
});

Deno.test({
  name: "assertMatrix sees every cell allowed with no ruleset and a hand-made nft drop as denied",
  ignore: ROOT_SKIP,
  fn: async () => {
    const scene = await makeScene();
    try {
      const open = [
        ...cross(["a1", "b1"], ["a1", "b1"], KINDS, () => "allow"),
        {
          from: "a1",
          to: "internet",
          proto: "tcp",
          port: 8080,
          expect: "allow",
          seenAs: "10.65.0.2",
        },
        {
          from: "outside",
          to: "b1",
          proto: "udp",
          port: 5353,
          expect: "allow",
          seenAs: UPLINK.outsideV4,
        },
        { from: "b1", to: "host", proto: "tcp", port: 8080, expect: "allow" },
      ] satisfies Cell[];
      await assertMatrix("no ruleset", scene.peers, open);
      await execIn(
        scene.topology.hostNs,
        "nft",
        ["-f", "-"],
        [
          "table inet fvtest {",
          "  chain forward_drops { type filter hook forward priority 0; policy accept;",
          "    ip daddr 10.65.0.3 tcp dport 8080 drop",
          "    icmp type timestamp-request drop",
          "    ip6 saddr fd65::2 udp dport 5353 drop",
          "  }",
          "}",
        ].join("\n"),
      );
      const denied = (c: Cell): boolean =>
        (c.to === "b1" && c.proto === "tcp" && c.family !== 6) ||
        (c.proto === "icmp" && c.icmpType === 13) ||
        (c.from === "a1" && c.proto === "udp" && c.family === 6);
      const cells = open.map((c): Cell => ({ ...c, expect: denied(c) ? "deny" : "allow" }));
      await assertMatrix("hand-made drops", scene.peers, cells);
      const quick = { retryTimeoutMs: 600 };
      const allAllow = cells.map((c): Cell => ({ ...c, expect: "allow" }));
      const results = await runMatrix(scene.peers, allAllow, quick);
      deepEqual(
        results.filter((r) => !r.pass).map((r) => r.outcome.result),
        cells.filter((c) => c.expect === "deny").map(() => "timeout"),
      );
      await rejects(
        assertMatrix("wrong on purpose", scene.peers, allAllow, quick),
        (e: Error) => {
          match(e.message, /^Matrix "wrong on purpose": 4 of 17 cells wrong\n/);
          equal(e.message.split("\n").length, 1 + cells.length);
          match(e.message, /!! a1 -> b1 tcp\/8080 v4 +expect allow, saw timeout/);
          match(e.message, /\n {3}a1 -> b1 udp\/5353 v4 +expect allow, saw ok as 10\.65\.0\.2/);
          return true;
        },
      );
    } finally {
      await scene.dispose();
    }
  },
});

Deno.test({
  name: "Topology.dispose removes every namespace it created",
  ignore: ROOT_SKIP,
  fn: async () => {
    const scene = await makeScene();
    const id = scene.topology.id;
    await scene.dispose();
    const list = await run("ip", ["netns", "list"]);
    deepEqual(list.split("\n").filter((l) => l.startsWith(id)), []);
    equal((await tryRun("ip", ["netns", "exec", `${id}-host`, "true"])).code !== 0, true);
  },
});
