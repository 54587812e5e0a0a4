/**
 * The nftables renderer's entry: the render input -> `ip calico` and `ip6 calico` tables
 * (reference/rules-rendering.md §8). Pure and deterministic: the same input gives equal tables
 * and byte-identical script text.
 *
 * @module
 */
import type { IPSetType } from "../../proto/messages.ts";
import { nftSetName } from "../rules/names.ts";
import type { RenderInput } from "../rules/render_input.ts";
import { GenerationCache } from "../rules/generation_cache.ts";
import { type IPVersion, type Layer, LAYERS } from "../rules/rule_model.ts";
import { buildRuleset, type Ruleset, type RulesetIPSet, RulesetMemo } from "../rules/ruleset.ts";
import {
  CALICO_TABLE,
  type NftChain,
  type NftMap,
  type NftSet,
  type NftSetChange,
  type NftTable,
} from "./nft_model.ts";
import { LayerCache, renderLayer } from "./render_layers.ts";

/** The rendered tables: `ip calico`, and `ip6 calico` unless IPv6 is disabled. */
export interface RenderedTables {
  readonly ip: NftTable;
  /** `undefined` when `config.ipv6Enabled` is false (the reconciler removes `ip6 calico`). */
  readonly ip6: NftTable | undefined;
}

/** nftables' chain-name limit, so chain names are never hashed in nft mode. */
export const NFT_MAX_NAME = 256;

/** The nft set type and flags of an IP set type. */
export function nftSetType(type: IPSetType, version: IPVersion): { type: string; flags: string[] } {
  const addr = version === 4 ? "ipv4_addr" : "ipv6_addr";
  switch (type) {
    case "net":
      return { type: addr, flags: ["interval"] };
    case "ip":
      return { type: addr, flags: [] };
    case "ip-and-port":
      return { type: `${addr} . inet_proto . inet_service`, flags: [] };
  }
}

/** A member in nft element syntax (`10.0.0.1 . tcp . 8080` for ip-and-port). */
export function nftElement(type: IPSetType, member: string): string {
  if (type !== "ip-and-port") return member;
  const comma = member.lastIndexOf(",");
  const [proto = "", port = ""] = member.slice(comma + 1).split(":");
  return `${member.slice(0, comma)} . ${proto} . ${port}`;
}

function toNftSet(set: RulesetIPSet, version: IPVersion): NftSet {
  return {
    name: nftSetName(version, set.id),
    ...nftSetType(set.type, version),
    elements: set.members.map((m) => nftElement(set.type, m)),
  };
}

/**
 * What one IP version's renders reuse from the previous one: the rules memo (chains and sets
 * built from unchanged input objects), each layer's rendered chains, and the nft sets. A fresh
 * memo renders everything; the result never depends on the memo.
 */
export class TableMemo {
  readonly rules: RulesetMemo = new RulesetMemo();
  readonly layers: Readonly<Record<Layer, LayerCache>> = {
    filter: new LayerCache(),
    raw: new LayerCache(),
    mangle: new LayerCache(),
    nat: new LayerCache(),
  };
  readonly sets: GenerationCache<RulesetIPSet, NftSet> = new GenerationCache();
  readonly emptySets: GenerationCache<string, NftSet> = new GenerationCache();
  #version: IPVersion | undefined;

