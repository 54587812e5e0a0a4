/**
 * The reconciler's view of one table: what it believes is programmed (after a successful apply)
 * or what it read back from the kernel, normalised so that the two compare equal when the kernel
 * holds exactly the desired table. Rules are identified by their comment (`cali:<hash>; ...`),
 * as upstream does: the hash covers the rule body, so nft's reformatting of bodies never matters.
 *
 * @module
 */
import {
  dropCoveredPrefixes,
  normaliseElement,
  normaliseMapKey,
  normaliseVerdict,
} from "./nft_elements.ts";
import type {
  NftBaseChain,
  NftChain,
  NftMap,
  NftRule,
  NftSet,
  NftSetChange,
  NftTable,
} from "./nft_model.ts";

export { dropCoveredPrefixes, normaliseElement, normaliseMapKey, normaliseVerdict };

/** One chain: its hook spec (`undefined` for a regular chain) and its rules' comments. */
export interface ChainState {
  /** `type filter hook input priority 0 policy accept`, or undefined. */
  readonly base: string | undefined;
  /** Each rule's comment; a rule without one (not ours) is `""`. */
  readonly rules: readonly string[];
}

/** One named set: its spec (`ipv4_addr` / `ipv4_addr flags interval`) and normalised elements. */
export interface SetState {
  readonly spec: string;
  readonly elements: ReadonlySet<string>;
}

/** One verdict map: its spec (`ifname : verdict`) and key -> verdict, both normalised. */
export interface MapState {
  readonly spec: string;
  readonly elements: ReadonlyMap<string, string>;
}

/** How a set's state was made from an earlier one: exact, in normalised elements. */
export interface SetStateChange {
  readonly from: SetState;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** A table's content as the reconciler compares it. */
export interface TableState {
  readonly chains: ReadonlyMap<string, ChainState>;
  readonly sets: ReadonlyMap<string, SetState>;
  readonly maps: ReadonlyMap<string, MapState>;
  /** Optional, by set name: sets patched from an earlier state (the planner may use it). */
  readonly setChanges?: ReadonlyMap<string, SetStateChange>;
}

/** The comment a rule carries in the kernel: `cali:<hash>;` plus its text, if any. */
export function ruleComment(rule: NftRule): string {
  const text = rule.comment === undefined || rule.comment === "" ? "" : ` ${rule.comment}`;
  // nft strings cannot escape a double quote; upstream comments never hold one.
  return `cali:${rule.hash};${text}`.replaceAll('"', "'");
}

/** The normalised hook spec of a base chain. */
export function baseSpec(base: NftBaseChain | undefined): string | undefined {
  if (base === undefined) return undefined;
  const policy = base.policy ?? "accept";
  return `type ${base.type} hook ${base.hook} priority ${base.priority} policy ${policy}`;
}

/** The normalised spec of a set: its type, then its flags (sorted). */
export function setSpec(type: string, flags: readonly string[]): string {
  const t = type.split(".").map((p) => p.trim()).join(" . ");
  return flags.length === 0 ? t : `${t} flags ${[...flags].sort().join(",")}`;
}

function desiredChain(c: NftChain): ChainState {
  return { base: baseSpec(c.base), rules: c.rules.map(ruleComment) };
}

/**
 * A set's state, and whether a change can patch it (every element normalises to a distinct one,
 * and in an interval set none is a prefix, so none covers another); `before` (element ->
 * normalised, of an earlier version of the set) saves normalising the elements that stayed, and
 * `seen` collects this version's for the next one.
 */
function desiredSet(
  s: NftSet,
  before: ReadonlyMap<string, string> | undefined,
  seen: Map<string, string>,
): { state: SetState; patchable: boolean } {
  const normalised = new Set<string>();
  for (const e of s.elements) {
    const n = before?.get(e) ?? normaliseElement(e);
    seen.set(e, n);
    normalised.add(n);
  }
  const injective = normalised.size === s.elements.length;
  const spec = setSpec(s.type, s.flags);
  if (!s.flags.includes("interval")) {
    return { state: { spec, elements: normalised }, patchable: injective };
  }
  // Bare addresses cover nothing: nothing to drop, and a change of bare addresses keeps it so.
  const bare = ![...normalised].some((e) => e.includes("/"));
  const elements = bare ? normalised : new Set(dropCoveredPrefixes([...normalised]));
  return { state: { spec, elements }, patchable: injective && bare };
}

/** `prev` with `change` applied, or undefined when it does not apply exactly. */
function patchedSet(
  s: NftSet,
  prev: SetState,
  change: NftSetChange,
): { state: SetState; change: SetStateChange } | undefined {
  if (setSpec(s.type, s.flags) !== prev.spec) return undefined;
  const added = change.added.map(normaliseElement);
  const removed = change.removed.map(normaliseElement);
  if (s.flags.includes("interval") && added.some((e) => e.includes("/"))) return undefined;
  const elements = new Set(prev.elements);
  for (const r of removed) if (!elements.delete(r)) return undefined;
  for (const a of added) {
    if (elements.has(a)) return undefined;
    elements.add(a);
  }
  if (elements.size !== s.elements.length) return undefined;
  const state = { spec: prev.spec, elements };
  return { state, change: { from: prev, added, removed } };
}

function desiredMap(m: NftMap): MapState {
  const elements = new Map<string, string>();
  for (const [k, v] of m.elements) elements.set(normaliseMapKey(k), normaliseVerdict(v));
  return { spec: setSpec(m.type.replace(/\s*:\s*/, " : "), []), elements };
}

/**
 * Remembers the state of each chain, set and map object it was given, so that a renderer that
 * hands back the same objects for unchanged content costs nothing here, and the planner can
 * skip them by identity. Objects of an `NftTable` are never mutated (STYLE rule 5).
 */
export class NftStateCache {
  readonly #chains = new WeakMap<NftChain, ChainState>();
  readonly #sets = new WeakMap<NftSet, SetState>();
  readonly #maps = new WeakMap<NftMap, MapState>();
  /** Per set name: element -> normalised element, of the last version of that set seen. */
  #normalised = new Map<string, ReadonlyMap<string, string>>();
  /** Normalisations made by the running `stateOf` call, by set name. */
  readonly #seen = new Map<string, ReadonlyMap<string, string>>();
  /** Set states a change may patch (see `desiredSet`). */
  readonly #patchable = new WeakSet<SetState>();
  /** How a set state was patched from the one before it (one step back only). */
  readonly #changes = new WeakMap<SetState, SetStateChange>();

