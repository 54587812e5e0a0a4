/**
 * Profiles: Kubernetes Namespaces and ServiceAccounts -> v3 Profiles (datastore-config.md §2.4),
 * the built-in allow-all profile, and v3 Profile -> `ProfileRules` + `ProfileLabels`.
 *
 * @module
 */
import type { Namespace, ServiceAccount } from "./k8s.ts";
import { kv } from "./kv.ts";
import type { ProfileLabelsKey, ProfileRulesKey } from "./keys.ts";
import type { Profile, Rule as V3Rule } from "./v3_policy.ts";
import { type ConversionResult, revisionOf } from "./convert_result.ts";
import { convertRules } from "./convert_rule.ts";
import {
  DEFAULT_ALLOW_PROFILE,
  NAME_LABEL,
  NAMESPACE_LABEL_PREFIX,
  namespaceProfileName,
  SERVICE_ACCOUNT_LABEL_PREFIX,
  serviceAccountProfileName,
} from "./convert_names.ts";

const ALLOW_ALL: readonly V3Rule[] = [{ action: "Allow" }];

function prefixLabels(
  labels: Readonly<Record<string, string>> | undefined,
  prefix: string,
  name: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) out[prefix + k] = v;
  out[prefix + NAME_LABEL] = name;
  return out;
}

/**
 * Namespace `N` -> Profile `kns.N`: allow-all ingress and egress, `labelsToApply` = every
 * namespace label as `pcns.<k>` plus `pcns.projectcalico.org/name=N`; revision `"<rv>/"`.
 */
export function namespaceToProfile(ns: Namespace): Profile {
  return {
    kind: "Profile",
    metadata: {
      name: namespaceProfileName(ns.metadata.name),
      resourceVersion: `${ns.metadata.resourceVersion ?? ""}/`,
    },
    spec: {
      ingress: ALLOW_ALL,
      egress: ALLOW_ALL,
      labelsToApply: prefixLabels(ns.metadata.labels, NAMESPACE_LABEL_PREFIX, ns.metadata.name),
    },
  };
}

/**
 * ServiceAccount `S` in `N` (`default` when unset) -> Profile `ksa.N.S`: no rules,
 * `labelsToApply` = every label as `pcsa.<k>` plus `pcsa.projectcalico.org/name=S`; revision
 * `"/<rv>"`.
 */
export function serviceAccountToProfile(sa: ServiceAccount): Profile {
  const ns = sa.metadata.namespace || "default";
  return {
    kind: "Profile",
    metadata: {
      name: serviceAccountProfileName(ns, sa.metadata.name),
      resourceVersion: `/${sa.metadata.resourceVersion ?? ""}`,
    },
    spec: {
      labelsToApply: prefixLabels(
        sa.metadata.labels,
        SERVICE_ACCOUNT_LABEL_PREFIX,
        sa.metadata.name,
      ),
    },
  };
}

/** The built-in `projectcalico-default-allow` profile: allow-all both ways, revision `"1"`. */
export function defaultAllowProfile(): Profile {
  return {
    kind: "Profile",
    metadata: { name: DEFAULT_ALLOW_PROFILE, resourceVersion: "1" },
    spec: { ingress: ALLOW_ALL, egress: ALLOW_ALL },
  };
}

/** The two keys a profile owns. */
export function profileKeysOf(name: string): readonly [ProfileRulesKey, ProfileLabelsKey] {
  return [{ kind: "ProfileRules", name }, { kind: "ProfileLabels", name }];
}

/**
 * v3 Profile -> `ProfileRules` (rules converted with no namespace) and `ProfileLabels`
 * (`labelsToApply`, deleted when empty). Rules that cannot be converted delete the rules key.
 */
export function convertProfile(p: Profile): ConversionResult {
  const [rulesKey, labelsKey] = profileKeysOf(p.metadata.name);
  const rev = revisionOf(p.metadata);
  const labels = p.spec.labelsToApply ?? {};
  const labelsUpdate = kv(labelsKey, Object.keys(labels).length > 0 ? labels : null, rev);
  const inbound = convertRules(p.spec.ingress, "", "spec.ingress");
  const outbound = convertRules(p.spec.egress, "", "spec.egress");
  if (!inbound.ok || !outbound.ok) {
    const reason = !inbound.ok ? inbound.reason : !outbound.ok ? outbound.reason : "";
    return {
      updates: [kv(rulesKey, null, rev), labelsUpdate],
      problems: [`Cannot convert the rules of Profile "${p.metadata.name}": ${reason}`],
    };
  }
  const rules = { inboundRules: inbound.rules, outboundRules: outbound.rules };
  return { updates: [kv(rulesKey, rules, rev), labelsUpdate], problems: [] };
}
