import { deepEqual, equal } from "node:assert/strict";
import { renderTable } from "../../../src/dataplane/nftables/nft_renderer.ts";
import type { PolicyID } from "../../../src/proto/messages.ts";
import { policy, protoRule, renderInput, tier, wep } from "../rules/fixtures.ts";
import { chainNames, lines } from "./render_helpers.ts";

const np = (name: string): PolicyID => ({ kind: "NetworkPolicy", namespace: "ns", name });
const gnp = (name: string): PolicyID => ({ kind: "GlobalNetworkPolicy", namespace: "", name });
const CONNTRACK = [
  "ct state related,established counter accept",
  "ct state invalid counter drop",
  "counter meta mark set mark & 0xfffcffff",
];

Deno.test("renderTable renders tiers in order with Pass tiers skipping the end-of-tier drop", () => {
  const table = renderTable(
    renderInput({
      policies: {
        "GlobalNetworkPolicy/sec": policy({
          tier: "security",
          originalSelector: "a == 'x'",
          inboundRules: [protoRule("next-tier")],
        }),
        "NetworkPolicy/ns/web": policy({ namespace: "ns", inboundRules: [protoRule("allow")] }),
      },
      workloadEndpoints: {
        "k8s/ns.web/eth0": wep("cali12345", {
          tiers: [tier("security", [gnp("sec")], [], "Pass"), tier("default", [np("web")], [])],
        }),
      },
    }),
    4,
  );
  deepEqual(lines(table, "filter-cali-tw-cali12345"), [
    ...CONNTRACK,
    "counter meta mark set mark & 0xfffdffff # Start of tier security",
    "meta mark & 0x20000 == 0 counter jump filter-cali-pi-gnp/sec",
    "meta mark & 0x10000 == 0x10000 counter return # Return if policy accepted",
    "counter meta mark set mark & 0xfffdffff # Start of tier default",
    "meta mark & 0x20000 == 0 counter jump filter-cali-pi-np/ns/web",
    "meta mark & 0x10000 == 0x10000 counter return # Return if policy accepted",
    "meta mark & 0x20000 == 0 counter drop # End of tier default. Drop if no policies passed packet",
    "counter drop # Drop if no profiles matched",
  ]);
  deepEqual(lines(table, "filter-cali-pi-gnp/sec"), [
    "counter meta mark set mark or 0x20000 # GlobalNetworkPolicy sec ingress",
  ]);
  deepEqual(chainNames(table, "filter-cali-po-"), []);
});

Deno.test("renderTable groups consecutive policies with one selector into a cali-gi- chain", () => {
  const ids = ["p1", "p2", "p3", "p4", "p5", "p6"].map(np);
  const policies = Object.fromEntries(
    ids.map((id) => [`NetworkPolicy/ns/${id.name}`, policy({ originalSelector: "all()" })]),
  );
  const table = renderTable(
    renderInput({
      policies,
      workloadEndpoints: { w: wep("cali1", { tiers: [tier("default", ids, [])] }) },
    }),
    4,
  );
  const groups = chainNames(table, "filter-cali-gi-");
  equal(groups.length, 1);
  deepEqual(lines(table, groups[0]!), [
    "counter jump filter-cali-pi-np/ns/p1",
    "meta mark & 0x30000 == 0 counter jump filter-cali-pi-np/ns/p2",
    "meta mark & 0x30000 == 0 counter jump filter-cali-pi-np/ns/p3",
    "meta mark & 0x30000 == 0 counter jump filter-cali-pi-np/ns/p4",
    "meta mark & 0x30000 == 0 counter jump filter-cali-pi-np/ns/p5",
    "meta mark & 0x30000 != 0 counter return # Return on verdict",
    "counter jump filter-cali-pi-np/ns/p6",
  ]);
  equal(
    lines(table, "filter-cali-tw-cali1")![4],
    `meta mark & 0x20000 == 0 counter jump ${groups[0]}`,
  );
});

Deno.test("renderTable gives an admin-down workload a single deny rule", () => {
  const table = renderTable(
    renderInput({ workloadEndpoints: { w: wep("cali1", { state: "down" }) } }),
    4,
  );
  deepEqual(lines(table, "filter-cali-tw-cali1"), ["counter drop # Endpoint admin disabled"]);
  deepEqual(lines(table, "filter-cali-fw-cali1"), ["counter drop # Endpoint admin disabled"]);
});

