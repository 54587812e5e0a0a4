/**
 * v3 policies (enforced and staged, namespaced and global) -> the internal `Policy` under a
 * `PolicyKey` (datastore-config.md §1.2 "Policies", selectors-policy.md §2.3, §3.3).
 *
 * @module
 */
import type { PolicyKey, PolicyKind } from "./keys.ts";
import { kv } from "./kv.ts";
import type {
  GlobalNetworkPolicy,
  NetworkPolicy,
  NetworkPolicySpec,
  PolicyType,
  StagedGlobalNetworkPolicy,
  StagedNetworkPolicy,
} from "./v3_policy.ts";
import type { Policy, PolicyDirection } from "./values.ts";
import { type ConversionResult, displayName, revisionOf } from "./convert_result.ts";
import { convertRules } from "./convert_rule.ts";
import {
  globalPolicySelector,
  namespacedPolicySelector,
  normaliseSelector,
} from "./convert_selector.ts";

/** Every v3 policy kind. */
export type V3Policy =
  | NetworkPolicy
  | GlobalNetworkPolicy
  | StagedNetworkPolicy
  | StagedGlobalNetworkPolicy;

/** The tier a policy without `spec.tier` belongs to. */
export const DEFAULT_TIER = "default";

function isNamespaced(p: V3Policy): p is NetworkPolicy | StagedNetworkPolicy {
  return p.kind === "NetworkPolicy" || p.kind === "StagedNetworkPolicy";
}

/** The namespace of a namespaced policy ("default" if the metadata lacks one), else "". */
function policyNamespace(p: V3Policy): string {
  return isNamespaced(p) ? p.metadata.namespace ?? "default" : "";
}

/**
 * The key of a policy. `policyKind` overrides the kind taken from the object (used for
 * Kubernetes NetworkPolicies, which are converted to a v3 NetworkPolicy first).
 */
export function policyKeyOf(p: V3Policy, policyKind: PolicyKind = p.kind): PolicyKey {
  return { kind: "Policy", policyKind, namespace: policyNamespace(p), name: p.metadata.name };
}

/**
 * The directions a policy governs, lower-cased. With no `types`, they are inferred as the API
 * server would: egress rules only => egress; both => both; otherwise ingress.
 */
export function policyTypes(spec: NetworkPolicySpec): PolicyDirection[] {
  const lower = (t: PolicyType): PolicyDirection => t === "Ingress" ? "ingress" : "egress";
  if (spec.types !== undefined && spec.types.length > 0) return [...new Set(spec.types.map(lower))];
  const hasIngress = (spec.ingress ?? []).length > 0;
  const hasEgress = (spec.egress ?? []).length > 0;
  if (hasEgress && hasIngress) return ["ingress", "egress"];
  return hasEgress ? ["egress"] : ["ingress"];
}

function combinedSelector(p: V3Policy): string {
  const spec = p.spec;
  const sel = spec.selector ?? "";
  const sa = spec.serviceAccountSelector ?? "";
  if (isNamespaced(p)) return namespacedPolicySelector(sel, policyNamespace(p), sa);
  return globalPolicySelector(sel, p.spec.namespaceSelector ?? "", sa);
}

function hostFlags(p: V3Policy): Pick<Policy, "untracked" | "preDNAT" | "applyOnForward"> {
  if (isNamespaced(p)) return { untracked: false, preDNAT: false, applyOnForward: false };
  return {
    untracked: p.spec.doNotTrack ?? false,
    preDNAT: p.spec.preDNAT ?? false,
    applyOnForward: p.spec.applyOnForward ?? false,
  };
}

function stagedAction(p: V3Policy): Pick<Policy, "stagedAction"> {
  if (p.kind !== "StagedNetworkPolicy" && p.kind !== "StagedGlobalNetworkPolicy") return {};
  return { stagedAction: p.spec.stagedAction ?? "Set" };
}

/** The internal value of a policy, or why it cannot be converted. */
export function convertPolicyValue(
  p: V3Policy,
): { readonly ok: true; readonly value: Policy } | { readonly ok: false; readonly reason: string } {
  const ns = policyNamespace(p);
  const inbound = convertRules(p.spec.ingress, ns, "spec.ingress");
  if (!inbound.ok) return inbound;
  const outbound = convertRules(p.spec.egress, ns, "spec.egress");
  if (!outbound.ok) return outbound;
  const selector = combinedSelector(p);
  const value: Policy = {
    tier: p.spec.tier || DEFAULT_TIER,
    order: p.spec.order ?? null,
    selector,
    // Upstream records the normalised combined (v1) selector, namespace clause included.
    originalSelector: normaliseSelector(selector),
    namespace: ns,
    types: policyTypes(p.spec),
    inboundRules: inbound.rules,
    outboundRules: outbound.rules,
    ...hostFlags(p),
    performanceHints: p.spec.performanceHints ?? [],
    ...stagedAction(p),
  };
  return { ok: true, value };
}

/**
 * Converts a policy to its one update. A staged policy whose `stagedAction` is `Delete`, and a
 * policy whose rules cannot be converted, delete the key (the latter with a problem).
 */
export function convertPolicy(p: V3Policy, policyKind: PolicyKind = p.kind): ConversionResult {
  const key = policyKeyOf(p, policyKind);
  const rev = revisionOf(p.metadata);
  const staged = stagedAction(p);
  if (staged.stagedAction === "Delete") return { updates: [kv(key, null, rev)], problems: [] };
  const c = convertPolicyValue(p);
  if (!c.ok) {
    const problem = `Cannot convert ${p.kind} "${displayName(p.metadata)}": ${c.reason}`;
    return { updates: [kv(key, null, rev)], problems: [problem] };
  }
  return { updates: [kv(key, c.value, rev)], problems: [] };
}
