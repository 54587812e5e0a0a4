/**
 * The item side of the label index: items with their own labels and an ordered list of parents,
 * the parents' labels, and an index of who carries which label.
 *
 * Items that list the same parents in the same order share one parent chain, whose labels are
 * merged once (first parent wins). An item's effective lookup is then two map reads: its own
 * labels, then its chain's. Real clusters have few distinct chains (namespace + service account).
 */
import type { Labels } from "../selector/mod.ts";
import { addToNestedSet, deleteFromNestedSet } from "../lib/multidict.ts";

/** Labels as callers hand them over; they are copied before storing. */
export type LabelInput = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

interface Parent {
  /** Undefined while the parent is referenced but has no labels (yet). */
  labels: ReadonlyMap<string, string> | undefined;
  readonly chains: Set<Chain>;
}

/** One distinct ordered parent list and the items that use it. */
interface Chain {
  readonly key: string;
  readonly parentIds: readonly string[];
  readonly parents: readonly Parent[];
  /** The parents' labels merged in list order; replaced, never mutated, when a parent changes. */
  merged: ReadonlyMap<string, string>;
  readonly items: Set<string>;
}

const NO_LABELS: ReadonlyMap<string, string> = new Map();

/** An item's effective labels: own labels first, then its parents' in list order. */
export class LabelledItem implements Labels {
  readonly id: string;
  readonly own: ReadonlyMap<string, string>;
  readonly #chain: Chain;

  constructor(id: string, own: ReadonlyMap<string, string>, chain: Chain) {
    this.id = id;
    this.own = own;
    this.#chain = chain;
  }

  get parentIds(): readonly string[] {
    return this.#chain.parentIds;
  }

  get(key: string): string | undefined {
    return this.own.get(key) ?? this.#chain.merged.get(key);
  }

  /** Visits every effective (key, value) once; shadowed parent labels are skipped. */
  forEachLabel(visit: (key: string, value: string) => void): void {
    for (const [key, value] of this.own) visit(key, value);
    for (const [key, value] of this.#chain.merged) if (!this.own.has(key)) visit(key, value);
  }
}

/** A multimap from a label (key, value) to the ids that carry it; empty levels are dropped. */
class LabelValueIndex {
  readonly #byKey = new Map<string, Map<string, Set<string>>>();

