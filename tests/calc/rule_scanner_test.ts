import { deepEqual, equal } from "node:assert/strict";
import { createHash } from "node:crypto";
import type { CalcSink, IPSetMemberInput } from "../../src/calc/sinks.ts";
import { RuleScanner } from "../../src/calc/rule_scanner.ts";
import { convertRule, inferIPVersion, namedPortProtocol } from "../../src/calc/rule_conversion.ts";
import {
  namedPortIPSetId,
  selectorIPSetId,
  serviceIPSetId,
  serviceNoPortIPSetId,
} from "../../src/calc/ip_set_ids.ts";
import { assignRuleIds, type RuleWithoutId } from "../../src/calc/rule_id.ts";
import { parseSelector } from "../../src/selector/mod.ts";
import type { PolicyKey } from "../../src/model/keys.ts";
import type { Policy, Rule } from "../../src/model/values.ts";
import {
  type Call,
  modelPolicy,
  modelRule as rule,
  policyKey,
  Recorder,
  ruleSide as side,
} from "./fixtures.ts";

/** The scanner's two outputs, recorded as one. */
type Outputs = CalcSink & IPSetMemberInput;

function policy(inbound: Rule[], outbound: Rule[] = []): Policy {
  return modelPolicy({ order: 10, inboundRules: inbound, outboundRules: outbound });
}

const sid = (s: string) => parseSelector(s).uniqueId();
const npid = (s: string, proto: "tcp" | "udp" | "sctp" | "any", port: string) =>
  namedPortIPSetId(parseSelector(s), proto, port);

/** A recording fake of both outputs, writing to one shared log (so order is checkable). */
function recorder(): { sink: CalcSink; ipSets: IPSetMemberInput; log: Call<Outputs>[] } {
  const rec = new Recorder<Outputs>();
  return { sink: rec.sink, ipSets: rec.sink, log: rec.calls };
}

const key = (name: string, namespace = ""): PolicyKey =>
  policyKey(name, namespace === "" ? "GlobalNetworkPolicy" : "NetworkPolicy", namespace);

Deno.test("selectorIPSetId gives upstream's ids for the selectors of selectors-policy 1.5", () => {
  equal(selectorIPSetId(parseSelector("all()")), "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug");
  equal(
    selectorIPSetId(parseSelector("!(has(b) || !has(a))")),
    "s:Iss0uCleLYv1GSv_pNm7hAO58kE9jAx1NKyG3Q",
  );
  equal(
    selectorIPSetId(parseSelector(`!(a == "b" && !c != "d")`)),
    "s:lh3haoY1ikTRkd4UZu0nWSaIBknYLPJLX16d-w",
  );
});

Deno.test("service IP-set ids match upstream's for default/svc", () => {
  equal(serviceIPSetId("default", "svc"), "svc:Jhwii46PCMT5NlhWsUqZmv7al8TeHFbNQMhoVg");
  equal(serviceNoPortIPSetId("default", "svc"), "svcnoport:T03S_6hogdrGKrNFBcbKTFsH_uKwDHEo8JddOg");
});

Deno.test("namedPortIPSetId hashes n:<selectorUniqueId>,<proto>,<port>", () => {
  const uid = sid("app == 'web'");
  const digest = createHash("sha224").update(`n:${uid},udp,dns`).digest("base64url");
  equal(npid("app == 'web'", "udp", "dns"), `n:${digest}`);
});

Deno.test("namedPortProtocol folds the rule protocol to any/udp/sctp/tcp", () => {
  deepEqual(
    [undefined, "udp", 17, "sctp", 132, "tcp", 6, "icmp", "udplite", 1].map(namedPortProtocol),
    ["any", "udp", "udp", "sctp", "sctp", "tcp", "tcp", "tcp", "tcp", "tcp"],
  );
});

Deno.test("inferIPVersion infers 4 from icmp and 6 from icmpv6 only when the rule left it unset", () => {
  equal(inferIPVersion(rule({ protocol: "icmp" })), 4);
  equal(inferIPVersion(rule({ protocol: "icmpv6" })), 6);
  equal(inferIPVersion(rule({ protocol: "tcp" })), 0);
  equal(inferIPVersion(rule({})), 0);
  equal(inferIPVersion(rule({ protocol: "icmp", ipVersion: 6 })), 6);
});

Deno.test("convertRule combines a selector and a notSelector into one positive selector", () => {
  const out = convertRule(rule({ src: side({ selector: "a == 'b'", notSelector: "c == 'd'" }) }));
  const combined = `(a == "b" && !c == "d")`;
  deepEqual(out?.rule.srcIPSetIds, [sid(combined)]);
  deepEqual(out?.rule.notSrcIPSetIds, []);
  deepEqual(out?.ipSets, [{ id: sid(combined), type: "net", selector: combined }]);
});

