/**
 * One proto rule -> neutral rules (reference/rules-rendering.md §4.3): IP-version filtering,
 * match blocks for ORs a single rule cannot hold, the match terms in upstream's order, and the
 * action rules (allow/pass set a mark and return, deny sets the drop mark and denies, log logs).
 *
 * @module
 */
import { ipFamilyOf } from "../../lib/ip.ts";
import { compareStrings } from "../../lib/order.ts";
import type { Rule as ProtoRule } from "../../proto/rule.ts";
import { MatchBlockBuilder, splitPortList } from "./match_blocks.ts";
import type { RulesContext } from "./rules_context.ts";
import { m, type Match, type Protocol, type Rule, rule, transportName } from "./rule_model.ts";

/** The nets of one family, or `undefined` when the rule must be skipped for this family. */
function filterNets(
  nets: readonly string[],
  version: 4 | 6,
  negated: boolean,
): readonly string[] | undefined {
  if (nets.length === 0) return nets;
  const kept = nets.filter((n) => ipFamilyOf(n) === version);
  if (kept.length === 0) return undefined;
  const catchAll = version === 4 ? "0.0.0.0/0" : "::/0";
  if (negated && kept.includes(catchAll)) return undefined;
  return kept;
}

/** The rule restricted to one IP version, or `undefined` if it does not apply to it. */
export function filterRuleToVersion(r: ProtoRule, version: 4 | 6): ProtoRule | undefined {
  if (r.ipVersion !== 0 && r.ipVersion !== version) return undefined;
  const srcNet = filterNets(r.srcNet, version, false);
  const notSrcNet = filterNets(r.notSrcNet, version, true);
  const dstNet = filterNets(r.dstNet, version, false);
  const notDstNet = filterNets(r.notDstNet, version, true);
  if (!srcNet || !notSrcNet || !dstNet || !notDstNet) return undefined;
  return { ...r, srcNet, notSrcNet, dstNet, notDstNet };
}

/** Whether a protocol has ports nftables can match (tcp, udp, sctp). */
export function hasPorts(protocol: Protocol | undefined): boolean {
  return protocol !== undefined && transportName(protocol) !== undefined;
}

/** Renders the blocks a rule needs and returns the rule left for the main match. */
function renderBlocks(r: ProtoRule, blocks: MatchBlockBuilder): ProtoRule {
  let rest = r;
  const srcSplits = splitPortList(r.srcPorts);
  if (srcSplits.length + r.srcNamedPortIPSetIds.length > 1) {
    blocks.addPortBlock("src", r.protocol, srcSplits, r.srcNamedPortIPSetIds);
    rest = { ...rest, srcPorts: [], srcNamedPortIPSetIds: [] };
  }
  const dstSplits = splitPortList(r.dstPorts);
  if (dstSplits.length + r.dstNamedPortIPSetIds.length > 1) {
    blocks.addPortBlock("dst", r.protocol, dstSplits, r.dstNamedPortIPSetIds);
    rest = { ...rest, dstPorts: [], dstNamedPortIPSetIds: [] };
  }
  if (rest.srcNet.length > 1) {
    blocks.addCIDRBlock("src", rest.srcNet);
    rest = { ...rest, srcNet: [] };
  }
  if (rest.dstNet.length > 1) {
    blocks.addCIDRBlock("dst", rest.dstNet);
    rest = { ...rest, dstNet: [] };
  }
  if (rest.srcNet.length + rest.notSrcNet.length > 1) {
    blocks.addNegatedCIDRBlock("src", rest.notSrcNet);
    rest = { ...rest, notSrcNet: [] };
  }
  if (rest.dstNet.length + rest.notDstNet.length > 1) {
    blocks.addNegatedCIDRBlock("dst", rest.notDstNet);
    rest = { ...rest, notDstNet: [] };
  }
  return rest;
}

function positiveTerms(r: ProtoRule, version: 4 | 6): Match[] {
  const t: Match[] = [];
  const proto = r.protocol;
  if (proto !== undefined) t.push(m.proto(proto));
  for (const cidr of r.srcNet) t.push(m.srcNet(cidr));
  for (const setId of r.srcIPSetIds) t.push(m.srcSet(setId));
  if (r.srcPorts.length > 0 && proto !== undefined) {
    t.push({ kind: "ports", side: "src", protocol: proto, ports: r.srcPorts, negate: false });
  }
  for (const setId of r.srcNamedPortIPSetIds) {
    t.push({ kind: "ipPortSet", side: "src", setId, negate: false });
  }
  for (const cidr of r.dstNet) t.push(m.dstNet(cidr));
  for (const setId of r.dstIPSetIds) t.push(m.dstSet(setId));
  for (const setId of r.dstIPPortSetIds) {
    t.push({ kind: "ipPortSet", side: "dst", setId, negate: false });
  }
  if (r.dstPorts.length > 0 && proto !== undefined) {
    t.push({ kind: "ports", side: "dst", protocol: proto, ports: r.dstPorts, negate: false });
  }
  for (const setId of r.dstNamedPortIPSetIds) {
    t.push({ kind: "ipPortSet", side: "dst", setId, negate: false });
  }
  if (r.icmp !== undefined) t.push(icmpTerm(r.icmp, version, false));
  return t;
}

