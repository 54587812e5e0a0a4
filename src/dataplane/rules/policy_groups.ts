/**
 * Policy groups (reference/rules-rendering.md §2.3): consecutive policies of one tier and
 * direction with the same original selector share a `cali-gi-`/`cali-go-` chain when there are
 * two or more of them; a single policy is jumped to directly ("inlined").
 *
 * @module
 */
import type { Policy, PolicyID } from "../../proto/messages.ts";
import { policyIdString } from "../../proto/messages.ts";
import { isStagedKind, policyChainName, policyGroupUID, PREFIX } from "./names.ts";
import type { RulesContext } from "./rules_context.ts";
import { type Chain, m, type Rule, rule } from "./rule_model.ts";

/** Which policy list an endpoint chain uses: ingress = inbound (`pi`), egress = outbound (`po`). */
export type PolicyDirection = "ingress" | "egress";

/** A run of policies sharing a selector. */
export interface PolicyGroup {
  readonly selector: string;
  readonly policies: readonly PolicyID[];
}

/** Splits a tier's policy list into groups of consecutive equal selectors (staged dropped). */
export function groupPolicies(
  ids: readonly PolicyID[],
  policies: ReadonlyMap<string, Policy>,
): PolicyGroup[] {
  const groups: { selector: string; policies: PolicyID[] }[] = [];
  for (const id of ids) {
    if (isStagedKind(id.kind)) continue;
    const selector = policies.get(policyIdString(id))?.originalSelector ?? "";
    const last = groups[groups.length - 1];
    if (last !== undefined && last.selector === selector) last.policies.push(id);
    else groups.push({ selector, policies: [id] });
  }
  return groups;
}

/** The chain an endpoint jumps to for a group: the policy's own chain, or the group chain. */
export function groupTarget(ctx: RulesContext, group: PolicyGroup, dir: PolicyDirection): string {
  const only = group.policies.length === 1 ? group.policies[0] : undefined;
  if (only !== undefined) {
    return policyChainName(
      dir === "ingress" ? PREFIX.policyIn : PREFIX.policyOut,
      only,
      ctx.maxNameLength,
    );
  }
  const uid = policyGroupUID(
    group.selector,
    dir === "ingress" ? "inbound" : "outbound",
    group.policies,
  );
  return (dir === "ingress" ? PREFIX.groupIn : PREFIX.groupOut) + uid;
}

/**
 * A group chain: jumps to each policy; after the first, only while no verdict bit is set; a
 * "Return on verdict" rule before every fifth jump.
 */
export function groupChain(ctx: RulesContext, group: PolicyGroup, dir: PolicyDirection): Chain {
  const verdictBits = (ctx.marks.pass | ctx.marks.accept) >>> 0;
  const prefix = dir === "ingress" ? PREFIX.policyIn : PREFIX.policyOut;
  const rules: Rule[] = [];
  group.policies.forEach((id, i) => {
    if (i !== 0 && i % 5 === 0) {
      rules.push(rule([m.markNotClear(verdictBits)], { kind: "return" }, "Return on verdict"));
    }
    const target = policyChainName(prefix, id, ctx.maxNameLength);
    rules.push(rule(i % 5 === 0 ? [] : [m.markClear(verdictBits)], { kind: "jump", target }));
  });
  return { name: groupTarget(ctx, group, dir), rules };
}