Deno.test("convertRule turns a lone notSelector into a notDstIPSetIds entry", () => {
  const out = convertRule(rule({ dst: side({ notSelector: "role == 'db'" }) }));
  deepEqual(out?.rule.dstIPSetIds, []);
  deepEqual(out?.rule.notDstIPSetIds, [sid("role == 'db'")]);
  deepEqual(out?.ipSets, [{ id: sid("role == 'db'"), type: "net", selector: `role == "db"` }]);
});

Deno.test("convertRule uses no IP set for an empty selector and copies nets", () => {
  const out = convertRule(rule({
    src: side({ nets: ["10.0.0.0/8"], notNets: ["10.1.0.0/16"] }),
    dst: side({ nets: ["fd00::/64"] }),
  }));
  deepEqual(out?.ipSets, []);
  deepEqual(out?.rule.srcIPSetIds, []);
  deepEqual(out?.rule.srcNet, ["10.0.0.0/8"]);
  deepEqual(out?.rule.notSrcNet, ["10.1.0.0/16"]);
  deepEqual(out?.rule.dstNet, ["fd00::/64"]);
});

Deno.test("convertRule keeps numeric ports and the plain selector set", () => {
  const out = convertRule(rule({
    protocol: "tcp",
    dst: side({ selector: "app == 'web'", ports: [{ first: 80, last: 80 }] }),
  }));
  deepEqual(out?.rule.dstPorts, [{ first: 80, last: 80 }]);
  deepEqual(out?.rule.dstIPSetIds, [sid("app == 'web'")]);
  deepEqual(out?.rule.dstNamedPortIPSetIds, []);
});

Deno.test("convertRule with only named ports emits named-port sets and no plain set", () => {
  const out = convertRule(rule({ dst: side({ selector: "app == 'web'", namedPorts: ["http"] }) }));
  const id = npid(`app == "web"`, "any", "http");
  deepEqual(out?.rule.dstIPSetIds, []);
  deepEqual(out?.rule.dstNamedPortIPSetIds, [id]);
  deepEqual(out?.ipSets, [{
    id,
    type: "ip-and-port",
    selector: `app == "web"`,
    namedPort: "http",
    namedPortProtocol: "any",
  }]);
});

Deno.test("convertRule with numeric and named ports emits both, named with the rule protocol", () => {
  const out = convertRule(rule({
    protocol: 17,
    src: side({ selector: "app == 'dns'", ports: [{ first: 53, last: 53 }], namedPorts: ["dns"] }),
  }));
  deepEqual(out?.rule.srcPorts, [{ first: 53, last: 53 }]);
  deepEqual(out?.rule.srcIPSetIds, [sid("app == 'dns'")]);
  deepEqual(out?.rule.srcNamedPortIPSetIds, [npid("app == 'dns'", "udp", "dns")]);
});

Deno.test("convertRule filters negated named ports by the positive selector, else all()", () => {
  const withSel = convertRule(rule({
    protocol: "sctp",
    dst: side({ selector: "a == 'x'", notNamedPorts: ["p"], notPorts: [{ first: 1, last: 9 }] }),
  }));
  deepEqual(withSel?.rule.notDstNamedPortIPSetIds, [npid("a == 'x'", "sctp", "p")]);
  deepEqual(withSel?.rule.notDstPorts, [{ first: 1, last: 9 }]);
  deepEqual(withSel?.rule.dstIPSetIds, [sid("a == 'x'")]);
  const noSel = convertRule(rule({ protocol: "tcp", dst: side({ notNamedPorts: ["p"] }) }));
  deepEqual(noSel?.rule.notDstNamedPortIPSetIds, [npid("all()", "tcp", "p")]);
  deepEqual(noSel?.ipSets.map((s) => s.selector), ["all()"]);
});

Deno.test("convertRule maps a destination service to svc: and a source service to svcnoport:", () => {
  const out = convertRule(rule({
    src: side({ serviceName: "a", serviceNamespace: "ns1" }),
    dst: side({ serviceName: "b", serviceNamespace: "ns2" }),
  }));
  deepEqual(out?.rule.srcIPSetIds, [serviceNoPortIPSetId("ns1", "a")]);
  deepEqual(out?.rule.dstIPPortSetIds, [serviceIPSetId("ns2", "b")]);
  deepEqual(out?.ipSets, [
    { id: serviceNoPortIPSetId("ns1", "a"), type: "net", selector: "" },
    { id: serviceIPSetId("ns2", "b"), type: "ip-and-port", selector: "" },
  ]);
});

