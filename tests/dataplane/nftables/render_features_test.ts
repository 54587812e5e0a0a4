import { deepEqual, equal } from "node:assert/strict";
import {
  nftElement,
  renderTable,
  renderTables,
} from "../../../src/dataplane/nftables/nft_renderer.ts";
import { policy, pool, protoRule, renderInput, tier, wep } from "../rules/fixtures.ts";
import { lines } from "./render_helpers.ts";

const MASQ = "ip saddr @cali40masq-ipam-pools ip daddr != @cali40network-ip-pools";

Deno.test("renderTable leaves cali-nat-outgoing empty without a masquerading pool of the family", () => {
  const table = renderTable(
    renderInput({ ipPools: { a: pool("10.65.0.0/16", false), b: pool("fd00::/64", true) } }),
    4,
  );
  deepEqual(lines(table, "nat-cali-nat-outgoing"), []);
  deepEqual(table.sets.get("cali40network-ip-pools")?.elements, ["10.65.0.0/16"]);
  deepEqual(table.sets.get("cali40masq-ipam-pools")?.elements, []);
});

Deno.test("renderTable masquerades with a port range per protocol, then the rest", () => {
  const table = renderTable(
    renderInput({
      config: { natPortRange: { min: 1024, max: 65535 } },
      ipPools: { a: pool("10.65.0.0/16", true) },
    }),
    4,
  );
  deepEqual(lines(table, "nat-cali-nat-outgoing"), [
    `${MASQ} meta l4proto tcp counter masquerade to :1024-65535 fully-random`,
    `${MASQ} meta l4proto tcp counter return`,
    `${MASQ} meta l4proto udp counter masquerade to :1024-65535 fully-random`,
    `${MASQ} meta l4proto udp counter return`,
    `${MASQ} counter masquerade fully-random`,
  ]);
});

Deno.test("renderTable SNATs to NATOutgoingAddress and honours exclusions and the interface filter", () => {
  const table = renderTable(
    renderInput({
      config: {
        natOutgoingAddress: "192.0.2.1",
        natRandomFully: false,
        natOutgoingExclusions: "IPPoolsAndHostIPs",
        natOutgoingInterfaceFilter: "eth0",
      },
      ipPools: { a: pool("10.65.0.0/16", true) },
      allHostsNets: ["192.168.1.10", "192.168.1.11/32"],
    }),
    4,
  );
  deepEqual(lines(table, "nat-cali-nat-outgoing"), [
    `${MASQ} ip daddr != @cali40all-hosts-net oifname eth0 counter snat to 192.0.2.1`,
  ]);
  deepEqual(table.sets.get("cali40all-hosts-net")?.elements, [
    "192.168.1.10/32",
    "192.168.1.11/32",
  ]);
});

Deno.test("renderTable allows IPIP and VXLAN only from known hosts and NOTRACKs VXLAN", () => {
  const table = renderTable(
    renderInput({
      config: { ipipEnabled: true, vxlanEnabled: true, ipipTunnelAddress: "10.65.0.1" },
      allHostsNets: ["192.168.1.11"],
      vxlanHostNets: ["192.168.1.12"],
    }),
    4,
  );
  deepEqual(lines(table, "filter-cali-INPUT")!.slice(0, 4), [
    "meta l4proto 4 ip saddr @cali40all-hosts-net fib daddr type local counter accept # Allow IPIP packets from Calico hosts",
    "meta l4proto 4 counter drop # Drop IPIP packets from non-Calico hosts",
    "meta l4proto 17 udp dport { 4789 } ip saddr @cali40all-vxlan-net fib daddr type local counter accept # Allow IPv4 VXLAN packets from allowed hosts",
    "meta l4proto 17 udp dport { 4789 } fib daddr type local counter drop # Drop IPv4 VXLAN packets from non-allowed hosts",
  ]);
  deepEqual(lines(table, "filter-cali-OUTPUT")!.slice(2, 4), [
    "meta l4proto 4 ip daddr @cali40all-hosts-net fib saddr type local counter accept # Allow IPIP packets to other Calico hosts",
    "meta l4proto 17 udp dport { 4789 } fib saddr type local ip daddr @cali40all-vxlan-net counter accept # Allow IPv4 VXLAN packets to other allowed hosts",
  ]);
  deepEqual(
    lines(table, "raw-cali-PREROUTING")![1],
    "meta l4proto udp udp dport 4789 counter notrack",
  );
  deepEqual(
    lines(table, "nat-cali-POSTROUTING")![2],
    "oifname tunl0 fib saddr . oif type != local fib saddr type local counter masquerade fully-random",
  );
  deepEqual(table.sets.get("cali40all-vxlan-net")?.elements, ["192.168.1.12/32"]);
});

