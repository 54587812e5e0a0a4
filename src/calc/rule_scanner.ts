/**
 * The rule scanner: turns each active policy's and profile's rules into proto rules (selectors
 * replaced by IP-set ids, see `rule_conversion.ts`), and keeps the IP sets those rules use alive
 * by reference counting them across every active policy and profile.
 *
 * Ordering contract: a set is added (`sink.onIPSetAdded`, then `ipSets.onIPSetActive`) before the
 * first policy/profile that uses it is sent, and removed (`ipSets.onIPSetInactive`, then
 * `sink.onIPSetRemoved`) only after the last user was sent without it or went inactive.
 *
 * @module
 */
import { keyPath, type PolicyKey } from "../model/keys.ts";
import type { Policy as ModelPolicy, ProfileRules, Rule as ModelRule } from "../model/values.ts";
import type { Policy } from "../proto/messages.ts";
import { blankRule, type Rule, type RuleWithoutId } from "../proto/rule.ts";
import type { CalcSink, IPSetData, IPSetMemberInput, RuleScannerInput } from "./sinks.ts";
import { policyIdOf } from "./policy_sorter.ts";
import { convertRule } from "./rule_conversion.ts";
import { assignRuleIds, policyRuleIdSeed, profileRuleIdSeed } from "./rule_id.ts";

export interface RuleScannerOptions {
  readonly sink: CalcSink;
  readonly ipSets: IPSetMemberInput;
}

/** An active set: its definition and how many active policies/profiles use it. */
interface SetRef {
  readonly data: IPSetData;
  count: number;
}

/** Rules of one direction after conversion, and the sets they use (by id). */
interface ScannedRules {
  readonly rules: Rule[];
  readonly ipSets: Map<string, IPSetData>;
}

/** The fail-closed stand-in for an unknown or invalid profile: deny everything. */
const DENY_ALL: RuleWithoutId = blankRule("deny");

export class RuleScanner implements RuleScannerInput {
  readonly #sink: CalcSink;
  readonly #ipSets: IPSetMemberInput;
  /** Set ids used by each active policy, by the policy key's path. */
  readonly #policySets = new Map<string, ReadonlySet<string>>();
  /** Set ids used by each active profile, by name. */
  readonly #profileSets = new Map<string, ReadonlySet<string>>();
  readonly #refs = new Map<string, SetRef>();

  constructor(options: RuleScannerOptions) {
    this.#sink = options.sink;
    this.#ipSets = options.ipSets;
  }

  onPolicyActive(key: PolicyKey, policy: ModelPolicy): void {
    const inbound = scan(policyRuleIdSeed("inbound", key.namespace, key.name), policy.inboundRules);
    const outbound = scan(
      policyRuleIdSeed("outbound", key.namespace, key.name),
      policy.outboundRules,
    );
    const proto: Policy = {
      tier: policy.tier,
      namespace: policy.namespace,
      inboundRules: inbound.rules,
      outboundRules: outbound.rules,
      untracked: policy.untracked,
      preDNAT: policy.preDNAT,
      originalSelector: policy.originalSelector,
      performanceHints: [...policy.performanceHints],
    };
    this.#replace(this.#policySets, keyPath(key), [inbound, outbound], () => {
      this.#sink.onPolicyActive(policyIdOf(key), proto);
    });
  }

  onPolicyInactive(key: PolicyKey): void {
    const path = keyPath(key);
    if (!this.#policySets.has(path)) return;
    this.#sink.onPolicyInactive(policyIdOf(key));
    this.#releaseAll(this.#policySets, path);
  }

  onProfileActive(name: string, rules: ProfileRules | undefined): void {
    const inboundSeed = profileRuleIdSeed("inbound", name);
    const outboundSeed = profileRuleIdSeed("outbound", name);
    const inbound = rules === undefined
      ? denyAll(inboundSeed)
      : scan(inboundSeed, rules.inboundRules);
    const outbound = rules === undefined
      ? denyAll(outboundSeed)
      : scan(outboundSeed, rules.outboundRules);
    this.#replace(this.#profileSets, name, [inbound, outbound], () => {
      this.#sink.onProfileActive(name, inbound.rules, outbound.rules);
    });
  }

  onProfileInactive(name: string): void {
    if (!this.#profileSets.has(name)) return;
    this.#sink.onProfileInactive(name);
    this.#releaseAll(this.#profileSets, name);
  }

  /** The ids of the sets currently referenced, with their reference counts (for tests). */
  referenceCounts(): Map<string, number> {
    return new Map([...this.#refs].map(([id, ref]) => [id, ref.count]));
  }

  /**
   * Records owner `id`'s new set usage: adds the newly used sets, runs `send`, then releases
   * the sets the owner no longer uses.
   */
  #replace(
    owners: Map<string, ReadonlySet<string>>,
    id: string,
    scanned: readonly ScannedRules[],
    send: () => void,
  ): void {
    const old = owners.get(id) ?? new Set<string>();
    const now = new Set<string>();
    for (const { ipSets } of scanned) {
      for (const [setId, data] of ipSets) {
        if (now.has(setId)) continue;
        now.add(setId);
        if (!old.has(setId)) this.#acquire(data);
      }
    }
    owners.set(id, now);
    send();
    for (const setId of old) if (!now.has(setId)) this.#release(setId);
  }

  #releaseAll(owners: Map<string, ReadonlySet<string>>, id: string): void {
    const old = owners.get(id);
    owners.delete(id);
    for (const setId of old ?? []) this.#release(setId);
  }

  #acquire(data: IPSetData): void {
    const ref = this.#refs.get(data.id);
    if (ref !== undefined) {
      ref.count++;
      return;
    }
    this.#refs.set(data.id, { data, count: 1 });
    this.#sink.onIPSetAdded(data.id, data.type);
    this.#ipSets.onIPSetActive(data);
  }

  #release(setId: string): void {
    const ref = this.#refs.get(setId);
    if (ref === undefined) return;
    if (--ref.count > 0) return;
    this.#refs.delete(setId);
    this.#ipSets.onIPSetInactive(setId);
    this.#sink.onIPSetRemoved(setId);
  }
}

/** Converts one direction's rules (dropping those `convertRule` drops) and gives them ids. */
function scan(seed: string, rules: readonly ModelRule[]): ScannedRules {
  const ipSets = new Map<string, IPSetData>();
  const converted: RuleWithoutId[] = [];
  for (const rule of rules) {
    const result = convertRule(rule);
    if (result === undefined) continue;
    converted.push(result.rule);
    for (const set of result.ipSets) if (!ipSets.has(set.id)) ipSets.set(set.id, set);
  }
  return { rules: assignRuleIds(seed, converted), ipSets };
}

function denyAll(seed: string): ScannedRules {
  return { rules: assignRuleIds(seed, [DENY_ALL]), ipSets: new Map() };
}
