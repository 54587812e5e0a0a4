/**
 * The whole backend-neutral ruleset of one IP version: per layer, the jumps from the kernel
 * chains and every chain we own (backends program only the chains reachable from the hooks),
 * plus the IP sets of this family.
 *
 * @module
 */
import { ipFamilyOf } from "../../lib/ip.ts";
import { compareStrings } from "../../lib/order.ts";
import type {
  HostEndpoint,
  Policy,
  PolicyID,
  TierInfo,
  WorkloadEndpoint,
} from "../../proto/messages.ts";
import type { HostEndpointOnIface, HostLayerChains } from "./endpoint_sets.ts";
import { ruleIPSets, type RulesetIPSet } from "./ruleset_ipsets.ts";
import { RulesetMemo } from "./ruleset_memo.ts";
import { ALL_INTERFACES } from "./names.ts";
import type { RenderInput } from "./render_input.ts";
import type { RulesContext } from "./rules_context.ts";
import type { Chain, IPVersion, Layer } from "./rule_model.ts";
import type { KernelHook } from "./static_filter.ts";

export type { RulesetIPSet } from "./ruleset_ipsets.ts";
export { RulesetMemo } from "./ruleset_memo.ts";

/** One layer: kernel-chain hooks (by kernel chain name, e.g. `INPUT`) and our chains. */
export interface LayerRules {
  readonly hooks: ReadonlyMap<string, KernelHook>;
  readonly chains: readonly Chain[];
}

/** The ruleset of one IP version. */
export interface Ruleset {
  readonly version: IPVersion;
  readonly layers: Readonly<Record<Layer, LayerRules>>;
  readonly ipSets: readonly RulesetIPSet[];
}

const EMPTY_PROFILE = { inboundRules: [], outboundRules: [] } as const;

const EMPTY_POLICY: Policy = {
  tier: "",
  namespace: "",
  inboundRules: [],
  outboundRules: [],
  untracked: false,
  preDNAT: false,
  originalSelector: "",
  performanceHints: [],
};

/** Local workloads by interface: for a duplicated name the lowest endpoint id wins. */
function workloadsByIface(input: RenderInput): WorkloadEndpoint[] {
  const byIface = new Map<string, WorkloadEndpoint>();
  for (const id of [...input.workloadEndpoints.keys()].sort()) {
    const wep = input.workloadEndpoints.get(id)!;
    if (!byIface.has(wep.name)) byIface.set(wep.name, wep);
  }
  return [...byIface.keys()].sort().map((k) => byIface.get(k)!);
}

/** Local host endpoints by interface (`*` -> `any-interface-at-all`); lowest id wins. */
function hostEndpointsByIface(input: RenderInput): HostEndpointOnIface[] {
  const byIface = new Map<string, HostEndpoint>();
  for (const id of [...input.hostEndpoints.keys()].sort()) {
    const hep = input.hostEndpoints.get(id)!;
    const iface = hep.interfaceName === "*" ? ALL_INTERFACES : hep.interfaceName;
    if (iface !== "" && !byIface.has(iface)) byIface.set(iface, hep.endpoint);
  }
  return [...byIface.keys()].sort().map((iface) => ({ iface, endpoint: byIface.get(iface)! }));
}

/** Every tier list of the local endpoints. */
function allTierLists(weps: readonly WorkloadEndpoint[], heps: readonly HostEndpointOnIface[]) {
  const lists: (readonly TierInfo[])[] = weps.map((w) => w.tiers);
  for (const { endpoint: e } of heps) {
    lists.push(e.tiers, e.forwardTiers, e.preDNATTiers, e.untrackedTiers);
  }
  return lists;
}

/**
 * Policy and group chains for every policy a local endpoint references (a policy missing from
 * the input renders as an empty chain: no verdict, so the end-of-tier drop applies), by id.
 */
function policyLayerChains(
  ctx: RulesContext,
  input: RenderInput,
  tierLists: readonly (readonly TierInfo[])[],
  memo: RulesetMemo,
): Chain[] {
  const ids = new Map<string, PolicyID>();
  const groups = new Map<string, Chain>();
  for (const tiers of tierLists) {
    const refs = memo.tierRefs(ctx, tiers, input.policies);
    for (const [key, id] of refs.policies) ids.set(key, id);
    for (const chain of refs.groups) groups.set(chain.name, chain);
  }
  // Sorted, so that the list (and the layers holding it) is the same whatever endpoint changed.
  const chains: Chain[] = [];
  for (const key of [...ids.keys()].sort()) {
    const id = ids.get(key)!;
    chains.push(...memo.policyChains(ctx, key, id, input.policies.get(key) ?? EMPTY_POLICY));
  }
  const byName = (x: Chain, y: Chain) => compareStrings(x.name, y.name);
  return [...chains, ...[...groups.values()].sort(byName)];
}

