/**
 * What `buildRuleset` reuses from its previous build of the same IP version, so that one change
 * (an endpoint, a policy, a set) rebuilds only the chains and sets it feeds. Each entry is keyed
 * by the input objects it was built from (the render state hands out a new object for every
 * change and never mutates one it handed out) plus whatever else it reads: an endpoint's chains
 * also depend on the selectors of its policies (policy groups). Everything is dropped when the
 * rules context (config, IP version, name limit) changes; what a build did not use is dropped at
 * its end. A fresh memo computes everything, so builds with and without one are identical.
 *
 * @module
 */
import type {
  HostEndpoint,
  Policy,
  PolicyID,
  TierInfo,
  WorkloadEndpoint,
} from "../../proto/messages.ts";
import { policyIdString } from "../../proto/messages.ts";
import { workloadDispatchChains } from "./dispatch.ts";
import {
  hostDispatchChains,
  hostEndpointChains,
  type HostEndpointOnIface,
  type HostLayerChains,
  workloadChains,
} from "./endpoint_sets.ts";
import { GenerationCache } from "./generation_cache.ts";
import { policyChains, profileChains } from "./policy_chains.ts";
import {
  groupChain,
  groupPolicies,
  type PolicyDirection,
  type PolicyGroup,
} from "./policy_groups.ts";
import type { RenderProfile, RulesConfig } from "./render_input.ts";
import { type RulesContext, rulesContext } from "./rules_context.ts";
import type { Chain, IPVersion } from "./rule_model.ts";
import { IPSetCache } from "./ip_set_cache.ts";
import { staticFilter } from "./static_filter.ts";
import { type StaticLayer, staticMangle, staticNat, staticRaw } from "./static_other.ts";

/** The selectors of the policies an endpoint's tiers name, in order: what its groups depend on. */
function selectorSignature(
  tierLists: readonly (readonly TierInfo[])[],
  policies: ReadonlyMap<string, Policy>,
): string {
  const parts: string[] = [];
  for (const tiers of tierLists) {
    for (const tier of tiers) {
      for (const id of tier.ingressPolicies) {
        parts.push(policies.get(policyIdString(id))?.originalSelector ?? "");
      }
      parts.push("\u0001");
      for (const id of tier.egressPolicies) {
        parts.push(policies.get(policyIdString(id))?.originalSelector ?? "");
      }
      parts.push("\u0002");
    }
  }
  return parts.join("\u0000");
}

function hepTierLists(e: HostEndpoint): readonly (readonly TierInfo[])[] {
  return [e.tiers, e.forwardTiers, e.preDNATTiers, e.untrackedTiers];
}

interface Built<K, V> {
  readonly from: K;
  readonly value: V;
}

/** An endpoint's chains and the endpoint, policy selectors (and map) they were built from. */
interface EndpointBuilt<V> {
  readonly endpoint: object;
  readonly policies: ReadonlyMap<string, Policy>;
  readonly sig: string;
  readonly value: V;
}

/** What one endpoint's tier list refers to: its policies (by id string) and its group chains. */
export interface TierRefs {
  readonly policies: readonly (readonly [string, PolicyID])[];
  readonly groups: readonly Chain[];
}

/** The reusable parts of one IP version's ruleset. */
export class RulesetMemo {
  #ctx: RulesContext | undefined;
  #filter: ReturnType<typeof staticFilter> | undefined;
  #mangle: StaticLayer | undefined;
  /** The family IP sets. */
  readonly ipSets: IPSetCache = new IPSetCache();
  readonly #policies = new GenerationCache<string, Built<Policy, readonly Chain[]>>();
  readonly #groups = new GenerationCache<string, Chain>();
  readonly #profiles = new GenerationCache<string, Built<RenderProfile, readonly Chain[]>>();
  readonly #tierRefs = new GenerationCache<
    readonly TierInfo[],
    Built<ReadonlyMap<string, Policy>, TierRefs>
  >();
  readonly #workloads = new GenerationCache<WorkloadEndpoint, EndpointBuilt<readonly Chain[]>>();
  /** By interface: one host endpoint object may apply to several interfaces. */
  readonly #heps = new GenerationCache<string, EndpointBuilt<HostLayerChains>>();
  readonly #raw = new GenerationCache<string, StaticLayer>();
  readonly #nat = new GenerationCache<boolean, StaticLayer>();
  readonly #wlDispatch = new GenerationCache<string, readonly Chain[]>();
  readonly #hepDispatch = new GenerationCache<string, HostLayerChains>();

  /** The rules context; a different one than last time forgets everything built. */
  context(config: RulesConfig, version: IPVersion, maxNameLength: number): RulesContext {
    const c = this.#ctx;
    if (c?.config === config && c.version === version && c.maxNameLength === maxNameLength) {
      return c;
    }
    for (const cache of this.#caches()) cache.clear();
    this.ipSets.clear();
    this.#filter = undefined;
    this.#mangle = undefined;
    return this.#ctx = rulesContext(config, version, maxNameLength);
  }

  /** Ends a build: entries it did not use are dropped. */
  nextGeneration(): void {
    for (const cache of this.#caches()) cache.nextGeneration();
  }

  #caches(): { clear(): void; nextGeneration(): void }[] {
    return [
      this.#policies,
      this.#groups,
      this.#tierRefs,
      this.#profiles,
      this.#workloads,
      this.#heps,
      this.#raw,
      this.#nat,
      this.#wlDispatch,
      this.#hepDispatch,
    ];
  }

  policyChains(ctx: RulesContext, key: string, id: PolicyID, policy: Policy): readonly Chain[] {
    return this.#policies.get(
      key,
      () => ({ from: policy, value: policyChains(ctx, id, policy) }),
      (b) => b.from === policy,
    ).value;
  }