Deno.test("renderTable fails closed for policies and profiles missing from the input", () => {
  const table = renderTable(
    renderInput({
      workloadEndpoints: {
        w: wep("cali1", { profileIds: ["kns.gone"], tiers: [tier("default", [np("gone")], [])] }),
      },
    }),
    4,
  );
  deepEqual(lines(table, "filter-cali-pi-np/ns/gone"), [
    "continue # NetworkPolicy ns/gone ingress",
  ]);
  deepEqual(lines(table, "filter-cali-pri-kns.gone"), ["continue # Profile kns.gone ingress"]);
  deepEqual(
    lines(table, "filter-cali-tw-cali1")!.at(-1),
    "counter drop # Drop if no profiles matched",
  );
});

Deno.test("renderTable sets the accept bit before returning when FilterAllowAction is RETURN", () => {
  const table = renderTable(
    renderInput({
      config: {
        filterAllowAction: "RETURN",
        disableConntrackInvalidCheck: true,
        allowIPIPPacketsFromWorkloads: true,
      },
      workloadEndpoints: { w: wep("cali1") },
    }),
    4,
  );
  deepEqual(lines(table, "filter-cali-fw-cali1"), [
    "ct state related,established counter meta mark set mark or 0x10000",
    "ct state related,established counter return",
    "counter meta mark set mark & 0xfffcffff",
    "meta l4proto 17 udp dport { 4789 } counter drop # Drop VXLAN encapped packets originating in workloads",
    "counter drop # Drop if no profiles matched",
  ]);
});

Deno.test("renderTable dispatches workloads through verdict maps; the lowest endpoint id wins a shared name", () => {
  const table = renderTable(
    renderInput({
      workloadEndpoints: {
        "k8s/b/eth0": wep("caliX", { profileIds: ["b"] }),
        "k8s/a/eth0": wep("caliX", { profileIds: ["a"] }),
        "k8s/c/eth0": wep("caliA"),
      },
    }),
    4,
  );
  deepEqual([...table.maps.get("filter-cali-to-wl-dispatch")!.elements], [
    ['"caliA"', "goto filter-cali-tw-caliA"],
    ['"caliX"', "goto filter-cali-tw-caliX"],
  ]);
  deepEqual(lines(table, "filter-cali-tw-caliX")!.at(-3), "counter jump filter-cali-pri-a");
  deepEqual(lines(table, "filter-cali-to-wl-dispatch"), [
    "oifname vmap @filter-cali-to-wl-dispatch",
    "counter drop # Unknown interface",
  ]);
});

Deno.test("renderTable honours DefaultEndpointToHostAction and every workload prefix", () => {
  const accept = renderTable(
    renderInput({
      config: { defaultEndpointToHostAction: "ACCEPT", interfacePrefixes: ["cali", "tap"] },
    }),
    4,
  );
  deepEqual(lines(accept, "filter-cali-wl-to-host"), [
    "counter jump filter-cali-from-wl-dispatch",
    "counter accept # Configured DefaultEndpointToHostAction",
  ]);
  deepEqual(lines(accept, "filter-cali-INPUT")!.slice(0, 2), [
    "iifname cali* counter goto filter-cali-wl-to-host",
    "iifname tap* counter goto filter-cali-wl-to-host",
  ]);
  const ret = renderTable(renderInput({ config: { defaultEndpointToHostAction: "RETURN" } }), 4);
  deepEqual(
    lines(ret, "filter-cali-wl-to-host")![1],
    "counter return # Configured DefaultEndpointToHostAction",
  );
});

Deno.test("renderTable lets allowed spoofed prefixes skip the RPF check", () => {
  const table = renderTable(
    renderInput({
      config: { ipv6Enabled: true },
      workloadEndpoints: {
        w: wep("cali1", { allowSpoofedSourcePrefixes: ["10.9.0.0/16", "fd00::/64"] }),
      },
    }),
    4,
  );
  deepEqual(lines(table, "raw-cali-rpf-skip"), [
    "iifname cali1 ip saddr 10.9.0.0/16 counter accept",
  ]);
  const v6 = renderTable(
    renderInput({
      workloadEndpoints: { w: wep("cali1", { allowSpoofedSourcePrefixes: ["fd00::/64"] }) },
    }),
    6,
  );
  deepEqual(lines(v6, "raw-cali-rpf-skip"), ["iifname cali1 ip6 saddr fd00::/64 counter accept"]);
});
