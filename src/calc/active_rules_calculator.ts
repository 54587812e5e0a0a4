/**
 * The active rules calculator (ARC): which policies and profiles this node needs
 * (`reference/selectors-policy.md` §4.2). Each policy's selector is matched against the local
 * endpoints (own labels plus profile labels, §2.1) in a `LabelIndex`; a policy is active while it
 * matches at least one of them, or always with the `AssumeNeededOnEveryNode` hint. A profile is
 * active while a local endpoint lists it.
 *
 * Activity changes go to the rule scanner; per-endpoint match changes go to the policy resolver.
 *
 * @module
 */
import { deepEqual } from "../lib/deep_equal.ts";
import { keyPath, type PolicyKey } from "../model/keys.ts";
import type { Labels, Policy, ProfileRules } from "../model/values.ts";
import { parseSelector, type Selector } from "../selector/mod.ts";
import { LabelIndex } from "./label_index.ts";
import type { EndpointId, PolicyMatchListener, RuleScannerInput } from "./sinks.ts";

/** The performance hint that makes a policy active on every node, matched or not. */
export const ASSUME_NEEDED_ON_EVERY_NODE = "AssumeNeededOnEveryNode";

/** What the ARC needs of a local endpoint (workload or host). */
export interface LocalEndpointData {
  readonly labels: Labels;
  readonly profileIds: readonly string[];
}

export interface ActiveRulesCalculatorOptions {
  readonly ruleScanner: RuleScannerInput;
  readonly matchListener: PolicyMatchListener;
}

interface PolicyEntry {
  readonly key: PolicyKey;
  readonly policy: Policy;
}

/** Staged policies are not enforced: never matched, never active. */
function isStaged(key: PolicyKey): boolean {
  return key.policyKind.startsWith("Staged");
}

function parseOrUndefined(text: string): Selector | undefined {
  try {
    return parseSelector(text);
  } catch {
    return undefined; // Bad input never throws in calc: the policy matches nothing.
  }
}

export class ActiveRulesCalculator {
  readonly #ruleScanner: RuleScannerInput;
  readonly #matchListener: PolicyMatchListener;
  readonly #index: LabelIndex;
  /** Known (non-staged) policies by `keyPath`. */
  readonly #policies = new Map<string, PolicyEntry>();
  /** Local endpoints each policy matches, by policy `keyPath`. */
  readonly #matches = new Map<string, Set<EndpointId>>();
  /** Policies reported active to the rule scanner (keys kept for the report of their end). */
  readonly #active = new Map<string, PolicyKey>();
  /** Policies whose matches changed during the current input, settled when it returns. */
  readonly #touched = new Set<string>();
  readonly #profileRules = new Map<string, ProfileRules>();
  /** How many local endpoints list each profile. */
  readonly #profileUsers = new Map<string, number>();
  readonly #endpointProfiles = new Map<EndpointId, ReadonlySet<string>>();