Deno.test("convertRule drops the service match of a deny rule so it fails closed", () => {
  const out = convertRule(rule({
    action: "deny",
    src: side({ serviceName: "a", serviceNamespace: "ns1" }),
    dst: side({ serviceName: "b", serviceNamespace: "ns2" }),
  }));
  deepEqual(out?.rule.srcIPSetIds, []);
  deepEqual(out?.rule.dstIPPortSetIds, []);
  deepEqual(out?.ipSets, []);
});

Deno.test("convertRule passes action, protocols, ICMP, HTTP, annotations and originals through", () => {
  const out = convertRule(rule({
    action: "next-tier",
    protocol: "icmp",
    notProtocol: "udp",
    icmp: { type: 8, code: 0 },
    notICMP: { type: 3 },
    httpMethods: ["GET"],
    httpPaths: [{ exact: "/a" }, { prefix: "/b" }],
    annotations: { k: "v" },
    src: side({
      originalSelector: "o1",
      originalNamespaceSelector: "o2",
      originalNotSelector: "o3",
    }),
    dst: side({
      originalSelector: "o4",
      originalNamespaceSelector: "o5",
      originalNotSelector: "o6",
    }),
  }));
  const r = out!.rule;
  deepEqual(
    [r.action, r.ipVersion, r.protocol, r.notProtocol, r.icmp, r.notICMP],
    ["next-tier", 4, "icmp", "udp", { type: 8, code: 0 }, { type: 3 }],
  );
  deepEqual([r.httpMethods, r.httpPaths, r.annotations], [
    ["GET"],
    [{ exact: "/a" }, { prefix: "/b" }],
    { k: "v" },
  ]);
  deepEqual(
    [r.originalSrcSelector, r.originalSrcNamespaceSelector, r.originalNotSrcSelector],
    ["o1", "o2", "o3"],
  );
  deepEqual(
    [r.originalDstSelector, r.originalDstNamespaceSelector, r.originalNotDstSelector],
    ["o4", "o5", "o6"],
  );
  equal("ruleId" in r, false);
});

Deno.test("convertRule drops an allow rule with an invalid selector and widens a deny rule", () => {
  equal(convertRule(rule({ src: side({ selector: "a ==" }) })), undefined);
  const deny = convertRule(rule({
    action: "deny",
    src: side({ selector: "a ==", notSelector: "b == 'c'" }),
    dst: side({ selector: "x == 'y'", notSelector: "!!!" }),
  }));
  deepEqual(deny?.rule.srcIPSetIds, []);
  deepEqual(deny?.rule.notSrcIPSetIds, [sid("b == 'c'")]);
  deepEqual(deny?.rule.dstIPSetIds, [sid("x == 'y'")]);
  deepEqual(deny?.rule.notDstIPSetIds, []);
});

function ruleIdsFor(seed: string, rules: readonly RuleWithoutId[]): string[] {
  return assignRuleIds(seed, rules).map((r) => r.ruleId);
}

Deno.test("RuleScanner adds a policy's sets, then sends the policy with rule ids", () => {
  const { sink, ipSets, log } = recorder();
  const scanner = new RuleScanner({ sink, ipSets });
  const p = policy([rule({ src: side({ selector: "a == 'b'" }) })], [rule({ action: "deny" })]);
  scanner.onPolicyActive(key("p1", "prod"), { ...p, namespace: "prod", tier: "t1" });
  const id = sid("a == 'b'");
  deepEqual(log.slice(0, 2), [
    ["onIPSetAdded", id, "net"],
    ["onIPSetActive", { id, type: "net", selector: `a == "b"` }],
  ]);
  equal(log.length, 3);
  const call = log[2];
  if (call?.[0] !== "onPolicyActive") {
    throw new Error(`Expected onPolicyActive, got "${call?.[0]}"`);
  }
  const [, policyId, sent] = call;
  deepEqual(policyId, { kind: "NetworkPolicy", namespace: "prod", name: "p1" });
  deepEqual(
    [sent.tier, sent.namespace, sent.untracked, sent.preDNAT, sent.originalSelector],
    ["t1", "prod", false, false, "all()"],
  );
  const inbound = sent.inboundRules;
  deepEqual(inbound[0]?.srcIPSetIds, [id]);
  deepEqual(
    inbound.map((r) => r.ruleId),
    ruleIdsFor("pol-in-default/prod/p1", [convertRule(p.inboundRules[0]!)!.rule]),
  );
});

