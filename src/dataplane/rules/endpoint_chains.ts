/**
 * Per-endpoint chains (reference/rules-rendering.md §4.1): `cali-tw-`/`cali-fw-` for workloads,
 * `cali-th-`/`cali-fh-` for host endpoints (normal in filter, egress in mangle, untracked in
 * raw, pre-DNAT ingress in mangle) and `cali-thfw-`/`cali-fhfw-` (apply-on-forward).
 *
 * @module
 */
import type { Policy, TierInfo } from "../../proto/messages.ts";
import { objectChainName, PREFIX } from "./names.ts";
import { groupPolicies, groupTarget, type PolicyDirection } from "./policy_groups.ts";
import type { RulesContext } from "./rules_context.ts";
import { type Action, type Chain, m, type Rule, rule } from "./rule_model.ts";

/** The kinds of endpoint chain: they differ in conntrack, end-of-tier drop and profiles. */
export type EndpointChainType = "normal" | "untracked" | "preDNAT" | "forward";

/** What one endpoint chain is built from. */
export interface EndpointChainSpec {
  readonly name: string;
  readonly type: EndpointChainType;
  readonly direction: PolicyDirection;
  readonly tiers: readonly TierInfo[];
  readonly profileIds: readonly string[];
  /** `cali-failsafe-in` / `-out` for non-forward host endpoint chains. */
  readonly failsafeChain?: string;
  readonly adminUp: boolean;
  readonly allowAction: Action;
  /** Drop VXLAN / IPIP sent by a workload (`cali-fw-` unless allowed by config). */
  readonly dropVXLAN: boolean;
  readonly dropIPIP: boolean;
}

function conntrackRules(ctx: RulesContext, allow: Action): Rule[] {
  const rules: Rule[] = [];
  if (allow.kind !== "accept") {
    rules.push(rule([m.ctEstablished()], { kind: "setMark", mark: ctx.marks.accept }));
  }
  rules.push(rule([m.ctEstablished()], allow));
  if (!ctx.config.disableConntrackInvalidCheck) rules.push(rule([m.ctInvalid()], ctx.deny));
  return rules;
}

function encapRules(ctx: RulesContext, spec: EndpointChainSpec): Rule[] {
  const rules: Rule[] = [];
  if (spec.dropVXLAN) {
    rules.push(rule(
      [m.proto(17), m.dports(17, ctx.config.vxlanPort)],
      ctx.deny,
      `${ctx.denyWord} VXLAN encapped packets originating in workloads`,
    ));
  }
  if (spec.dropIPIP) {
    rules.push(rule(
      [m.proto(4)],
      ctx.deny,
      `${ctx.denyWord} IPinIP encapped packets originating in workloads`,
    ));
  }
  return rules;
}

function tierRules(
  ctx: RulesContext,
  spec: EndpointChainSpec,
  tier: TierInfo,
  policies: ReadonlyMap<string, Policy>,
): Rule[] {
  const ids = spec.direction === "ingress" ? tier.ingressPolicies : tier.egressPolicies;
  const groups = groupPolicies(ids, policies);
  if (groups.length === 0) return [];
  const { pass, accept } = ctx.marks;
  const rules: Rule[] = [rule([], { kind: "clearMark", mark: pass }, `Start of tier ${tier.name}`)];
  for (const group of groups) {
    rules.push(
      rule([m.markClear(pass)], { kind: "jump", target: groupTarget(ctx, group, spec.direction) }),
    );
    if (spec.type === "untracked") rules.push(rule([m.markSet(accept)], { kind: "notrack" }));
    rules.push(rule([m.markSet(accept)], { kind: "return" }, "Return if policy accepted"));
  }
  const dropsAtEnd = spec.type === "normal" || spec.type === "forward";
  if (dropsAtEnd && tier.defaultAction !== "Pass") {
    rules.push(rule(
      [m.markClear(pass)],
      ctx.deny,
      `End of tier ${tier.name}. ${ctx.denyWord} if no policies passed packet`,
    ));
  }
  return rules;
}

function profileRules(ctx: RulesContext, spec: EndpointChainSpec): Rule[] {
  const prefix = spec.direction === "ingress" ? PREFIX.profileIn : PREFIX.profileOut;
  const rules: Rule[] = [];
  for (const id of spec.profileIds) {
    const target = objectChainName(prefix, id, ctx.maxNameLength);
    rules.push(rule([], { kind: "jump", target }));
    rules.push(
      rule([m.markSet(ctx.marks.accept)], { kind: "return" }, "Return if profile accepted"),
    );
  }
  rules.push(rule([], ctx.deny, `${ctx.denyWord} if no profiles matched`));
  return rules;
}

/** One endpoint chain. `policies` supplies the selectors for policy grouping. */
export function endpointChain(
  ctx: RulesContext,
  spec: EndpointChainSpec,
  policies: ReadonlyMap<string, Policy>,
): Chain {
  if (!spec.adminUp) {
    return { name: spec.name, rules: [rule([], ctx.deny, "Endpoint admin disabled")] };
  }
  const rules: Rule[] = spec.type === "untracked" ? [] : conntrackRules(ctx, spec.allowAction);
  if (spec.failsafeChain !== undefined) {
    rules.push(rule([], { kind: "jump", target: spec.failsafeChain }));
  }
  const { accept, pass } = ctx.marks;
  rules.push(rule([], { kind: "clearMark", mark: (accept | pass) >>> 0 }));
  rules.push(...encapRules(ctx, spec));
  for (const tier of spec.tiers) rules.push(...tierRules(ctx, spec, tier, policies));
  if (spec.tiers.length === 0 && spec.type === "forward") {
    rules.push(
      rule([], { kind: "setMark", mark: accept }, "Allow forwarded traffic by default"),
      rule([], { kind: "return" }, "Return for accepted forward traffic"),
    );
  }
  if (spec.type === "normal") rules.push(...profileRules(ctx, spec));
  return { name: spec.name, rules };
}
