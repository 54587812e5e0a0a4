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
import type { LayerRules } from "../rules/ruleset.ts";
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
  /** Every rule, for set-reference collection. */
  readonly rules: readonly Rule[];
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

/** Names of the chains reachable from `roots` (targets missing from `byName` included). */
function reachable(roots: readonly Rule[], byName: ReadonlyMap<string, Chain>): Set<string> {
  const seen = new Set<string>();
  const queue = roots.flatMap((r) => actionTargets(r.action));
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const r of byName.get(name)?.rules ?? []) queue.push(...actionTargets(r.action));
  }
  return seen;
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

/** Renders one layer: base chains first, then the reachable chains sorted by name. */
export function renderLayer(layer: Layer, rules: LayerRules, version: IPVersion): RenderedLayer {
  const byName = new Map<string, Chain>();
  for (const c of rules.chains) if (!byName.has(c.name)) byName.set(c.name, c);
  const chains: NftChain[] = [];
  const allRules: Rule[] = [];
  const roots: Rule[] = [];
  for (const [kernel, base] of BASE_CHAINS[layer]) {
    const hook = rules.hooks.get(kernel) ?? { inserts: [], appends: [] };
    const name = `${layer}-${kernel}`;
    const nft = [
      ...nftRules(hook.inserts, version, layer, kernel, name),
      ...nftRules(hook.appends, version, layer, kernel, appendsHashKey(name)),
    ];
    chains.push({ name, base, rules: nft });
    roots.push(...hook.inserts, ...hook.appends);
  }
  allRules.push(...roots);
  const maps: NftMap[] = [];
  for (const name of [...reachable(roots, byName)].sort()) {
    const chain = byName.get(name) ?? { name, rules: [] };
    const full = nftChainName(layer, name);
    chains.push({ name: full, rules: nftRules(chain.rules, version, layer, name, full) });
    maps.push(...dispatchMaps(chain, layer));
    allRules.push(...chain.rules);
  }
  return { chains, maps, rules: allRules };
}