  /** The state a table is in once `table` has been applied. */
  stateOf(table: NftTable): TableState {
    const chains = new Map<string, ChainState>();
    for (const [name, c] of table.chains) chains.set(name, cached(this.#chains, c, desiredChain));
    const sets = new Map<string, SetState>();
    const setChanges = new Map<string, SetStateChange>();
    const normalised = new Map<string, ReadonlyMap<string, string>>();
    for (const [name, s] of table.sets) {
      const state = this.#sets.get(s) ?? this.#setState(name, s, table.setChanges?.get(name));
      const seen = this.#normalised.get(name);
      if (seen !== undefined) normalised.set(name, seen);
      const change = this.#changes.get(state);
      if (change !== undefined) setChanges.set(name, change);
      sets.set(name, state);
    }
    for (const [name, seen] of this.#seen) normalised.set(name, seen);
    this.#seen.clear();
    this.#normalised = normalised;
    const maps = new Map<string, MapState>();
    for (const [name, m] of table.maps) maps.set(name, cached(this.#maps, m, desiredMap));
    return setChanges.size === 0 ? { chains, sets, maps } : { chains, sets, maps, setChanges };
  }

  /** The state of a set object not seen before: patched from its predecessor, or built. */
  #setState(name: string, s: NftSet, change: NftSetChange | undefined): SetState {
    const prev = change === undefined ? undefined : this.#sets.get(change.from);
    const patched = prev === undefined || !this.#patchable.has(prev)
      ? undefined
      : patchedSet(s, prev, change!);
    if (patched !== undefined) {
      this.#sets.set(s, patched.state);
      this.#patchable.add(patched.state);
      this.#changes.delete(prev!);
      this.#changes.set(patched.state, patched.change);
      return patched.state;
    }
    const seen = new Map<string, string>();
    const built = desiredSet(s, this.#normalised.get(name), seen);
    this.#seen.set(name, seen);
    this.#sets.set(s, built.state);
    if (built.patchable) this.#patchable.add(built.state);
    return built.state;
  }
}

function cached<K extends object, V>(memo: WeakMap<K, V>, key: K, make: (k: K) => V): V {
  let v = memo.get(key);
  if (v === undefined) memo.set(key, v = make(key));
  return v;
}

/** The state a table is in once `table` has been applied. */
export function stateOf(table: NftTable): TableState {
  return new NftStateCache().stateOf(table);
}

/** An empty table (just created). */
export const EMPTY_TABLE_STATE: TableState = {
  chains: new Map(),
  sets: new Map(),
  maps: new Map(),
};
