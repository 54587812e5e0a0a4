import { deepEqual } from "node:assert/strict";
import { renderTable } from "../../../src/dataplane/nftables/nft_renderer.ts";
import type { PolicyID } from "../../../src/proto/messages.ts";
import { hep, policy, protoRule, renderInput, tier } from "../rules/fixtures.ts";
import { chainNames, lines } from "./render_helpers.ts";

const g = (name: string): PolicyID => ({ kind: "GlobalNetworkPolicy", namespace: "", name });

function hepTable() {
  return renderTable(
    renderInput({
      config: {
        failsafeInbound: [{ protocol: "tcp", port: 22 }, {
          protocol: "tcp",
          port: 179,
          net: "10.0.0.0/8",
        }],
        failsafeOutbound: [{ protocol: "udp", port: 53 }, {
          protocol: "tcp",
          port: 443,
          net: "fd00::/8",
        }],
      },
      policies: {
        "GlobalNetworkPolicy/deny-all": policy({
          inboundRules: [protoRule("deny")],
          outboundRules: [protoRule("deny")],
        }),
        "GlobalNetworkPolicy/untracked": policy({
          untracked: true,
          inboundRules: [protoRule("allow", { protocol: "udp" })],
        }),
        "GlobalNetworkPolicy/prednat": policy({
          preDNAT: true,
          inboundRules: [protoRule("deny", { protocol: "tcp" })],
        }),
        "GlobalNetworkPolicy/fwd": policy({ inboundRules: [protoRule("allow")] }),
      },
      hostEndpoints: {
        eth0: hep("eth0", {
          profileIds: ["projectcalico-default-allow"],
          tiers: [tier("default", [g("deny-all")], [g("deny-all")])],
          untrackedTiers: [tier("default", [g("untracked")], [])],
          preDNATTiers: [tier("default", [g("prednat")], [])],
          forwardTiers: [tier("default", [g("fwd")], [])],
        }),
        eth1: hep("eth1"),
        ens3: hep("ens3"),
        all: hep("*", { tiers: [tier("default", [g("deny-all")], [])] }),
      },
    }),
    4,
  );
}

Deno.test("renderTable gives a host endpoint filter chains with failsafes, tiers and profiles", () => {
  const table = hepTable();
  deepEqual(lines(table, "filter-cali-fh-eth0"), [
    "ct state related,established counter accept",
    "ct state invalid counter drop",
    "counter jump filter-cali-failsafe-in",
    "counter meta mark set mark & 0xfffcffff",
    "counter meta mark set mark & 0xfffdffff # Start of tier default",
    "meta mark & 0x20000 == 0 counter jump filter-cali-pi-gnp/deny-all",
    "meta mark & 0x10000 == 0x10000 counter return # Return if policy accepted",
    "meta mark & 0x20000 == 0 counter drop # End of tier default. Drop if no policies passed packet",
    "counter jump filter-cali-pri-projectcalico-default-allow",
    "meta mark & 0x10000 == 0x10000 counter return # Return if profile accepted",
    "counter drop # Drop if no profiles matched",
  ]);
  deepEqual(lines(table, "filter-cali-th-eth0")!.slice(2, 6), [
    "counter jump filter-cali-failsafe-out",
    "counter meta mark set mark & 0xfffcffff",
    "counter meta mark set mark & 0xfffdffff # Start of tier default",
    "meta mark & 0x20000 == 0 counter jump filter-cali-po-gnp/deny-all",
  ]);
});

Deno.test("renderTable renders the failsafe chains, reversed in raw, skipping other-family nets", () => {
  const table = hepTable();
  deepEqual(lines(table, "filter-cali-failsafe-in"), [
    "meta l4proto tcp tcp dport { 22 } counter accept",
    "meta l4proto tcp tcp dport { 179 } ip saddr 10.0.0.0/8 counter accept",
  ]);
  deepEqual(lines(table, "filter-cali-failsafe-out"), [
    "meta l4proto udp udp dport { 53 } counter accept",
  ]);
  deepEqual(lines(table, "raw-cali-failsafe-in"), [
    "meta l4proto tcp tcp dport { 22 } counter accept",
    "meta l4proto tcp tcp dport { 179 } ip saddr 10.0.0.0/8 counter accept",
    "meta l4proto udp udp sport { 53 } counter accept",
  ]);
  deepEqual(lines(table, "raw-cali-failsafe-out"), [
    "meta l4proto udp udp dport { 53 } counter accept",
    "meta l4proto tcp tcp sport { 22 } counter accept",
    "meta l4proto tcp tcp sport { 179 } ip daddr 10.0.0.0/8 counter accept",
  ]);
});

