/**
 * The dispatcher: any decoded Calico resource or Kubernetes object -> the internal key/value
 * updates the calc graph consumes.
 *
 * `objectToKVs` always emits every key the object owns, with `null` for the ones the object says
 * must be absent, so `keysOf` (what to delete when the object goes away) is simply its keys.
 *
 * @module
 */
import { assertNever } from "../lib/assert_never.ts";
import type { KubernetesObject } from "./k8s.ts";
import { type Key, keyPath } from "./keys.ts";
import type { KVUpdate } from "./kv.ts";
import type { CalicoResource } from "./v3_resources.ts";
import type { ConversionContext, ConversionResult } from "./convert_result.ts";
import { convertHostEndpoint, convertWorkloadEndpoint } from "./convert_endpoint.ts";
import { convertIPAMBlock, convertIPPool } from "./convert_ipam.ts";
import { convertK8sNetworkPolicy } from "./convert_k8s_policy.ts";
import { k8sNodeToV3 } from "./convert_k8s_node.ts";
import { convertClusterInformation, convertPassThrough, convertTier } from "./convert_misc.ts";
import { convertNetworkSet } from "./convert_network_set.ts";
import { convertNode } from "./convert_node.ts";
import { convertPod } from "./convert_pod.ts";
import { convertPolicy } from "./convert_policy.ts";
import { convertProfile, namespaceToProfile, serviceAccountToProfile } from "./convert_profile.ts";

export type { ConversionContext, ConversionResult } from "./convert_result.ts";

function withProblems(r: ConversionResult, problems: readonly string[]): ConversionResult {
  return problems.length === 0 ? r : { updates: r.updates, problems: [...problems, ...r.problems] };
}

function kubernetesToKVs(obj: KubernetesObject, ctx: ConversionContext): ConversionResult {
  switch (obj.kind) {
    case "Pod":
      return convertPod(obj, { interfacePrefix: ctx.interfacePrefix });
    case "Namespace":
      return convertProfile(namespaceToProfile(obj));
    case "ServiceAccount":
      return convertProfile(serviceAccountToProfile(obj));
    case "KubernetesNetworkPolicy":
      return convertK8sNetworkPolicy(obj);
    case "KubernetesNode": {
      const { node, problems } = k8sNodeToV3(obj);
      return withProblems(convertNode(node), problems);
    }
    case "KubernetesService":
    case "KubernetesEndpointSlice":
      return convertPassThrough(obj);
    default:
      return assertNever(obj, "Kubernetes object");
  }
}

/**
 * Converts one object into the updates of every key it owns (null = must be absent) and the
 * problems met on the way. Never throws on data.
 */
export function objectToKVs(
  obj: CalicoResource | KubernetesObject,
  ctx: ConversionContext,
): ConversionResult {
  switch (obj.kind) {
    case "NetworkPolicy":
    case "GlobalNetworkPolicy":
    case "StagedNetworkPolicy":
    case "StagedGlobalNetworkPolicy":
      return convertPolicy(obj);
    case "Tier":
      return convertTier(obj);
    case "Profile":
      return convertProfile(obj);
    case "GlobalNetworkSet":
    case "NetworkSet":
      return convertNetworkSet(obj);
    case "HostEndpoint":
      return convertHostEndpoint(obj);
    case "WorkloadEndpoint":
      return convertWorkloadEndpoint(obj);
    case "IPPool":
      return convertIPPool(obj);
    case "FelixConfiguration":
      return { updates: ctx.felixConfigurationToKVs(obj), problems: [] };
    case "ClusterInformation":
      return convertClusterInformation(obj);
    case "Node":
      return convertNode(obj);
    case "IPAMBlock":
      return convertIPAMBlock(obj);
    default:
      return kubernetesToKVs(obj, ctx);
  }
}

/**
 * The keys an object owns, whatever its content says about their values: a deleted object
 * must delete exactly these (a deleted Pod its endpoint key, a deleted Node all five tunnel
 * keys, its Resource key and its WireGuard key). Pass the object's last known state.
 */
export function keysOf(obj: CalicoResource | KubernetesObject, ctx: ConversionContext): Key[] {
  const seen = new Set<string>();
  const out: Key[] = [];
  for (const u of objectToKVs(obj, ctx).updates) {
    const id = keyPath(u.key);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(u.key);
    }
  }
  return out;
}

/** The deletions to send when `obj` (its last known state) is deleted. */
export function deletionKVs(
  obj: CalicoResource | KubernetesObject,
  ctx: ConversionContext,
  revision = "",
): KVUpdate[] {
  // A null value suits every key kind; the compiler cannot see that through the Key union.
  return keysOf(obj, ctx).map((k) => ({ key: k, value: null, revision }) as KVUpdate);
}