Deno.test("RuleScanner shares a set between two policies and removes it after the last user", () => {
  const { sink, ipSets, log } = recorder();
  const scanner = new RuleScanner({ sink, ipSets });
  const p = policy([rule({ dst: side({ selector: "app == 'x'" }) })]);
  const id = sid("app == 'x'");
  scanner.onPolicyActive(key("p1"), p);
  scanner.onPolicyActive(key("p2"), p);
  deepEqual(log.map((e) => e[0]), [
    "onIPSetAdded",
    "onIPSetActive",
    "onPolicyActive",
    "onPolicyActive",
  ]);
  deepEqual(scanner.referenceCounts(), new Map([[id, 2]]));
  log.length = 0;
  scanner.onPolicyInactive(key("p1"));
  deepEqual(log, [["onPolicyInactive", {
    kind: "GlobalNetworkPolicy",
    namespace: "",
    name: "p1",
  }]]);
  log.length = 0;
  scanner.onPolicyInactive(key("p2"));
  deepEqual(log, [
    ["onPolicyInactive", { kind: "GlobalNetworkPolicy", namespace: "", name: "p2" }],
    ["onIPSetInactive", id],
    ["onIPSetRemoved", id],
  ]);
  deepEqual(scanner.referenceCounts(), new Map());
});

Deno.test("RuleScanner on a content change adds new sets, sends, then releases unused sets", () => {
  const { sink, ipSets, log } = recorder();
  const scanner = new RuleScanner({ sink, ipSets });
  const keep = rule({ src: side({ selector: "k == 'k'" }) });
  scanner.onPolicyActive(key("p"), policy([keep, rule({ dst: side({ selector: "old == 'o'" }) })]));
  log.length = 0;
  scanner.onPolicyActive(key("p"), policy([keep, rule({ dst: side({ selector: "new == 'n'" }) })]));
  const brief = (e: Call<Outputs>) =>
    e[0] === "onIPSetActive" ? [e[0], e[1].id] : [e[0], typeof e[1] === "string" ? e[1] : "-"];
  deepEqual(log.map(brief), [
    ["onIPSetAdded", sid("new == 'n'")],
    ["onIPSetActive", sid("new == 'n'")],
    ["onPolicyActive", "-"],
    ["onIPSetInactive", sid("old == 'o'")],
    ["onIPSetRemoved", sid("old == 'o'")],
  ]);
});

Deno.test("RuleScanner counts a set used by several rules of one policy once", () => {
  const { sink, ipSets, log } = recorder();
  const scanner = new RuleScanner({ sink, ipSets });
  const r = rule({ src: side({ selector: "a == 'b'" }) });
  scanner.onPolicyActive(key("p"), policy([r, r], [r]));
  deepEqual(scanner.referenceCounts(), new Map([[sid("a == 'b'"), 1]]));
  scanner.onPolicyInactive(key("p"));
  deepEqual(log.at(-1), ["onIPSetRemoved", sid("a == 'b'")]);
});

Deno.test("RuleScanner shares sets between profiles and policies", () => {
  const { sink, ipSets, log } = recorder();
  const scanner = new RuleScanner({ sink, ipSets });
  const r = rule({ src: side({ selector: "a == 'b'" }) });
  scanner.onPolicyActive(key("p"), policy([r]));
  scanner.onProfileActive("prof", { inboundRules: [], outboundRules: [r] });
  scanner.onPolicyInactive(key("p"));
  equal(log.filter((e) => e[0] === "onIPSetRemoved").length, 0);
  log.length = 0;
  scanner.onProfileInactive("prof");
  deepEqual(log.map((e) => e[0]), [
    "onProfileInactive",
    "onIPSetInactive",
    "onIPSetRemoved",
  ]);
});

Deno.test("RuleScanner sends one deny rule each way for an unknown profile", () => {
  const { sink, ipSets, log } = recorder();
  new RuleScanner({ sink, ipSets }).onProfileActive("kns.missing", undefined);
  equal(log.length, 1);
  const call = log[0];
  if (call?.[0] !== "onProfileActive") {
    throw new Error(`Expected onProfileActive, got "${call?.[0]}"`);
  }
  const [, id, inbound, outbound] = call;
  equal(id, "kns.missing");
  const denyAll = { ...convertRule(rule({ action: "deny" }))!.rule };
  deepEqual(inbound, assignRuleIds("prof-in-kns.missing", [denyAll]));
  deepEqual(outbound, assignRuleIds("prof-out-kns.missing", [denyAll]));
  deepEqual(
    [inbound[0]?.action, inbound[0]?.srcIPSetIds, inbound[0]?.dstNet, inbound[0]?.ipVersion],
    ["deny", [], [], 0],
  );
});

Deno.test("RuleScanner ignores inactive calls for unknown policies and profiles", () => {
  const { sink, ipSets, log } = recorder();
  const scanner = new RuleScanner({ sink, ipSets });
  scanner.onPolicyInactive(key("nope"));
  scanner.onProfileInactive("nope");
  deepEqual(log, []);
});
