/**
 * The small conversions: Tier, ClusterInformation, and the Kubernetes Services and
 * EndpointSlices passed through whole (datastore-config.md §1.1, §1.2, §2.8).
 *
 * @module
 */
import type { KubernetesEndpointSlice, KubernetesService } from "./k8s.ts";
import type { GlobalConfigKey, ReadyFlagKey, ResourceKey, TierKey } from "./keys.ts";
import { kv, type KVUpdate } from "./kv.ts";
import type { Tier as V3Tier } from "./v3_policy.ts";
import type { ClusterInformation } from "./v3_resources.ts";
import { type ConversionResult, revisionOf } from "./convert_result.ts";

/** Tier -> `TierKey{name}`: order copied (null when absent), default action `Pass` only if so. */
export function convertTier(tier: V3Tier): ConversionResult {
  const key: TierKey = { kind: "Tier", name: tier.metadata.name };
  const value = {
    order: tier.spec.order ?? null,
    defaultAction: tier.spec.defaultAction === "Pass" ? "Pass" as const : "Deny" as const,
  };
  return { updates: [kv(key, value, revisionOf(tier.metadata))], problems: [] };
}

/** The name of the one ClusterInformation Felix reads. */
export const CLUSTER_INFORMATION_NAME = "default";

/** The global config names ClusterInformation sets, with the spec field each comes from. */
const CLUSTER_FIELDS = [
  ["ClusterGUID", "clusterGUID"],
  ["ClusterType", "clusterType"],
  ["CalicoVersion", "calicoVersion"],
  ["Variant", "variant"],
] as const;

/**
 * ClusterInformation `default` -> GlobalConfig `ClusterGUID`, `ClusterType`, `CalicoVersion`,
 * `Variant` (null when unset) and the ready flag (`datastoreReady`, false when unset). Any other
 * name is ignored with a problem.
 */
export function convertClusterInformation(ci: ClusterInformation): ConversionResult {
  if (ci.metadata.name !== CLUSTER_INFORMATION_NAME) {
    return {
      updates: [],
      problems: [`Ignored ClusterInformation "${ci.metadata.name}": only "default" is read`],
    };
  }
  const rev = revisionOf(ci.metadata);
  const updates: KVUpdate[] = CLUSTER_FIELDS.map(([name, field]) => {
    const key: GlobalConfigKey = { kind: "GlobalConfig", name };
    return kv(key, ci.spec[field] || null, rev);
  });
  const ready: ReadyFlagKey = { kind: "ReadyFlag" };
  updates.push(kv(ready, ci.spec.datastoreReady ?? false, rev));
  return { updates, problems: [] };
}

/** The passthrough key of a Service or EndpointSlice. */
export function passThroughKeyOf(obj: KubernetesService | KubernetesEndpointSlice): ResourceKey {
  return {
    kind: "Resource",
    resourceKind: obj.kind,
    namespace: obj.metadata.namespace ?? "",
    name: obj.metadata.name,
  };
}

/** Service / EndpointSlice -> `ResourceKey{kind, ns, name}` with the object itself. */
export function convertPassThrough(
  obj: KubernetesService | KubernetesEndpointSlice,
): ConversionResult {
  return { updates: [kv(passThroughKeyOf(obj), obj, revisionOf(obj.metadata))], problems: [] };
}
