import { deepEqual } from "node:assert/strict";
import { chainRules, protoRuleToRules } from "../../../src/dataplane/rules/policy_rules.ts";
import { policyChains, profileChains } from "../../../src/dataplane/rules/policy_chains.ts";
import { rulesContext } from "../../../src/dataplane/rules/rules_context.ts";
import type { Rule } from "../../../src/dataplane/rules/rule_model.ts";
import { renderRuleBody } from "../../../src/dataplane/nftables/render_rule.ts";
import type { Rule as ProtoRule } from "../../../src/proto/rule.ts";
import { DEFAULT_CONFIG, policy, protoRule } from "./fixtures.ts";

const V4 = rulesContext(DEFAULT_CONFIG, 4, 256);
const V6 = rulesContext(DEFAULT_CONFIG, 6, 256);
const p = (first: number, last = first) => ({ first, last });

/** nft bodies (with comments after `#`) of one proto rule. */
function render(r: ProtoRule, ctx = V4): string[] {
  return show(protoRuleToRules(ctx, r, "calico-packet"), ctx.version);
}

function show(rules: readonly Rule[], version: 4 | 6 = 4): string[] {
  return rules.map((r) => {
    const body = renderRuleBody(r, version, "filter", "x");
    return r.comments.length === 0 ? body : `${body} # ${r.comments.join(" | ")}`;
  });
}

Deno.test("protoRuleToRules orders the positive match terms as upstream (§4.3)", () => {
  const r = protoRule("allow", {
    protocol: "tcp",
    srcNet: ["10.0.0.0/8"],
    srcIPSetIds: ["s:src"],
    srcPorts: [p(1000, 2000)],
    dstNet: ["10.1.0.0/16"],
    dstIPSetIds: ["s:dst"],
    dstIPPortSetIds: ["svc:web"],
    dstNamedPortIPSetIds: ["n:dstport"],
  });
  deepEqual(render(r), [
    "meta l4proto tcp ip saddr 10.0.0.0/8 ip saddr @cali40s-src tcp sport { 1000-2000 } " +
    "ip daddr 10.1.0.0/16 ip daddr @cali40s-dst ip daddr . meta l4proto . th dport @cali40svc-web " +
    "ip daddr . meta l4proto . th dport @cali40n-dstport counter meta mark set mark or 0x10000",
    "meta mark & 0x10000 == 0x10000 counter return",
  ]);
  const named = protoRule("allow", {
    protocol: "udp",
    srcNamedPortIPSetIds: ["n:srcport"],
    dstPorts: [p(80), p(443)],
  });
  deepEqual(
    render(named)[0],
    "meta l4proto udp ip saddr . meta l4proto . th sport @cali40n-srcport " +
      "udp dport { 80, 443 } counter meta mark set mark or 0x10000",
  );
});

Deno.test("protoRuleToRules renders the negated terms after the positive ones, ports split by 15 slots", () => {
  const many = Array.from({ length: 16 }, (_, i) => p(1000 + i));
  const r = protoRule("deny", {
    protocol: 17,
    notProtocol: "tcp",
    notSrcNet: ["192.168.0.0/16"],
    notSrcIPSetIds: ["s:a"],
    notSrcPorts: many,
    notSrcNamedPortIPSetIds: ["n:b"],
    notDstNet: ["172.16.0.0/12"],
    notDstIPSetIds: ["s:c"],
    notDstPorts: [p(53)],
    notDstNamedPortIPSetIds: ["n:d"],
  });
  const first15 = many.slice(0, 15).map((x) => x.first).join(", ");
  deepEqual(render(r), [
    `meta l4proto 17 meta l4proto != tcp ip saddr != 192.168.0.0/16 ip saddr != @cali40s-a ` +
    `udp sport != { ${first15} } udp sport != { 1015 } ip saddr . meta l4proto . th sport != @cali40n-b ` +
    `ip daddr != 172.16.0.0/12 ip daddr != @cali40s-c udp dport != { 53 } ` +
    `ip daddr . meta l4proto . th dport != @cali40n-d counter meta mark set mark or 0x40000`,
    "meta mark & 0x40000 == 0x40000 counter drop",
  ]);
});