Deno.test("renderTables renders ip6 calico with ICMPv6 router traffic allowed and v6 sets only", () => {
  const tables = renderTables(
    renderInput({
      config: { ipv6Enabled: true, vxlanEnabledV6: true, filterDenyAction: "REJECT" },
      ipSets: { "s:x": { type: "net", members: new Set(["10.0.0.1/32", "fd00::1/128"]) } },
      workloadEndpoints: { w: wep("cali1") },
    }),
  );
  const ip6 = tables.ip6!;
  equal(ip6.family, "ip6");
  deepEqual(lines(ip6, "filter-cali-wl-to-host"), [
    ...[130, 131, 132, 133, 135, 136].map((t) => `meta l4proto 58 icmpv6 type ${t} counter accept`),
    "counter jump filter-cali-from-wl-dispatch",
    "counter reject # Configured DefaultEndpointToHostAction",
  ]);
  deepEqual(ip6.sets.get("cali60s-x")?.elements, ["fd00::1/128"]);
  deepEqual(tables.ip.sets.get("cali40s-x")?.elements, ["10.0.0.1/32"]);
  deepEqual(lines(ip6, "filter-cali-INPUT")!.slice(0, 2), [
    "meta l4proto 17 udp dport { 4789 } ip6 saddr @cali60all-vxlan-net fib daddr type local counter accept # Allow IPv6 VXLAN packets from allowed hosts",
    "meta l4proto 17 udp dport { 4789 } fib daddr type local counter reject # Reject IPv6 VXLAN packets from non-allowed hosts",
  ]);
  equal(renderTables(renderInput()).ip6, undefined);
});

Deno.test("renderTable renders set types and collapses overlapping nets (§2.4)", () => {
  const table = renderTable(
    renderInput({
      ipSets: {
        "s:nets": {
          type: "net",
          members: new Set(["10.1.0.0/16", "10.0.0.0/8", "10.0.0.5", "11.0.0.0/24", "11.0.1.0/24"]),
        },
        "n:port": {
          type: "ip-and-port",
          members: new Set(["10.0.0.2,tcp:8080", "10.0.0.1,udp:53", "fd00::1,tcp:1"]),
        },
        "h:ips": { type: "ip", members: new Set(["10.0.0.9", "10.0.0.8/32", "10.0.0.0/24"]) },
      },
      hostIPs: ["192.168.1.10", "fd00::10"],
    }),
    4,
  );
  const set = (n: string) => {
    const s = table.sets.get(n)!;
    return [s.type, s.flags.join(","), ...s.elements];
  };
  deepEqual(set("cali40s-nets"), [
    "ipv4_addr",
    "interval",
    "10.0.0.0/8",
    "11.0.0.0/24",
    "11.0.1.0/24",
  ]);
  deepEqual(set("cali40n-port"), [
    "ipv4_addr . inet_proto . inet_service",
    "",
    "10.0.0.1 . udp . 53",
    "10.0.0.2 . tcp . 8080",
  ]);
  deepEqual(set("cali40h-ips"), ["ipv4_addr", "", "10.0.0.8", "10.0.0.9"]);
  deepEqual(set("cali40this-host"), ["ipv4_addr", "", "192.168.1.10"]);
  equal(nftElement("ip-and-port", "fd00::1,tcp:1"), "fd00::1 . tcp . 1");
});

Deno.test("renderTable fills cali-cidr-block per ServiceLoopPrevention with the family's CIDRs", () => {
  const table = renderTable(
    renderInput({
      config: { serviceLoopPrevention: "Reject", blockedCIDRs: ["10.96.0.0/12", "fd00::/108"] },
    }),
    4,
  );
  deepEqual(lines(table, "filter-cali-cidr-block"), ["ip daddr 10.96.0.0/12 counter reject"]);
});

Deno.test("renderTable renders sets referenced by rules but missing from the input as empty", () => {
  const id = { kind: "GlobalNetworkPolicy", namespace: "", name: "p" };
  const table = renderTable(
    renderInput({
      policies: {
        "GlobalNetworkPolicy/p": policy({
          inboundRules: [
            protoRule("allow", { srcIPSetIds: ["s:gone"], dstNamedPortIPSetIds: ["n:gone"] }),
          ],
        }),
      },
      workloadEndpoints: { w: wep("cali1", { tiers: [tier("default", [id], [])] }) },
    }),
    4,
  );
  deepEqual(table.sets.get("cali40s-gone"), {
    name: "cali40s-gone",
    type: "ipv4_addr",
    flags: ["interval"],
    elements: [],
  });
  deepEqual(table.sets.get("cali40n-gone")?.type, "ipv4_addr . inet_proto . inet_service");
  deepEqual(
    lines(
      renderTable(
        renderInput({
          config: { serviceLoopPrevention: "Disabled", blockedCIDRs: ["10.96.0.0/12"] },
        }),
        4,
      ),
      "filter-cali-cidr-block",
    ),
    [],
  );
});
