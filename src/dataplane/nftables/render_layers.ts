/**
 * One layer of a neutral ruleset -> nft chains and verdict maps: layer-prefixed names, the base
 * chains with their hooks and numeric priorities (reference/rules-rendering.md §8), only the
 * chains reachable from the hooks, rule hashes and comments.
 *
 * @module
 */
import { appendsHashKey, ruleHashes } from "../rules/rule_hash.ts";
import {
  actionTargets,
  type Chain,
  type IPVersion,
  type Layer,
  type Rule,
} from "../rules/rule_model.ts";
import { GenerationCache } from "../rules/generation_cache.ts";
import type { LayerRules } from "../rules/ruleset.ts";
import type { KernelHook } from "../rules/static_filter.ts";
import type { NftBaseChain, NftChain, NftMap, NftRule } from "./nft_model.ts";
import { dispatchMapName, nftChainName, renderRuleBody, ruleComment } from "./render_rule.ts";

/** The base chains of each layer: kernel chain name -> hook spec. */
export const BASE_CHAINS: Readonly<Record<Layer, readonly (readonly [string, NftBaseChain])[]>> = {
  filter: [
    ["INPUT", { type: "filter", hook: "input", priority: 0, policy: "accept" }],
    ["FORWARD", { type: "filter", hook: "forward", priority: 0, policy: "accept" }],
    ["OUTPUT", { type: "filter", hook: "output", priority: 0, policy: "accept" }],
  ],
  raw: [
    ["PREROUTING", { type: "filter", hook: "prerouting", priority: -300, policy: "accept" }],
    ["OUTPUT", { type: "filter", hook: "output", priority: -300, policy: "accept" }],
  ],
  mangle: [
    ["PREROUTING", { type: "filter", hook: "prerouting", priority: -150, policy: "accept" }],
    ["INPUT", { type: "filter", hook: "input", priority: -150, policy: "accept" }],
    ["FORWARD", { type: "filter", hook: "forward", priority: -150, policy: "accept" }],
    ["OUTPUT", { type: "route", hook: "output", priority: -150, policy: "accept" }],
    ["POSTROUTING", { type: "filter", hook: "postrouting", priority: -150, policy: "accept" }],
  ],
  nat: [
    ["PREROUTING", { type: "nat", hook: "prerouting", priority: -100, policy: "accept" }],
    ["INPUT", { type: "nat", hook: "input", priority: -100, policy: "accept" }],
    ["OUTPUT", { type: "nat", hook: "output", priority: 110, policy: "accept" }],
    ["POSTROUTING", { type: "nat", hook: "postrouting", priority: 110, policy: "accept" }],
  ],
};

/** The rendered content of one layer. */
export interface RenderedLayer {
  readonly chains: readonly NftChain[];
  readonly maps: readonly NftMap[];
  /** Ids of the sets the layer's rules match on; `true` where used as `ip-and-port`. */
  readonly sets: ReadonlyMap<string, boolean>;
}

/** One chain rendered, with what the layer needs to know about it. */
interface RenderedChain {
  readonly chain: NftChain;
  readonly maps: readonly NftMap[];
  /** Chain names its rules jump or go to (without layer prefix). */
  readonly targets: readonly string[];
  readonly sets: ReadonlyMap<string, boolean>;
}

/**
 * Chains of one layer and IP version rendered by the previous render, by the neutral chain (or
 * kernel hook) object they came from: the rules memo hands back the same objects for what did
 * not change, so their text and hashes are reused.
 */
export class LayerCache {
  readonly chains: GenerationCache<Chain, RenderedChain> = new GenerationCache();
  readonly hooks: GenerationCache<string, { hook: KernelHook; chain: RenderedChain }> =
    new GenerationCache();
  /** The last layer rendered and what it was rendered from. */
  last: { readonly rules: LayerRules; readonly layer: RenderedLayer } | undefined;

  /** The last rendered layer if `rules` holds the very same hooks and chains as then. */
  unchanged(rules: LayerRules): RenderedLayer | undefined {
    const last = this.last;
    if (last === undefined || !sameHooks(last.rules.hooks, rules.hooks)) return undefined;
    const a = last.rules.chains;
    const b = rules.chains;
    if (a.length !== b.length) return undefined;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return undefined;
    return last.layer;
  }

  nextGeneration(): void {
    this.chains.nextGeneration();
    this.hooks.nextGeneration();
  }
}

function sameHooks(
  a: ReadonlyMap<string, KernelHook>,
  b: ReadonlyMap<string, KernelHook>,
): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function nftRules(
  rules: readonly Rule[],
  version: IPVersion,
  layer: Layer,
  chainName: string,
  hashKey: string,
): NftRule[] {
  const bodies = rules.map((r) => renderRuleBody(r, version, layer, chainName));
  const hashes = ruleHashes(hashKey, bodies);
  return rules.map((r, i) => {
    const hash = hashes[i]!;
    const full = ruleComment(hash, r.comments);
    const head = `cali:${hash};`;
    const body = bodies[i]!;
    return full.length > head.length + 1
      ? { body, hash, comment: full.slice(head.length + 1) }
      : { body, hash };
  });
}