Deno.test("protoRuleToRules renders ICMP and ICMPv6 type, code and their negations", () => {
  deepEqual(
    render(protoRule("allow", { protocol: "icmp", icmp: { type: 8 } }))[0],
    "meta l4proto icmp icmp type 8 counter meta mark set mark or 0x10000",
  );
  deepEqual(
    render(
      protoRule("allow", {
        protocol: "icmp",
        icmp: { type: 3, code: 4 },
        notICMP: { type: 3, code: 1 },
      }),
    )[0],
    "meta l4proto icmp icmp type 3 icmp code 4 icmp type . icmp code != { 3 . 1 } counter meta mark set mark or 0x10000",
  );
  deepEqual(
    render(protoRule("deny", { protocol: "icmpv6", ipVersion: 6, notICMP: { type: 128 } }), V6)[0],
    "meta l4proto icmpv6 icmpv6 type != 128 counter meta mark set mark or 0x40000",
  );
});

Deno.test("protoRuleToRules filters by IP version: other-family rules, nets and negated catch-alls", () => {
  deepEqual(render(protoRule("allow", { ipVersion: 6 })), []);
  deepEqual(render(protoRule("allow", { srcNet: ["fd00::/8"] })), []);
  deepEqual(render(protoRule("allow", { notDstNet: ["0.0.0.0/0"] })), []);
  deepEqual(
    render(protoRule("allow", { srcNet: ["10.0.0.1/32", "fd00::1/128"] }))[0],
    "ip saddr 10.0.0.1/32 counter meta mark set mark or 0x10000",
  );
  deepEqual(
    render(protoRule("allow", { srcNet: ["10.0.0.1/32", "fd00::1/128"] }), V6)[0],
    "ip6 saddr fd00::1/128 counter meta mark set mark or 0x10000",
  );
  deepEqual(render(protoRule("allow", { notDstNet: ["::/0"] })), []);
});

Deno.test("protoRuleToRules uses match blocks for several CIDRs and for ports plus named ports", () => {
  deepEqual(
    render(
      protoRule("allow", { srcNet: ["10.0.0.0/8", "11.0.0.0/8"], notSrcNet: ["10.1.0.0/16"] }),
    ),
    [
      "counter meta mark set mark & 0xffe7ffff ^ 0x0",
      "ip saddr 10.0.0.0/8 counter meta mark set mark or 0x80000",
      "ip saddr 11.0.0.0/8 counter meta mark set mark or 0x80000",
      "ip saddr != 10.1.0.0/16 meta mark & 0x80000 == 0x80000 counter meta mark set mark or 0x10000",
      "meta mark & 0x10000 == 0x10000 counter return",
    ],
  );
  deepEqual(
    render(
      protoRule("allow", {
        protocol: "tcp",
        dstPorts: [p(80)],
        dstNamedPortIPSetIds: ["n:http"],
        dstNet: ["10.0.0.0/8", "11.0.0.0/8"],
      }),
    ),
    [
      "counter meta mark set mark & 0xffe7ffff ^ 0x0",
      "meta l4proto tcp tcp dport { 80 } counter meta mark set mark or 0x80000",
      "ip daddr . meta l4proto . th dport @cali40n-http counter meta mark set mark or 0x80000",
      "ip daddr 10.0.0.0/8 counter meta mark set mark or 0x100000",
      "ip daddr 11.0.0.0/8 counter meta mark set mark or 0x100000",
      "meta mark & 0x100000 == 0 counter meta mark set mark & 0xfff7ffff",
      "meta l4proto tcp meta mark & 0x80000 == 0x80000 counter meta mark set mark or 0x10000",
      "meta mark & 0x10000 == 0x10000 counter return",
    ],
  );
});