  constructor(options: ActiveRulesCalculatorOptions) {
    this.#ruleScanner = options.ruleScanner;
    this.#matchListener = options.matchListener;
    this.#index = new LabelIndex({
      onMatchStarted: (policyId, endpointId) => this.#onMatch(policyId, endpointId, true),
      onMatchStopped: (policyId, endpointId) => this.#onMatch(policyId, endpointId, false),
    });
  }

  /** A policy was added, changed or deleted. Deep-equal updates and staged policies are ignored. */
  updatePolicy(key: PolicyKey, policy: Policy | undefined): void {
    if (isStaged(key)) return;
    const id = keyPath(key);
    const old = this.#policies.get(id);
    if (policy === undefined) {
      if (old === undefined) return;
      this.#index.deleteSelector(id);
      this.#policies.delete(id);
      this.#touched.add(id);
      return this.#settle();
    }
    if (old !== undefined && deepEqual(old.policy, policy)) return;
    const wasActive = this.#active.has(id);
    this.#policies.set(id, { key, policy });
    const selector = parseOrUndefined(policy.selector);
    if (selector === undefined) this.#index.deleteSelector(id);
    else this.#index.updateSelector(id, selector);
    this.#touched.add(id);
    this.#settle();
    // Still active: the rule scanner needs the new content (a fresh activation already has it).
    if (wasActive && this.#active.has(id)) this.#ruleScanner.onPolicyActive(key, policy);
  }

  /** A profile's rules were set or deleted; an active profile is re-sent. */
  updateProfileRules(name: string, rules: ProfileRules | undefined): void {
    const old = this.#profileRules.get(name);
    if (rules === undefined) {
      if (old === undefined) return;
      this.#profileRules.delete(name);
    } else {
      if (old !== undefined && deepEqual(old, rules)) return;
      this.#profileRules.set(name, rules);
    }
    if (this.#profileUsers.has(name)) this.#ruleScanner.onProfileActive(name, rules);
  }

  /** A profile's labels (inherited by the endpoints that list it) were set or deleted. */
  updateProfileLabels(name: string, labels: Labels | undefined): void {
    if (labels === undefined) this.#index.deleteParentLabels(name);
    else this.#index.updateParentLabels(name, labels);
    this.#settle();
  }

  /** A local workload or host endpoint was added, changed or deleted. */
  updateLocalEndpoint(id: EndpointId, data: LocalEndpointData | undefined): void {
    if (data === undefined) this.#index.deleteItem(id);
    else this.#index.updateItem(id, data.labels, data.profileIds);
    this.#settle();
    this.#updateProfileUsers(id, data === undefined ? new Set() : new Set(data.profileIds));
  }

  /** Whether a policy is currently reported active (for tests). */
  isPolicyActive(key: PolicyKey): boolean {
    return this.#active.has(keyPath(key));
  }

  /** The local endpoints a policy matches (a fresh set, for tests). */
  matchesOf(key: PolicyKey): Set<EndpointId> {
    return new Set(this.#matches.get(keyPath(key)));
  }

  #onMatch(policyId: string, endpointId: EndpointId, started: boolean): void {
    const entry = this.#policies.get(policyId);
    if (entry === undefined) return; // Unreachable: selectors are deleted before their policy.
    let set = this.#matches.get(policyId);
    if (started) {
      if (set === undefined) this.#matches.set(policyId, set = new Set());
      set.add(endpointId);
      this.#matchListener.onPolicyMatch(entry.key, endpointId);
    } else {
      set?.delete(endpointId);
      if (set?.size === 0) this.#matches.delete(policyId);
      this.#matchListener.onPolicyMatchStopped(entry.key, endpointId);
    }
    this.#touched.add(policyId);
  }

  /**
   * Reports the activity changes of the policies touched by the input just processed, once each,
   * so a selector change that swaps every match never flips a policy inactive and back.
   */
  #settle(): void {
    for (const id of this.#touched) {
      const entry = this.#policies.get(id);
      const needed = entry !== undefined &&
        (this.#matches.has(id) ||
          entry.policy.performanceHints.includes(ASSUME_NEEDED_ON_EVERY_NODE));
      const reported = this.#active.get(id);
      if (needed && reported === undefined) {
        this.#active.set(id, entry.key);
        this.#ruleScanner.onPolicyActive(entry.key, entry.policy);
      } else if (!needed && reported !== undefined) {
        this.#active.delete(id);
        this.#ruleScanner.onPolicyInactive(reported);
      }
    }
    this.#touched.clear();
  }

  #updateProfileUsers(id: EndpointId, now: ReadonlySet<string>): void {
    const before = this.#endpointProfiles.get(id) ?? new Set<string>();
    if (now.size === 0) this.#endpointProfiles.delete(id);
    else this.#endpointProfiles.set(id, now);
    for (const name of now) {
      if (before.has(name)) continue;
      const users = this.#profileUsers.get(name) ?? 0;
      this.#profileUsers.set(name, users + 1);
      if (users === 0) this.#ruleScanner.onProfileActive(name, this.#profileRules.get(name));
    }
    for (const name of before) {
      if (now.has(name)) continue;
      const users = (this.#profileUsers.get(name) ?? 1) - 1;
      if (users > 0) {
        this.#profileUsers.set(name, users);
        continue;
      }
      this.#profileUsers.delete(name);
      this.#ruleScanner.onProfileInactive(name);
    }
  }
}