function dispatchMaps(chain: Chain, layer: Layer): NftMap[] {
  const maps: NftMap[] = [];
  for (const r of chain.rules) {
    if (r.action?.kind !== "dispatchMap") continue;
    const elements = new Map(
      r.action.entries.map((e) => [`"${e.iface}"`, `goto ${nftChainName(layer, e.target)}`]),
    );
    maps.push({ name: dispatchMapName(layer, chain.name), type: "ifname : verdict", elements });
  }
  return maps;
}

/** What the rules refer to: chains (targets) and sets (`true`: used as `ip-and-port`). */
function references(rules: readonly Rule[]): Pick<RenderedChain, "targets" | "sets"> {
  const targets: string[] = [];
  const sets = new Map<string, boolean>();
  for (const r of rules) {
    targets.push(...actionTargets(r.action));
    for (const t of r.match) {
      if (t.kind === "set") sets.set(t.setId, sets.get(t.setId) ?? false);
      if (t.kind === "ipPortSet") sets.set(t.setId, true);
    }
  }
  return { targets, sets };
}

function renderChain(chain: Chain, layer: Layer, version: IPVersion): RenderedChain {
  const name = nftChainName(layer, chain.name);
  return {
    chain: { name, rules: nftRules(chain.rules, version, layer, chain.name, name) },
    maps: dispatchMaps(chain, layer),
    ...references(chain.rules),
  };
}

function renderBase(
  layer: Layer,
  kernel: string,
  base: NftBaseChain,
  hook: KernelHook,
  version: IPVersion,
): RenderedChain {
  const name = `${layer}-${kernel}`;
  const rules = [
    ...nftRules(hook.inserts, version, layer, kernel, name),
    ...nftRules(hook.appends, version, layer, kernel, appendsHashKey(name)),
  ];
  return {
    chain: { name, base, rules },
    maps: [],
    ...references([...hook.inserts, ...hook.appends]),
  };
}

/** Names of the chains reachable from `roots` (targets missing from the layer included). */
function reachable(roots: readonly string[], targetsOf: (name: string) => readonly string[]) {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...targetsOf(name));
  }
  return seen;
}

function mergeSets(into: Map<string, boolean>, from: ReadonlyMap<string, boolean>): void {
  for (const [id, port] of from) into.set(id, port || (into.get(id) ?? false));
}

/** Renders the base chains of a layer into `out`; returns the chains they jump to. */
function renderBaseChains(
  layer: Layer,
  rules: LayerRules,
  version: IPVersion,
  cache: LayerCache,
  out: { readonly chains: NftChain[]; readonly sets: Map<string, boolean> },
): string[] {
  const roots: string[] = [];
  for (const [kernel, base] of BASE_CHAINS[layer]) {
    const hook = rules.hooks.get(kernel) ?? NO_HOOK;
    const r = cache.hooks.get(
      kernel,
      () => ({ hook, chain: renderBase(layer, kernel, base, hook, version) }),
      (x) => x.hook === hook,
    ).chain;
    out.chains.push(r.chain);
    roots.push(...r.targets);
    mergeSets(out.sets, r.sets);
  }
  return roots;
}

/**
 * Renders one layer: base chains first, then the reachable chains sorted by name. `cache` (of
 * this layer and IP version) reuses the chains rendered last time from the same objects.
 */
export function renderLayer(
  layer: Layer,
  rules: LayerRules,
  version: IPVersion,
  cache: LayerCache = new LayerCache(),
): RenderedLayer {
  const unchanged = cache.unchanged(rules);
  if (unchanged !== undefined) return unchanged;
  const byName = new Map<string, Chain>();
  for (const c of rules.chains) if (!byName.has(c.name)) byName.set(c.name, c);
  const rendered = (c: Chain) => cache.chains.get(c, () => renderChain(c, layer, version));
  const chains: NftChain[] = [];
  const sets = new Map<string, boolean>();
  const roots = renderBaseChains(layer, rules, version, cache, { chains, sets });
  const targetsOf = (name: string) => {
    const c = byName.get(name);
    return c === undefined ? [] : rendered(c).targets;
  };
  const maps: NftMap[] = [];
  for (const name of [...reachable(roots, targetsOf)].sort()) {
    const r = rendered(byName.get(name) ?? { name, rules: [] });
    chains.push(r.chain);
    maps.push(...r.maps);
    mergeSets(sets, r.sets);
  }
  cache.nextGeneration();
  const result = { chains, maps, sets };
  cache.last = { rules, layer: result };
  return result;
}

const NO_HOOK: KernelHook = { inserts: [], appends: [] };
