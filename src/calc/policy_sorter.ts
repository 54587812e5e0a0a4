/**
 * The policy sorter: what the policy resolver knows about tiers and policy metadata, and the order
 * in which an endpoint's matching policies are applied (`reference/selectors-policy.md` §3.4).
 *
 * Tiers: valid (Tier resource present) before invalid, ordered before unordered, ascending order,
 * ties by name. Policies within a tier: ascending order (none = +∞), ties by
 * `<name>/<namespace>/<kind>`. Every string tie is broken in byte order, never by locale.
 *
 * @module
 */
import { deepEqual } from "../lib/deep_equal.ts";
import { compareUtf8 } from "../lib/order.ts";
import { keyPath, type PolicyKey } from "../model/keys.ts";
import type { Policy, PolicyDirection, Tier } from "../model/values.ts";
import type { PolicyID } from "../proto/messages.ts";

/** The part of a policy that decides where, and for which directions, it applies. */
export interface PolicyMetadata {
  readonly tier: string;
  /** `null` = no order: after every ordered policy. */
  readonly order: number | null;
  /** Empty = legacy data: governs both directions. */
  readonly types: readonly PolicyDirection[];
  readonly untracked: boolean;
  readonly preDNAT: boolean;
  readonly applyOnForward: boolean;
}

/** One policy in sorted output. */
export interface SortedPolicy {
  readonly id: PolicyID;
  readonly meta: PolicyMetadata;
}

/** One tier in sorted output: its default action ("" without a Tier resource) and policies. */
export interface SortedTier {
  readonly name: string;
  readonly defaultAction: "Deny" | "Pass" | "";
  readonly policies: readonly SortedPolicy[];
}

interface PolicyEntry extends SortedPolicy {
  /** `<name>/<namespace>/<kind>`, the tie-breaker. */
  readonly tieKey: string;
}

/** Extracts a policy's metadata (a fresh object; the policy is not retained). */
function policyMetadata(policy: Policy): PolicyMetadata {
  return {
    tier: policy.tier,
    order: policy.order,
    types: policy.types,
    untracked: policy.untracked,
    preDNAT: policy.preDNAT,
    applyOnForward: policy.applyOnForward,
  };
}

/** Whether `meta` governs `direction`: listed in its types, or types empty (both). */
export function governs(meta: PolicyMetadata, direction: PolicyDirection): boolean {
  return meta.types.length === 0 || meta.types.includes(direction);
}

/** The proto id of a policy key. */
export function policyIdOf(key: PolicyKey): PolicyID {
  return { kind: key.policyKind, namespace: key.namespace, name: key.name };
}

/** Compares two orders, `null` (no order) sorting last. */
function compareOrder(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tier order: valid first, then ordered first, then ascending order, then name (bytes). */
export function compareTiers(
  a: { readonly name: string; readonly tier: Tier | undefined },
  b: { readonly name: string; readonly tier: Tier | undefined },
): number {
  if ((a.tier === undefined) !== (b.tier === undefined)) return a.tier === undefined ? 1 : -1;
  const byOrder = compareOrder(a.tier?.order ?? null, b.tier?.order ?? null);
  return byOrder !== 0 ? byOrder : compareUtf8(a.name, b.name);
}

function comparePolicyEntries(a: PolicyEntry, b: PolicyEntry): number {
  const byOrder = compareOrder(a.meta.order, b.meta.order);
  return byOrder !== 0 ? byOrder : compareUtf8(a.tieKey, b.tieKey);
}

export class PolicySorter {
  readonly #tiers = new Map<string, Tier>();
  /** By `keyPath(key)`. */
  readonly #policies = new Map<string, PolicyEntry>();

  /** Sets or deletes a tier; returns whether anything changed. */
  updateTier(name: string, tier: Tier | undefined): boolean {
    const old = this.#tiers.get(name);
    if (tier === undefined) return this.#tiers.delete(name);
    if (old !== undefined && old.order === tier.order && old.defaultAction === tier.defaultAction) {
      return false;
    }
    this.#tiers.set(name, { order: tier.order, defaultAction: tier.defaultAction });
    return true;
  }

  /** Sets or deletes a policy's metadata; returns whether its metadata changed. */
  updatePolicy(key: PolicyKey, policy: Policy | undefined): boolean {
    const id = keyPath(key);
    if (policy === undefined) return this.#policies.delete(id);
    const meta = policyMetadata(policy);
    const old = this.#policies.get(id);
    if (old !== undefined && deepEqual(old.meta, meta)) return false;
    const tieKey = `${key.name}/${key.namespace}/${key.policyKind}`;
    this.#policies.set(id, { id: old?.id ?? policyIdOf(key), meta, tieKey });
    return true;
  }

  /** Whether metadata is known for the policy with `keyPath` `id`. */
  hasPolicy(id: string): boolean {
    return this.#policies.has(id);
  }

  /**
   * The tiers of the given policies (by `keyPath`), sorted, each with its policies sorted. A
   * policy without metadata is skipped; tiers come only from the policies given.
   */
  sortTiers(policyIds: Iterable<string>): SortedTier[] {
    const byTier = new Map<string, PolicyEntry[]>();
    for (const id of policyIds) {
      const entry = this.#policies.get(id);
      if (entry === undefined) continue;
      const list = byTier.get(entry.meta.tier);
      if (list === undefined) byTier.set(entry.meta.tier, [entry]);
      else list.push(entry);
    }
    const tiers = [...byTier.keys()].map((name) => ({ name, tier: this.#tiers.get(name) }));
    tiers.sort(compareTiers);
    return tiers.map(({ name, tier }) => ({
      name,
      defaultAction: tier?.defaultAction ?? "",
      policies: (byTier.get(name) ?? []).sort(comparePolicyEntries)
        .map(({ id, meta }) => ({ id, meta })),
    }));
  }
}