function icmpTerm(icmp: { type: number; code?: number }, version: 4 | 6, negate: boolean): Match {
  return icmp.code === undefined
    ? { kind: "icmp", version, type: icmp.type, negate }
    : { kind: "icmp", version, type: icmp.type, code: icmp.code, negate };
}

function negatedTerms(r: ProtoRule, version: 4 | 6): Match[] {
  const t: Match[] = [];
  const proto = r.protocol;
  if (r.notProtocol !== undefined) {
    t.push({ kind: "protocol", protocol: r.notProtocol, negate: true });
  }
  for (const cidr of r.notSrcNet) t.push({ kind: "net", side: "src", cidr, negate: true });
  for (const setId of r.notSrcIPSetIds) t.push({ kind: "set", side: "src", setId, negate: true });
  for (const ports of proto === undefined ? [] : splitPortList(r.notSrcPorts)) {
    t.push({ kind: "ports", side: "src", protocol: proto!, ports, negate: true });
  }
  for (const setId of r.notSrcNamedPortIPSetIds) {
    t.push({ kind: "ipPortSet", side: "src", setId, negate: true });
  }
  for (const cidr of r.notDstNet) t.push({ kind: "net", side: "dst", cidr, negate: true });
  for (const setId of r.notDstIPSetIds) t.push(m.dstSet(setId, true));
  for (const ports of proto === undefined ? [] : splitPortList(r.notDstPorts)) {
    t.push({ kind: "ports", side: "dst", protocol: proto!, ports, negate: true });
  }
  for (const setId of r.notDstNamedPortIPSetIds) {
    t.push({ kind: "ipPortSet", side: "dst", setId, negate: true });
  }
  if (r.notICMP !== undefined) t.push(icmpTerm(r.notICMP, version, true));
  return t;
}

/** The action rules for a rule's computed match. */
function actionRules(ctx: RulesContext, r: ProtoRule, match: readonly Match[], logPrefix: string) {
  const { accept, pass, drop } = ctx.marks;
  switch (r.action) {
    case "allow":
      return [
        rule(match, { kind: "setMark", mark: accept }),
        rule([m.markSet(accept)], { kind: "return" }),
      ];
    case "next-tier":
      return [
        rule(match, { kind: "setMark", mark: pass }),
        rule([m.markSet(pass)], { kind: "return" }),
      ];
    case "deny":
      return [rule(match, { kind: "setMark", mark: drop }), rule([m.markSet(drop)], ctx.deny)];
    case "log":
      return [rule(match, { kind: "log", prefix: logPrefix })];
  }
}

/** Whether a rule's ports can be rendered (ports need tcp, udp or sctp). */
function portsRenderable(r: ProtoRule): boolean {
  const anyPorts = r.srcPorts.length + r.dstPorts.length + r.notSrcPorts.length +
    r.notDstPorts.length;
  return anyPorts === 0 || hasPorts(r.protocol);
}

/**
 * The neutral rules of one proto rule for `ctx.version` (empty when it does not apply, or when
 * it has ports without a port-carrying protocol, which validation rejects upstream of us).
 */
export function protoRuleToRules(ctx: RulesContext, r: ProtoRule, logPrefix: string): Rule[] {
  const filtered = filterRuleToVersion(r, ctx.version);
  if (filtered === undefined || !portsRenderable(filtered)) return [];
  const blocks = new MatchBlockBuilder(ctx.marks);
  const rest = renderBlocks(filtered, blocks);
  const match = [...positiveTerms(rest, ctx.version), ...negatedTerms(rest, ctx.version)];
  if (blocks.match !== undefined) match.push(blocks.match);
  const out = [...blocks.rules, ...actionRules(ctx, rest, match, logPrefix)];
  const annotations = Object.entries(r.annotations ?? {})
    .sort(([x], [y]) => compareStrings(x, y))
    .map(([k, v]) => `${k}=${v}`);
  if (annotations.length === 0) return out;
  return out.map((x) => ({ ...x, comments: [...x.comments, ...annotations] }));
}

/**
 * A policy or profile chain's rules: each proto rule rendered in order, trailing returns
 * stripped, and the chain comment added to the first rule (a no-op rule if there is none).
 */
export function chainRules(
  ctx: RulesContext,
  rules: readonly ProtoRule[],
  chainComment: string,
  logPrefix: string,
): Rule[] {
  const out = rules.flatMap((r) => protoRuleToRules(ctx, r, logPrefix));
  while (out.length > 0 && out[out.length - 1]!.action?.kind === "return") out.pop();
  const first = out[0] ?? rule([]);
  out[0] = { ...first, comments: [...first.comments, chainComment] };
  return out;
}