  addAll(labels: ReadonlyMap<string, string>, id: string): void {
    for (const [key, value] of labels) addToNestedSet(this.#byKey, key, value, id);
  }

  deleteAll(labels: ReadonlyMap<string, string>, id: string): void {
    for (const [key, value] of labels) deleteFromNestedSet(this.#byKey, key, value, id);
  }

  /** The id sets for `key` with one of `values`, or with any value when `values` is undefined. */
  *idSets(key: string, values: ReadonlySet<string> | undefined): Generator<ReadonlySet<string>> {
    const byValue = this.#byKey.get(key);
    if (byValue === undefined) return;
    if (values === undefined) {
      yield* byValue.values();
      return;
    }
    for (const value of values) {
      const ids = byValue.get(value);
      if (ids !== undefined) yield ids;
    }
  }
}

export class InheritedLabels {
  readonly #items = new Map<string, LabelledItem>();
  readonly #parents = new Map<string, Parent>();
  readonly #chains = new Map<string, Chain>();
  /** Items by their own labels; chains by their merged labels. */
  readonly #ownIndex = new LabelValueIndex();
  readonly #chainIndex = new LabelValueIndex();

  get itemCount(): number {
    return this.#items.size;
  }

  get parentCount(): number {
    return this.#parents.size;
  }

  get chainCount(): number {
    return this.#chains.size;
  }

  items(): IterableIterator<LabelledItem> {
    return this.#items.values();
  }

  /** Stores an item; returns it, or undefined when labels and parents are unchanged. */
  setItem(id: string, labels: LabelInput, parentIds: readonly string[]): LabelledItem | undefined {
    const old = this.#items.get(id);
    let own = toLabelMap(labels);
    const sameOwn = old !== undefined && sameLabels(old.own, own);
    if (sameOwn && sameIds(old.parentIds, parentIds)) return undefined;
    const chain = this.#chainFor(parentIds);
    chain.items.add(id);
    if (old !== undefined && !sameIds(old.parentIds, parentIds)) {
      this.#leaveChain(id, old.parentIds);
    }
    if (sameOwn) {
      own = old.own;
    } else {
      if (old !== undefined) this.#ownIndex.deleteAll(old.own, id);
      this.#ownIndex.addAll(own, id);
    }
    const item = new LabelledItem(id, own, chain);
    this.#items.set(id, item);
    return item;
  }

  /** Forgets an item; unknown ids are ignored. */
  deleteItem(id: string): void {
    const item = this.#items.get(id);
    if (item === undefined) return;
    this.#ownIndex.deleteAll(item.own, id);
    this.#leaveChain(id, item.parentIds);
    this.#items.delete(id);
  }

  /** Sets a parent's labels; returns the items whose inherited labels changed. */
  setParentLabels(parentId: string, labels: LabelInput): LabelledItem[] {
    const next = toLabelMap(labels);
    const parent = this.#parent(parentId);
    if (parent.labels !== undefined && sameLabels(parent.labels, next)) return [];
    parent.labels = next;
    return this.#remerge(parent);
  }

  /** Forgets a parent's labels; returns the items whose inherited labels changed. */
  deleteParentLabels(parentId: string): LabelledItem[] {
    const parent = this.#parents.get(parentId);
    if (parent?.labels === undefined) return [];
    parent.labels = undefined;
    const changed = this.#remerge(parent);
    if (parent.chains.size === 0) this.#parents.delete(parentId);
    return changed;
  }

  /**
   * Visits the items that carry `key` (with one of `values`, or any value when undefined), own or
   * inherited. A superset: an item whose own label shadows a matching inherited one is included,
   * and an item may be visited twice.
   */
  forEachCarrier(
    key: string,
    values: ReadonlySet<string> | undefined,
    visit: (item: LabelledItem) => void,
  ): void {
    for (const ids of this.#ownIndex.idSets(key, values)) {
      for (const id of ids) this.#visit(id, visit);
    }
    for (const chainKeys of this.#chainIndex.idSets(key, values)) {
      for (const chainKey of chainKeys) {
        const items = this.#chains.get(chainKey)?.items ?? [];
        for (const id of items) this.#visit(id, visit);
      }
    }
  }

  /** How many visits `forEachCarrier` would make, without making them. */
  carrierCount(key: string, values: ReadonlySet<string> | undefined): number {
    let count = 0;
    for (const ids of this.#ownIndex.idSets(key, values)) count += ids.size;
    for (const chainKeys of this.#chainIndex.idSets(key, values)) {
      for (const chainKey of chainKeys) count += this.#chains.get(chainKey)?.items.size ?? 0;
    }
    return count;
  }

  #visit(id: string, visit: (item: LabelledItem) => void): void {
    const item = this.#items.get(id);
    if (item !== undefined) visit(item);
  }

  /** Re-merges every chain of `parent`; returns the items of the chains whose labels changed. */
  #remerge(parent: Parent): LabelledItem[] {
    const changed: LabelledItem[] = [];
    for (const chain of parent.chains) {
      const merged = mergeParents(chain.parents);
      if (sameLabels(merged, chain.merged)) continue;
      this.#chainIndex.deleteAll(chain.merged, chain.key);
      chain.merged = merged;
      this.#chainIndex.addAll(merged, chain.key);
      for (const id of chain.items) this.#visit(id, (item) => changed.push(item));
    }
    return changed;
  }

  #parent(parentId: string): Parent {
    let parent = this.#parents.get(parentId);
    if (parent === undefined) {
      this.#parents.set(parentId, parent = { labels: undefined, chains: new Set() });
    }
    return parent;
  }

  #chainFor(parentIds: readonly string[]): Chain {
    const key = JSON.stringify(parentIds);
    const existing = this.#chains.get(key);
    if (existing !== undefined) return existing;
    const parents = parentIds.map((id) => this.#parent(id));
    const chain: Chain = {
      key,
      parentIds: Object.freeze([...parentIds]),
      parents,
      merged: mergeParents(parents),
      items: new Set(),
    };
    for (const parent of parents) parent.chains.add(chain);
    this.#chains.set(key, chain);
    this.#chainIndex.addAll(chain.merged, key);
    return chain;
  }

  /** Removes item `id` from the chain of `parentIds`, dropping the chain once it is unused. */
  #leaveChain(id: string, parentIds: readonly string[]): void {
    const key = JSON.stringify(parentIds);
    const chain = this.#chains.get(key);
    if (chain === undefined) return;
    chain.items.delete(id);
    if (chain.items.size > 0) return;
    this.#chains.delete(key);
    this.#chainIndex.deleteAll(chain.merged, key);
    chain.parentIds.forEach((parentId, i) => {
      const parent = chain.parents[i]!;
      parent.chains.delete(chain);
      if (parent.labels === undefined && parent.chains.size === 0) this.#parents.delete(parentId);
    });
  }
}

function mergeParents(parents: readonly Parent[]): ReadonlyMap<string, string> {
  if (parents.length === 1) return parents[0]!.labels ?? NO_LABELS;
  const merged = new Map<string, string>();
  for (const parent of parents) {
    if (parent.labels === undefined) continue;
    for (const [key, value] of parent.labels) if (!merged.has(key)) merged.set(key, value);
  }
  return merged.size === 0 ? NO_LABELS : merged;
}

function toLabelMap(input: LabelInput): ReadonlyMap<string, string> {
  const entries = "entries" in input && typeof input.entries === "function"
    ? (input as ReadonlyMap<string, string>).entries()
    : Object.entries(input);
  const map = new Map(entries);
  return map.size === 0 ? NO_LABELS : map;
}

function sameLabels(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
