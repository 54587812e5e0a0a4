/**
 * How Calico's clients keep a v3 resource's metadata in what they store (datastore-config.md §2.2):
 * the v3 ObjectMeta as JSON in an annotation, and the name a policy had before that annotation
 * existed. Shared by the etcd and Kubernetes datastores.
 *
 * @module
 */
import { isJsonObject } from "../model/json_reader.ts";

/** The annotation Calico's clients keep the v3 ObjectMeta in. */
export const METADATA_ANNOTATION = "projectcalico.org/metadata";

const DEFAULT_TIER_PREFIX = "default.";

/**
 * The v3 name of a stored policy: the name in its stored metadata when that is a non-empty
 * string; else, for a policy in the default tier (or none), the stored name without a leading
 * `default.` (how releases before 3.30 stored it); else the stored name.
 */
export function v3PolicyName(storedName: string, spec: unknown, metadataName?: unknown): string {
  if (typeof metadataName === "string" && metadataName !== "") return metadataName;
  const tier = isJsonObject(spec) ? spec["tier"] : undefined;
  const defaultTier = typeof tier !== "string" || tier === "" || tier === "default";
  return defaultTier && storedName.startsWith(DEFAULT_TIER_PREFIX)
    ? storedName.slice(DEFAULT_TIER_PREFIX.length)
    : storedName;
}
