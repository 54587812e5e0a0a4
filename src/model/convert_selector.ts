/**
 * How v3 selector fields fold into the single selector strings the calc graph sees: one per
 * policy and one per side of each rule (selectors-policy.md §1.7, §2.3).
 *
 * The namespace/service-account parts are re-rendered canonically with prefixed keys; the
 * policy's and rule's own `selector` is kept raw (an invalid one is caught downstream). The
 * `all()`/`global()` rewrites are textual on the combined string, as upstream does them, so the
 * resulting strings (and hence IP-set ids) are bit-identical.
 *
 * @module
 */
import { parseSelector, prefixSelectorKeys, SelectorParseError } from "../selector/mod.ts";
import type { ServiceAccountMatch } from "./v3_policy.ts";
import {
  NAMESPACE_LABEL,
  NAMESPACE_LABEL_PREFIX,
  SERVICE_ACCOUNT_LABEL,
  SERVICE_ACCOUNT_LABEL_PREFIX,
} from "./convert_names.ts";

const HAS_NAMESPACE = `has(${NAMESPACE_LABEL})`;
const NOT_HAS_NAMESPACE = `!has(${NAMESPACE_LABEL})`;
const HAS_SERVICE_ACCOUNT = `has(${SERVICE_ACCOUNT_LABEL})`;

/** `(current) && <prefixed extra>`; an empty or unparsable `extra` leaves `current` unchanged. */
function prefixAndAppend(current: string, extra: string, prefix: string): string {
  if (extra === "") return current;
  const prefixed = prefixSelectorKeys(extra, prefix);
  if (prefixed === undefined) return current;
  return current === "" ? prefixed : `(${current}) && ${prefixed}`;
}

/** The clause Calico inserts to scope a selector to one namespace (single-quoted). */
export function namespaceClause(namespace: string): string {
  return `${NAMESPACE_LABEL} == '${namespace}'`;
}

/**
 * A namespaced policy's selector: `(<sel>) && projectcalico.org/namespace == '<ns>'` (just the
 * clause when `sel` is empty), then `(<that>) && <pcsa.-prefixed serviceAccountSelector>`.
 */
export function namespacedPolicySelector(
  selector: string,
  namespace: string,
  serviceAccountSelector: string,
): string {
  const scoped = selector === ""
    ? namespaceClause(namespace)
    : `(${selector}) && ${namespaceClause(namespace)}`;
  return prefixAndAppend(scoped, serviceAccountSelector, SERVICE_ACCOUNT_LABEL_PREFIX);
}

/**
 * A global policy's selector: `namespaceSelector` appended with `pcns.` keys and every `all()`
 * rewritten to `has(projectcalico.org/namespace)`; then `serviceAccountSelector` likewise with
 * `pcsa.` and `has(projectcalico.org/serviceaccount)`.
 */
export function globalPolicySelector(
  selector: string,
  namespaceSelector: string,
  serviceAccountSelector: string,
): string {
  let out = selector;
  if (namespaceSelector !== "") {
    out = prefixAndAppend(out, namespaceSelector, NAMESPACE_LABEL_PREFIX);
    out = out.replaceAll("all()", HAS_NAMESPACE);
  }
  if (serviceAccountSelector !== "") {
    out = prefixAndAppend(out, serviceAccountSelector, SERVICE_ACCOUNT_LABEL_PREFIX);
    out = out.replaceAll("all()", HAS_SERVICE_ACCOUNT);
  }
  return out;
}

/** The selector fields of one rule side. */
export interface EntitySelectorFields {
  readonly namespaceSelector?: string;
  readonly selector?: string;
  readonly notSelector?: string;
  readonly serviceAccounts?: ServiceAccountMatch;
}

function quoteLiteral(s: string): string {
  return s.includes("'") ? `"${s}"` : `'${s}'`;
}

/** The service-account part: `(<pcsa. selector>) && (<names in {...}>)`, either alone, or "". */
function serviceAccountPart(match: ServiceAccountMatch | undefined): string {
  if (match === undefined) return "";
  const sel = match.selector === undefined || match.selector === ""
    ? ""
    : prefixSelectorKeys(match.selector, SERVICE_ACCOUNT_LABEL_PREFIX) ?? "";
  const names = match.names ?? [];
  let namesPart = "";
  if (names.length > 0) {
    const text = `${SERVICE_ACCOUNT_LABEL} in { ${names.map(quoteLiteral).join(", ")} }`;
    namesPart = normaliseSelectorOrEmpty(text);
  }
  if (sel !== "" && namesPart !== "") return `(${sel}) && (${namesPart})`;
  return sel !== "" ? sel : namesPart;
}

function normaliseSelectorOrEmpty(text: string): string {
  try {
    return parseSelector(text).toString();
  } catch (e) {
    if (e instanceof SelectorParseError) return "";
    throw e;
  }
}

/** Step 1: the namespace part from `namespaceSelector`, or the policy's namespace clause. */
function namespacePart(namespaceSelector: string, policyNamespace: string): string {
  if (namespaceSelector !== "") {
    const prefixed = prefixSelectorKeys(namespaceSelector, NAMESPACE_LABEL_PREFIX) ?? "";
    return prefixed.replaceAll("all()", HAS_NAMESPACE).replaceAll("global()", NOT_HAS_NAMESPACE);
  }
  return policyNamespace === "" ? "" : namespaceClause(policyNamespace);
}

/**
 * The combined selector of one rule side (selectors-policy.md §2.3, steps 1-4). `notSelector`
 * is not part of it (it stays raw and is never namespace-scoped), but its presence makes a
 * namespaced policy's rule side carry the namespace clause. `policyNamespace` is "" for global
 * policies and profiles.
 */
export function entityRuleSelector(fields: EntitySelectorFields, policyNamespace: string): string {
  const nsSel = fields.namespaceSelector ?? "";
  const ns = namespacePart(nsSel, policyNamespace);
  const sa = serviceAccountPart(fields.serviceAccounts);
  const sel = fields.selector ?? "";
  const combined = sa !== "" && sel !== "" ? `(${sa}) && (${sel})` : sa !== "" ? sa : sel;
  const notSel = fields.notSelector ?? "";
  if (ns !== "" && (combined !== "" || notSel !== "" || nsSel !== "")) {
    return combined === "" ? ns : `(${ns}) && (${combined})`;
  }
  return combined;
}

/**
 * A selector for display: trimmed, parsed and rendered canonically (`all()` when empty);
 * returned unchanged when it does not parse.
 */
export function normaliseSelector(selector: string): string {
  try {
    return parseSelector(selector.trim()).toString();
  } catch (e) {
    if (e instanceof SelectorParseError) return selector;
    throw e;
  }
}
