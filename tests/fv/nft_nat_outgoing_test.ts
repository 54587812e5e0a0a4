/**
 * FV, nftables: natOutgoing. The outside namespace has no route back to the pod CIDRs, so a pod
 * reaches the "internet" only when its pool masquerades; the server must then see the host's
 * uplink address (v4 and v6). Pod-to-pod traffic inside the pools is never masqueraded.
 */
import { assertMatrix, type Cell } from "./matrix.ts";
import { POD_CIDR_V4, POD_CIDR_V6, UPLINK } from "./netns.ts";
import { ipPool } from "./resources.ts";
import { Scene } from "./scene.ts";
import { agentSkip } from "./skip.ts";

const AGENT_SKIP = await agentSkip();

const PODS = [
  { name: "p1", ns: "alpha", ipv4: "10.65.9.1", ipv6: "fd65::901" },
  { name: "p2", ns: "alpha", ipv4: "10.65.9.2", ipv6: "fd65::902" },
] as const;

function pools(nat: boolean) {
  return [
    ipPool(POD_CIDR_V4, { natOutgoing: nat, blockSize: 26 }),
    ipPool(POD_CIDR_V6, { natOutgoing: nat, blockSize: 122 }),
  ];
}

function cells(nat: boolean): Cell[] {
  const out = (family: 4 | 6, proto: "tcp" | "udp", port: number): Cell => ({
    from: "p1",
    to: "internet",
    family,
    proto,
    port,
    ...(nat
      ? { expect: "allow", seenAs: family === 4 ? UPLINK.hostV4 : UPLINK.hostV6 }
      : { expect: "deny" }),
  });
  return [
    out(4, "tcp", 8080),
    out(4, "udp", 5353),
    out(6, "tcp", 8080),
    {
      from: "p2",
      to: "outside",
      proto: "tcp",
      port: 8080,
      ...(nat ? { expect: "allow", seenAs: UPLINK.hostV4 } : { expect: "deny" }),
    },
    { from: "p1", to: "p2", proto: "tcp", port: 8080, expect: "allow", seenAs: "10.65.9.1" },
    {
      from: "p2",
      to: "p1",
      family: 6,
      proto: "udp",
      port: 5353,
      expect: "allow",
      seenAs: "fd65::902",
    },
  ];
}

Deno.test({
  name: "nftables: natOutgoing masquerades pod traffic leaving the pools to the host's address",
  ignore: AGENT_SKIP,
  fn: async (t) => {
    const scene = await Scene.create({
      namespaces: { alpha: {} },
      pods: PODS,
      tcp: [8080],
      udp: [5353],
      outsideRoutesToPods: false,
    });
    try {
      await t.step("pools without natOutgoing: no way back from outside", async () => {
        await scene.program(pools(false));
        await assertMatrix("no NAT", scene.peers, cells(false));
      });
      await t.step("pools with natOutgoing: the outside sees the host's address", async () => {
        await scene.program(pools(true));
        await assertMatrix("NAT", scene.peers, cells(true));
      });
      await t.step("natOutgoing turned off again", async () => {
        await scene.program(pools(false));
        await assertMatrix("NAT off", scene.peers, cells(false));
      });
    } finally {
      await scene.dispose();
    }
  },
});