Deno.test("renderTable allows forwarded traffic by default on host endpoints without forward tiers", () => {
  const table = hepTable();
  deepEqual(lines(table, "filter-cali-fhfw-eth1"), [
    "ct state related,established counter accept",
    "ct state invalid counter drop",
    "counter meta mark set mark & 0xfffcffff",
    "counter meta mark set mark or 0x10000 # Allow forwarded traffic by default",
    "counter return # Return for accepted forward traffic",
  ]);
  deepEqual(lines(table, "filter-cali-fhfw-eth0")!.slice(3), [
    "counter meta mark set mark & 0xfffdffff # Start of tier default",
    "meta mark & 0x20000 == 0 counter jump filter-cali-pi-gnp/fwd",
    "meta mark & 0x10000 == 0x10000 counter return # Return if policy accepted",
    "meta mark & 0x20000 == 0 counter drop # End of tier default. Drop if no policies passed packet",
  ]);
});

Deno.test("renderTable dispatches host endpoints by prefix tree with the * endpoint as default", () => {
  const table = hepTable();
  deepEqual(lines(table, "filter-cali-from-host-endpoint"), [
    "iifname ens3 counter goto filter-cali-fh-ens3",
    "iifname et* counter goto filter-cali-from-host-endpoint-t",
    "counter goto filter-cali-fh-any-interface-at-all",
  ]);
  deepEqual(lines(table, "filter-cali-from-host-endpoint-t"), [
    "iifname eth0 counter goto filter-cali-fh-eth0",
    "iifname eth1 counter goto filter-cali-fh-eth1",
    "counter goto filter-cali-fh-any-interface-at-all",
  ]);
  deepEqual(lines(table, "mangle-cali-to-host-endpoint")!.slice(2), [
    "oifname cali* counter return # Skip egress WHEP policy for traffic to local workload",
    "counter goto mangle-cali-th-any-interface-at-all",
  ]);
  deepEqual(
    lines(table, "filter-cali-to-hep-forward")!.at(-1),
    "counter goto filter-cali-thfw-any-interface-at-all",
  );
});

Deno.test("renderTable puts untracked policy in raw with NOTRACK, only for endpoints that have it", () => {
  const table = hepTable();
  deepEqual(lines(table, "raw-cali-fh-eth0"), [
    "counter jump raw-cali-failsafe-in",
    "counter meta mark set mark & 0xfffcffff",
    "counter meta mark set mark & 0xfffdffff # Start of tier default",
    "meta mark & 0x20000 == 0 counter jump raw-cali-pi-gnp/untracked",
    "meta mark & 0x10000 == 0x10000 counter notrack",
    "meta mark & 0x10000 == 0x10000 counter return # Return if policy accepted",
  ]);
  deepEqual(lines(table, "raw-cali-from-host-endpoint"), [
    "iifname eth0 counter goto raw-cali-fh-eth0",
  ]);
  deepEqual(chainNames(table, "raw-cali-fh-"), ["raw-cali-fh-eth0"]);
  deepEqual(lines(table, "raw-cali-pi-gnp/untracked"), [
    "meta l4proto udp counter meta mark set mark or 0x10000 # GlobalNetworkPolicy untracked ingress",
  ]);
});

Deno.test("renderTable puts pre-DNAT policy in mangle without an end-of-tier drop", () => {
  const table = hepTable();
  deepEqual(lines(table, "mangle-cali-fh-eth0"), [
    "ct state related,established counter accept",
    "ct state invalid counter drop",
    "counter jump mangle-cali-failsafe-in",
    "counter meta mark set mark & 0xfffcffff",
    "counter meta mark set mark & 0xfffdffff # Start of tier default",
    "meta mark & 0x20000 == 0 counter jump mangle-cali-pi-gnp/prednat",
    "meta mark & 0x10000 == 0x10000 counter return # Return if policy accepted",
  ]);
  deepEqual(lines(table, "mangle-cali-from-host-endpoint"), [
    "iifname eth0 counter goto mangle-cali-fh-eth0",
  ]);
  deepEqual(lines(table, "mangle-cali-th-eth1"), [
    "ct state related,established counter meta mark set mark or 0x10000",
    "ct state related,established counter return",
    "ct state invalid counter drop",
    "counter jump mangle-cali-failsafe-out",
    "counter meta mark set mark & 0xfffcffff",
    "counter drop # Drop if no profiles matched",
  ]);
});

Deno.test("renderTable ignores untracked policy on the * host endpoint", () => {
  const table = renderTable(
    renderInput({
      hostEndpoints: { all: hep("*", { untrackedTiers: [tier("default", [g("x")], [])] }) },
    }),
    4,
  );
  deepEqual(lines(table, "raw-cali-from-host-endpoint"), []);
  deepEqual(chainNames(table, "raw-cali-fh-"), []);
});