Deno.test("protoRuleToRules starts a negated-only block with scratch0 set and clears scratch1 before a third positive block", () => {
  deepEqual(render(protoRule("allow", { notSrcNet: ["10.0.0.0/8", "11.0.0.0/8"] })).slice(0, 3), [
    "counter meta mark set mark & 0xffe7ffff ^ 0x80000",
    "ip saddr 10.0.0.0/8 counter meta mark set mark & 0xfff7ffff",
    "ip saddr 11.0.0.0/8 counter meta mark set mark & 0xfff7ffff",
  ]);
  const three = render(protoRule("allow", {
    protocol: "tcp",
    srcNamedPortIPSetIds: ["n:a", "n:b"],
    srcNet: ["10.0.0.0/8", "11.0.0.0/8"],
    dstNet: ["12.0.0.0/8", "13.0.0.0/8"],
  }));
  deepEqual(three.slice(5, 10), [
    "meta mark & 0x100000 == 0 counter meta mark set mark & 0xfff7ffff",
    "counter meta mark set mark & 0xffefffff",
    "ip daddr 12.0.0.0/8 counter meta mark set mark or 0x100000",
    "ip daddr 13.0.0.0/8 counter meta mark set mark or 0x100000",
    "meta mark & 0x100000 == 0 counter meta mark set mark & 0xfff7ffff",
  ]);
});

Deno.test("protoRuleToRules renders pass, log, reject and annotation comments", () => {
  deepEqual(render(protoRule("next-tier", { protocol: "udp" })), [
    "meta l4proto udp counter meta mark set mark or 0x20000",
    "meta mark & 0x20000 == 0x20000 counter return",
  ]);
  deepEqual(render(protoRule("log", { protocol: "tcp" })), [
    'meta l4proto tcp counter log prefix "calico-packet: " level info',
  ]);
  const reject = rulesContext({ ...DEFAULT_CONFIG, filterDenyAction: "REJECT" }, 4, 256);
  deepEqual(render(protoRule("deny"), reject), [
    "counter meta mark set mark or 0x40000",
    "meta mark & 0x40000 == 0x40000 counter reject",
  ]);
  deepEqual(render(protoRule("deny", { annotations: { z: "1", a: "b c" } })), [
    "counter meta mark set mark or 0x40000 # a=b c | z=1",
    "meta mark & 0x40000 == 0x40000 counter drop # a=b c | z=1",
  ]);
});

Deno.test("chainRules strips trailing returns and puts the chain comment on the first rule", () => {
  deepEqual(
    show(chainRules(V4, [protoRule("deny", { protocol: "tcp" }), protoRule("allow")], "C", "")),
    [
      "meta l4proto tcp counter meta mark set mark or 0x40000 # C",
      "meta mark & 0x40000 == 0x40000 counter drop",
      "counter meta mark set mark or 0x10000",
    ],
  );
  deepEqual(show(chainRules(V4, [], "Profile p ingress", "")), ["continue # Profile p ingress"]);
  deepEqual(show(chainRules(V4, [protoRule("allow", { ipVersion: 6 })], "C", "")), [
    "continue # C",
  ]);
});

Deno.test("policyChains names and comments both directions; staged kinds render nothing", () => {
  const id = { kind: "GlobalNetworkPolicy", namespace: "", name: "default.foo" };
  const chains = policyChains(V4, id, policy({ outboundRules: [protoRule("allow")] }));
  deepEqual(chains.map((c) => [c.name, show(c.rules)]), [
    ["cali-pi-gnp/default.foo", ["continue # GlobalNetworkPolicy default.foo ingress"]],
    ["cali-po-gnp/default.foo", [
      "counter meta mark set mark or 0x10000 # GlobalNetworkPolicy default.foo egress",
    ]],
  ]);
  deepEqual(
    policyChains(V4, { kind: "StagedNetworkPolicy", namespace: "a", name: "b" }, policy()),
    [],
  );
  deepEqual(
    profileChains(V4, "kns.prod", { inboundRules: [], outboundRules: [] }).map((c) => c.name),
    [
      "cali-pri-kns.prod",
      "cali-pro-kns.prod",
    ],
  );
});

Deno.test("policyChains fills the LogPrefix placeholders for log rules", () => {
  const ctx = rulesContext({ ...DEFAULT_CONFIG, logPrefix: "%t|%k|%n|%p" }, 4, 256);
  const id = { kind: "NetworkPolicy", namespace: "prod", name: "web" };
  const [inbound] = policyChains(
    ctx,
    id,
    policy({ tier: "security", inboundRules: [protoRule("log")] }),
  );
  deepEqual(show(inbound!.rules), [
    'counter log prefix "security|np|web|prod/web: " level info # NetworkPolicy prod/web ingress',
  ]);
});