  /** The policies `tiers` names and the group chains its policy lists form. */
  tierRefs(
    ctx: RulesContext,
    tiers: readonly TierInfo[],
    policies: ReadonlyMap<string, Policy>,
  ): TierRefs {
    const build = (): TierRefs => {
      const ids: (readonly [string, PolicyID])[] = [];
      const groups: Chain[] = [];
      for (const tier of tiers) {
        const lists = [["ingress", tier.ingressPolicies], ["egress", tier.egressPolicies]] as const;
        for (const [dir, list] of lists) {
          for (const id of list) ids.push([policyIdString(id), id]);
          for (const g of groupPolicies(list, policies)) {
            if (g.policies.length >= 2) groups.push(this.groupChain(ctx, g, dir));
          }
        }
      }
      return { policies: ids, groups };
    };
    return this.#tierRefs.get(
      tiers,
      () => ({ from: policies, value: build() }),
      (b) => b.from === policies,
    ).value;
  }

  groupChain(ctx: RulesContext, group: PolicyGroup, dir: PolicyDirection): Chain {
    const key = [dir, group.selector, ...group.policies.map(policyIdString)].join("\u0000");
    return this.#groups.get(key, () => groupChain(ctx, group, dir));
  }

  profileChains(ctx: RulesContext, id: string, profile: RenderProfile): readonly Chain[] {
    return this.#profiles.get(
      id,
      () => ({ from: profile, value: profileChains(ctx, id, profile) }),
      (b) => b.from === profile,
    ).value;
  }

  workloadChains(
    ctx: RulesContext,
    wep: WorkloadEndpoint,
    policies: ReadonlyMap<string, Policy>,
  ): readonly Chain[] {
    return this.#endpoint(
      this.#workloads,
      wep,
      wep,
      () => selectorSignature([wep.tiers], policies),
      policies,
      () => workloadChains(ctx, wep, policies),
    );
  }

  hostEndpointChains(
    ctx: RulesContext,
    hep: HostEndpointOnIface,
    policies: ReadonlyMap<string, Policy>,
  ): HostLayerChains {
    return this.#endpoint(
      this.#heps,
      hep.iface,
      hep.endpoint,
      () => selectorSignature(hepTierLists(hep.endpoint), policies),
      policies,
      () => hostEndpointChains(ctx, hep, policies),
    );
  }

  /**
   * An endpoint's chains, reused while the endpoint object is the same and either the policy map
   * is the same object or the selectors its policy groups depend on are unchanged.
   */
  #endpoint<K, V>(
    cache: GenerationCache<K, EndpointBuilt<V>>,
    key: K,
    endpoint: object,
    signature: () => string,
    policies: ReadonlyMap<string, Policy>,
    build: () => V,
  ): V {
    let sig: string | undefined;
    const sigNow = () => sig ??= signature();
    return cache.get(
      key,
      () => ({ endpoint, policies, sig: sigNow(), value: build() }),
      (b) => b.endpoint === endpoint && (b.policies === policies || b.sig === sigNow()),
    ).value;
  }

  hostDispatchChains(ctx: RulesContext, heps: readonly HostEndpointOnIface[]): HostLayerChains {
    const key = heps.map((h) => {
      const e = h.endpoint;
      return `${h.iface}\u0000${e.preDNATTiers.length > 0}\u0000${e.untrackedTiers.length > 0}`;
    }).join("\u0001");
    return this.#hepDispatch.get(key, () => hostDispatchChains(ctx, heps));
  }

  workloadDispatchChains(ctx: RulesContext, ifaces: readonly string[]): readonly Chain[] {
    return this.#wlDispatch.get(ifaces.join("\u0000"), () => workloadDispatchChains(ctx, ifaces));
  }

  staticFilter(ctx: RulesContext): ReturnType<typeof staticFilter> {
    return this.#filter ??= staticFilter(ctx);
  }

  staticMangle(ctx: RulesContext): StaticLayer {
    return this.#mangle ??= staticMangle(ctx);
  }

  /** The raw layer: it depends on the workloads only through their allowed spoofed sources. */
  staticRaw(ctx: RulesContext, weps: readonly WorkloadEndpoint[]): StaticLayer {
    const spoofing = weps.filter((w) => w.allowSpoofedSourcePrefixes.length > 0);
    const key = JSON.stringify(spoofing.map((w) => [w.name, w.allowSpoofedSourcePrefixes]));
    return this.#raw.get(key, () => staticRaw(ctx, spoofing));
  }

  staticNat(ctx: RulesContext, natOutgoingActive: boolean): StaticLayer {
    return this.#nat.get(natOutgoingActive, () => staticNat(ctx, natOutgoingActive));
  }
}
