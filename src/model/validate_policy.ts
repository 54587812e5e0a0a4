/**
 * Policy specs (namespaced, global, and their staged twins), tiers and profiles.
 *
 * Enumerations are case-sensitive, as upstream's validators are: policy types `Ingress` /
 * `Egress`, staged actions `Set Delete Learn Ignore`, tier default actions `Deny` / `Pass`,
 * performance hint `AssumeNeededOnEveryNode`.
 *
 * @module
 */
import { opt } from "./json_build.ts";
import type { ObjectReader } from "./json_reader.ts";
import { readEnum, readEnumList } from "./field_enum.ts";
import { checkLabels, dnsLabelProblem } from "./validate_meta.ts";
import { decodeRule, type RuleScope } from "./validate_rule.ts";
import { readSelector } from "./validate_selector.ts";
import type {
  GlobalNetworkPolicySpec,
  NetworkPolicySpec,
  PolicyType,
  ProfileSpec,
  Rule,
  StagedAction,
  StagedGlobalNetworkPolicySpec,
  StagedNetworkPolicySpec,
  TierSpec,
} from "./v3_policy.ts";

/** The most rules in one direction of a policy or profile. */
export const MAX_RULES = 1024;

const POLICY_TYPES: readonly PolicyType[] = ["Ingress", "Egress"];
const STAGED_ACTIONS: readonly StagedAction[] = ["Set", "Delete", "Learn", "Ignore"];
const TIER_ACTIONS: readonly ("Deny" | "Pass")[] = ["Deny", "Pass"];
const PERFORMANCE_HINTS: readonly string[] = ["AssumeNeededOnEveryNode"];

function readTypes(r: ObjectReader): PolicyType[] | undefined {
  const types = readEnumList(r, "types", POLICY_TYPES, "policy type", 2);
  types?.forEach((t, i) => {
    if (types.indexOf(t) !== i) {
      r.ctx.error(r.at("types"), `${JSON.stringify(t)} is listed more than once`);
    }
  });
  return types;
}

function readRules(r: ObjectReader, owner: RuleScope["owner"]): {
  ingress: Rule[] | undefined;
  egress: Rule[] | undefined;
} {
  const read = (direction: RuleScope["direction"]) =>
    r.objects(direction, (rr) => decodeRule(rr, { direction, owner }), { max: MAX_RULES });
  return { ingress: read("ingress"), egress: read("egress") };
}

function readTier(r: ObjectReader): string | undefined {
  const tier = r.string("tier");
  const problem = tier === undefined || tier === "" ? undefined : dnsLabelProblem(tier);
  if (problem !== undefined) {
    r.ctx.error(r.at("tier"), `${JSON.stringify(tier)} is not a valid tier name: ${problem}`);
  }
  return tier;
}

/** The fields every policy spec has. */
function readPolicyCommon(r: ObjectReader, owner: "namespaced" | "global"): NetworkPolicySpec {
  const head = {
    ...opt("tier", readTier(r)),
    ...opt("order", r.number("order")),
    ...opt("selector", readSelector(r, "selector")),
    ...opt("types", readTypes(r)),
  };
  const { ingress, egress } = readRules(r, owner);
  return {
    ...head,
    ...opt("ingress", ingress),
    ...opt("egress", egress),
    ...opt("serviceAccountSelector", readSelector(r, "serviceAccountSelector")),
    ...opt(
      "performanceHints",
      readEnumList(r, "performanceHints", PERFORMANCE_HINTS, "performance hint"),
    ),
  };
}

/** A `projectcalico.org/v3` NetworkPolicy spec. */
export function decodeNetworkPolicySpec(r: ObjectReader): NetworkPolicySpec {
  return readPolicyCommon(r, "namespaced");
}

/** A StagedNetworkPolicy spec. */
export function decodeStagedNetworkPolicySpec(r: ObjectReader): StagedNetworkPolicySpec {
  return {
    ...readPolicyCommon(r, "namespaced"),
    ...opt("stagedAction", readEnum(r, "stagedAction", STAGED_ACTIONS, "staged action")),
  };
}

function checkGlobalFlags(r: ObjectReader, spec: GlobalNetworkPolicySpec): void {
  const { preDNAT = false, doNotTrack = false, applyOnForward = false } = spec;
  if (preDNAT && doNotTrack) {
    r.ctx.error(r.at("preDNAT"), "preDNAT and doNotTrack cannot both be true");
  }
  if (preDNAT && (spec.egress ?? []).length > 0) {
    r.ctx.error(r.at("egress"), "a preDNAT policy cannot have egress rules");
  }
  if (preDNAT && (spec.types ?? []).includes("Egress")) {
    r.ctx.error(r.at("types"), "a preDNAT policy cannot have the Egress type");
  }
  if ((preDNAT || doNotTrack) && !applyOnForward) {
    r.ctx.error(
      r.at("applyOnForward"),
      "applyOnForward must be true when preDNAT or doNotTrack is true",
    );
  }
}

/** A GlobalNetworkPolicy spec. */
export function decodeGlobalNetworkPolicySpec(r: ObjectReader): GlobalNetworkPolicySpec {
  const spec: GlobalNetworkPolicySpec = {
    ...readPolicyCommon(r, "global"),
    ...opt("namespaceSelector", readSelector(r, "namespaceSelector")),
    ...opt("doNotTrack", r.boolean("doNotTrack")),
    ...opt("preDNAT", r.boolean("preDNAT")),
    ...opt("applyOnForward", r.boolean("applyOnForward")),
  };
  checkGlobalFlags(r, spec);
  return spec;
}

/** A StagedGlobalNetworkPolicy spec. */
export function decodeStagedGlobalNetworkPolicySpec(
  r: ObjectReader,
): StagedGlobalNetworkPolicySpec {
  return {
    ...decodeGlobalNetworkPolicySpec(r),
    ...opt("stagedAction", readEnum(r, "stagedAction", STAGED_ACTIONS, "staged action")),
  };
}

/** A Tier spec. */
export function decodeTierSpec(r: ObjectReader): TierSpec {
  return {
    ...opt("order", r.number("order")),
    ...opt("defaultAction", readEnum(r, "defaultAction", TIER_ACTIONS, "default action")),
  };
}

/** A Profile spec; its rules belong to no namespace. */
export function decodeProfileSpec(r: ObjectReader): ProfileSpec {
  const { ingress, egress } = readRules(r, "profile");
  const labelsToApply = r.stringMap("labelsToApply");
  if (labelsToApply !== undefined) checkLabels(r.ctx, r.at("labelsToApply"), labelsToApply);
  return {
    ...opt("ingress", ingress),
    ...opt("egress", egress),
    ...opt("labelsToApply", labelsToApply),
  };
}