/** Profile chains for every profile a local endpoint names (missing ones empty: no accept). */
function profileLayerChains(
  ctx: RulesContext,
  input: RenderInput,
  ids: readonly string[],
  memo: RulesetMemo,
): Chain[] {
  const all = new Set(ids);
  return [...all].sort().flatMap((id) =>
    memo.profileChains(ctx, id, input.profiles.get(id) ?? EMPTY_PROFILE)
  );
}

/** What the layers are made of: the static layers and the chains of the local endpoints. */
interface LayerParts {
  readonly filter: LayerRules;
  readonly raw: LayerRules;
  readonly mangle: LayerRules;
  readonly nat: LayerRules;
  readonly policies: readonly Chain[];
  readonly profiles: readonly Chain[];
  readonly hepChains: readonly HostLayerChains[];
  readonly hepDispatch: HostLayerChains;
  readonly wepChains: readonly Chain[];
  readonly wepDispatch: readonly Chain[];
}

/** Whether an IP pool of `version` masquerades outgoing traffic. */
function natOutgoingActive(input: RenderInput, version: IPVersion): boolean {
  return [...input.ipPools.values()].some((p) => p.masquerade && ipFamilyOf(p.cidr) === version);
}

/**
 * Builds the ruleset of `version` for a backend with chain names up to `maxNameLength`. With a
 * `memo` of earlier builds (one per IP version), only what changed since is built again; the
 * result is the same.
 */
export function buildRuleset(
  input: RenderInput,
  version: IPVersion,
  maxNameLength: number,
  memo: RulesetMemo = new RulesetMemo(),
): Ruleset {
  const ctx = memo.context(input.config, version, maxNameLength);
  const weps = workloadsByIface(input);
  const heps = hostEndpointsByIface(input);
  const profileIds = [
    ...weps.flatMap((w) => w.profileIds),
    ...heps.flatMap((h) => h.endpoint.profileIds),
  ];
  const parts: LayerParts = {
    policies: policyLayerChains(ctx, input, allTierLists(weps, heps), memo),
    profiles: profileLayerChains(ctx, input, profileIds, memo),
    hepChains: heps.map((h) => memo.hostEndpointChains(ctx, h, input.policies)),
    hepDispatch: memo.hostDispatchChains(ctx, heps),
    filter: memo.staticFilter(ctx),
    raw: memo.staticRaw(ctx, weps),
    mangle: memo.staticMangle(ctx),
    nat: memo.staticNat(ctx, natOutgoingActive(input, version)),
    wepChains: weps.flatMap((w) => memo.workloadChains(ctx, w, input.policies)),
    wepDispatch: memo.workloadDispatchChains(ctx, weps.map((w) => w.name)),
  };
  const ipSets = ruleIPSets(input, version, memo.ipSets);
  memo.nextGeneration();
  return { version, ipSets, layers: layersOf(parts) };
}

/** Places the parts into the layers, in the order the backends program them. */
function layersOf(p: LayerParts): Readonly<Record<Layer, LayerRules>> {
  return {
    filter: {
      hooks: p.filter.hooks,
      chains: [
        ...p.filter.chains,
        ...p.wepDispatch,
        ...p.wepChains,
        ...p.hepDispatch.filter,
        ...p.hepChains.flatMap((c) => c.filter),
        ...p.policies,
        ...p.profiles,
      ],
    },
    raw: {
      hooks: p.raw.hooks,
      chains: [
        ...p.raw.chains,
        ...p.hepDispatch.raw,
        ...p.hepChains.flatMap((c) => c.raw),
        ...p.policies,
      ],
    },
    mangle: {
      hooks: p.mangle.hooks,
      chains: [
        ...p.mangle.chains,
        ...p.hepDispatch.mangle,
        ...p.hepChains.flatMap((c) => c.mangle),
        ...p.policies,
        ...p.profiles,
      ],
    },
    nat: { hooks: p.nat.hooks, chains: p.nat.chains },
  };
}
