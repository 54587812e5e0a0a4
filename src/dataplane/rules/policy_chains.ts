/**
 * Policy chains `cali-pi-<id>` / `cali-po-<id>` and profile chains `cali-pri-<name>` /
 * `cali-pro-<name>` (reference/rules-rendering.md §4.2). Staged policies render nothing.
 *
 * @module
 */
import type { Policy, PolicyID } from "../../proto/messages.ts";
import type { RenderProfile } from "./render_input.ts";
import {
  isStagedKind,
  objectChainName,
  policyChainName,
  policyKindShortName,
  PREFIX,
} from "./names.ts";
import { chainRules } from "./policy_rules.ts";
import type { RulesContext } from "./rules_context.ts";
import type { Chain } from "./rule_model.ts";

/** Fills upstream's `LogPrefix` placeholders: `%t` tier, `%k` kind, `%n` name, `%p` ns/name. */
export function logPrefix(
  template: string,
  fields: { tier: string; kind: string; name: string; namespace: string },
): string {
  const base = template === "" ? "calico-packet" : template;
  return base.replace(/%[tknp]/g, (spec) => {
    switch (spec) {
      case "%t":
        return fields.tier;
      case "%k":
        return fields.kind;
      case "%n":
        return fields.name;
      default:
        return fields.namespace === "" ? fields.name : `${fields.namespace}/${fields.name}`;
    }
  });
}

/** The inbound and outbound chains of a policy (none for staged kinds). */
export function policyChains(ctx: RulesContext, id: PolicyID, policy: Policy): Chain[] {
  if (isStagedKind(id.kind)) return [];
  const label = id.namespace === "" ? id.name : `${id.namespace}/${id.name}`;
  const prefix = logPrefix(ctx.config.logPrefix, {
    tier: policy.tier,
    kind: policyKindShortName(id.kind),
    name: id.name,
    namespace: id.namespace,
  });
  return [
    {
      name: policyChainName(PREFIX.policyIn, id, ctx.maxNameLength),
      rules: chainRules(ctx, policy.inboundRules, `${id.kind} ${label} ingress`, prefix),
    },
    {
      name: policyChainName(PREFIX.policyOut, id, ctx.maxNameLength),
      rules: chainRules(ctx, policy.outboundRules, `${id.kind} ${label} egress`, prefix),
    },
  ];
}

/** The inbound and outbound chains of a profile. */
export function profileChains(ctx: RulesContext, id: string, profile: RenderProfile): Chain[] {
  const prefix = logPrefix(ctx.config.logPrefix, {
    tier: "",
    kind: "pro",
    name: id,
    namespace: "",
  });
  return [
    {
      name: objectChainName(PREFIX.profileIn, id, ctx.maxNameLength),
      rules: chainRules(ctx, profile.inboundRules, `Profile ${id} ingress`, prefix),
    },
    {
      name: objectChainName(PREFIX.profileOut, id, ctx.maxNameLength),
      rules: chainRules(ctx, profile.outboundRules, `Profile ${id} egress`, prefix),
    },
  ];
}