  /** Binds the memo to one IP version (its caches hold that version's text). */
  bind(version: IPVersion): void {
    if (this.#version === undefined) this.#version = version;
    if (this.#version !== version) {
      throw new TypeError(`Cannot render IPv${version} with the memo of IPv${this.#version}`);
    }
  }

  nextGeneration(): void {
    this.sets.nextGeneration();
    this.emptySets.nextGeneration();
  }
}

/** Renders the table of one IP version; `memo` (of this version) reuses unchanged parts. */
export function renderTable(
  input: RenderInput,
  version: IPVersion,
  memo: TableMemo = new TableMemo(),
): NftTable {
  memo.bind(version);
  const ruleset = buildRuleset(input, version, NFT_MAX_NAME, memo.rules);
  const { chains, maps, referenced } = renderAllLayers(ruleset, version, memo);
  const { sets, setChanges } = renderSets(ruleset.ipSets, referenced, version, memo);
  memo.nextGeneration();
  const family = version === 4 ? "ip" : "ip6";
  return setChanges.size === 0
    ? { family, name: CALICO_TABLE, chains, sets, maps }
    : { family, name: CALICO_TABLE, chains, sets, maps, setChanges };
}

/** The chains and maps of every layer, and the IP sets they use (by id: true if with ports). */
function renderAllLayers(ruleset: Ruleset, version: IPVersion, memo: TableMemo): {
  chains: Map<string, NftChain>;
  maps: Map<string, NftMap>;
  referenced: Map<string, boolean>;
} {
  const chains = new Map<string, NftChain>();
  const maps = new Map<string, NftMap>();
  const referenced = new Map<string, boolean>();
  for (const layer of LAYERS) {
    const rendered = renderLayer(layer, ruleset.layers[layer], version, memo.layers[layer]);
    for (const c of rendered.chains) chains.set(c.name, c);
    for (const mp of rendered.maps) maps.set(mp.name, mp);
    for (const [id, port] of rendered.sets) {
      referenced.set(id, port || (referenced.get(id) ?? false));
    }
  }
  return { chains, maps, referenced };
}

/** The nft sets: the ruleset's (patched where the memo can), then empty ones for the rest used. */
function renderSets(
  ipSets: readonly RulesetIPSet[],
  referenced: ReadonlyMap<string, boolean>,
  version: IPVersion,
  memo: TableMemo,
): { sets: Map<string, NftSet>; setChanges: Map<string, NftSetChange> } {
  const sets = new Map<string, NftSet>();
  const setChanges = new Map<string, NftSetChange>();
  for (const s of ipSets) {
    const name = nftSetName(version, s.id);
    sets.set(
      name,
      memo.sets.get(s, () => {
        const patched = patchedSet(memo, s);
        if (patched === undefined) return toNftSet(s, version);
        setChanges.set(name, patched.change);
        return patched.set;
      }),
    );
  }
  for (const [id, port] of referenced) {
    const name = nftSetName(version, id);
    if (sets.has(name)) continue;
    const type: IPSetType = port ? "ip-and-port" : "net";
    const empty = () => toNftSet({ id, type, members: [] }, version);
    sets.set(name, memo.emptySets.get(`${id}\0${type}`, empty));
  }
  return { sets, setChanges };
}

/**
 * The nft set of a family set that the rules memo patched from its predecessor, patched the same
 * way from the predecessor's nft set (element `i` renders member `i`), with the change.
 */
function patchedSet(
  memo: TableMemo,
  s: RulesetIPSet,
): { set: NftSet; change: NftSetChange } | undefined {
  const patch = memo.rules.ipSets.patchOf(s);
  const from = patch === undefined ? undefined : memo.sets.peek(patch.from);
  if (patch === undefined || from === undefined) return undefined;
  const elements = from.elements.slice();
  const added: string[] = [];
  const removed: string[] = [];
  for (const op of patch.ops) {
    if (op.insert === undefined) {
      removed.push(elements[op.at]!);
      elements.splice(op.at, 1);
    } else {
      const e = nftElement(s.type, op.insert);
      added.push(e);
      elements.splice(op.at, 0, e);
    }
  }
  return { set: { ...from, elements }, change: { from, added, removed } };
}

/** Renders the whole desired state of our nftables tables. Pure and deterministic. */
export function renderTables(input: RenderInput): RenderedTables {
  return {
    ip: renderTable(input, 4),
    ip6: input.config.ipv6Enabled ? renderTable(input, 6) : undefined,
  };
}

/**
 * An incremental `renderTables`: each render reuses what the previous one built from the same
 * input objects (the render state's snapshots share unchanged policies, endpoints and sets), so
 * one changed endpoint costs its own chains, not the whole ruleset. The tables equal those of
 * `renderTables(input)`, and unchanged chains, sets and maps are the very objects of the last
 * render, which lets the reconciler skip them by identity.
 */
export class NftRenderer {
  readonly #v4 = new TableMemo();
  readonly #v6 = new TableMemo();

  render(input: RenderInput): RenderedTables {
    return {
      ip: renderTable(input, 4, this.#v4),
      ip6: input.config.ipv6Enabled ? renderTable(input, 6, this.#v6) : undefined,
    };
  }
}
