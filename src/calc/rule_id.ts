/**
 * Rule ids: a stable 16-character id for each rule of a policy or profile direction, chained so
 * that a rule's id depends on its content, its position and every rule before it.
 *
 * Seed: `pol-in-default/<name>` / `pol-out-default/<name>` (the literal `default` whatever the
 * tier; `<name>` is `<namespace>/<name>` for a namespaced policy) or `prof-in-<profile>` /
 * `prof-out-<profile>`. `h0 = SHA-224(seed)`, `hi = SHA-224(h(i-1) || canonicalJSON(rule i))`,
 * id = the first 16 characters of base64url(`hi`). Upstream hashes the protobuf encoding of the
 * rule instead of JSON, so the ids differ from upstream's: they are opaque, stable labels.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { compareStrings } from "../lib/order.ts";
import type { Rule, RuleWithoutId } from "../proto/rule.ts";

/** Re-exported: the calc modules that convert rules name it through this module. */
export type { RuleWithoutId } from "../proto/rule.ts";

/** Which way a rule list applies. */
export type RuleDirection = "inbound" | "outbound";

/** Number of base64url characters kept from the chained hash. */
export const RULE_ID_LENGTH = 16;

/** The seed of a policy's rule-id chain. */
export function policyRuleIdSeed(
  direction: RuleDirection,
  namespace: string,
  name: string,
): string {
  const dir = direction === "inbound" ? "in" : "out";
  const fullName = namespace === "" ? name : `${namespace}/${name}`;
  return `pol-${dir}-default/${fullName}`;
}

/** The seed of a profile's rule-id chain. */
export function profileRuleIdSeed(direction: RuleDirection, profile: string): string {
  return `prof-${direction === "inbound" ? "in" : "out"}-${profile}`;
}

/** Returns the rules with their chained ids filled in (new objects; the inputs are untouched). */
export function assignRuleIds(seed: string, rules: readonly RuleWithoutId[]): Rule[] {
  let hash = createHash("sha224").update(seed, "utf8").digest();
  return rules.map((rule) => {
    hash = createHash("sha224").update(hash).update(canonicalJSON(rule), "utf8").digest();
    return { ...rule, ruleId: hash.toString("base64url").slice(0, RULE_ID_LENGTH) };
  });
}

/**
 * JSON with object keys sorted (by UTF-16 code unit) at every level and `undefined` properties
 * left out, so equal values always give equal text whatever order their keys were built in.
 */
export function canonicalJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJSON(v ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareStrings(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJSON(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
