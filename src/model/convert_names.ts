/**
 * The label keys, label prefixes and profile-name prefixes the conversions share.
 *
 * @module
 */

/** Label carrying an endpoint's namespace. */
export const NAMESPACE_LABEL = "projectcalico.org/namespace";
/** Label carrying an endpoint's orchestrator (`k8s`). */
export const ORCHESTRATOR_LABEL = "projectcalico.org/orchestrator";
/** Label carrying an endpoint's service account. */
export const SERVICE_ACCOUNT_LABEL = "projectcalico.org/serviceaccount";
/** Label carrying a namespace's or service account's own name (inside profiles). */
export const NAME_LABEL = "projectcalico.org/name";
/** Prefix of namespace labels inherited from `kns.` profiles. */
export const NAMESPACE_LABEL_PREFIX = "pcns.";
/** Prefix of service-account labels inherited from `ksa.` profiles. */
export const SERVICE_ACCOUNT_LABEL_PREFIX = "pcsa.";
/** Prefix of the profile made from a namespace. */
export const NAMESPACE_PROFILE_PREFIX = "kns.";
/** Prefix of the profile made from a service account. */
export const SERVICE_ACCOUNT_PROFILE_PREFIX = "ksa.";
/** The built-in allow-all profile. */
export const DEFAULT_ALLOW_PROFILE = "projectcalico-default-allow";
/** The orchestrator id of Kubernetes pods. */
export const ORCHESTRATOR_K8S = "k8s";

/** `kns.<ns>`. */
export function namespaceProfileName(namespace: string): string {
  return NAMESPACE_PROFILE_PREFIX + namespace;
}

/** `ksa.<ns>.<sa>`. */
export function serviceAccountProfileName(namespace: string, serviceAccount: string): string {
  return `${SERVICE_ACCOUNT_PROFILE_PREFIX}${namespace}.${serviceAccount}`;
}
