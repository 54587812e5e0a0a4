/**
 * The label index (upstream's InheritIndex): which selectors match which items, where an item's
 * effective labels are its own labels plus those inherited from an ordered list of parents.
 *
 * It reports every transition exactly once through `onMatchStarted` / `onMatchStopped`, and
 * finds candidates through indexes instead of scanning: see `src/calc/DESIGN.md`.
 */
import type { LabelRestrictions, Selector } from "../selector/mod.ts";
import { InheritedLabels, type LabelInput, type LabelledItem } from "./inherited_labels.ts";
import { chooseSlot, LabelRestrictionIndex, type SlotCounts } from "./label_restriction_index.ts";
import { addToSet, deleteFromSet } from "../lib/multidict.ts";

export type { LabelInput } from "./inherited_labels.ts";

export interface LabelIndexOptions {
  /** Selector `selectorId` now matches item `itemId`. Must not throw or call back into the index. */
  readonly onMatchStarted: (selectorId: string, itemId: string) => void;
  /** Selector `selectorId` no longer matches item `itemId`. Same rules as `onMatchStarted`. */
  readonly onMatchStopped: (selectorId: string, itemId: string) => void;
}

/** Sizes and work counters, for tests and benchmarks. */
export interface LabelIndexStats {
  readonly items: number;
  readonly parents: number;
  /** Distinct ordered parent lists in use. */
  readonly parentChains: number;
  readonly selectors: SlotCounts;
  readonly matches: number;
  /** Selector evaluations performed since construction. */
  readonly evaluations: number;
}

export class LabelIndex {
  readonly #onMatchStarted: (selectorId: string, itemId: string) => void;
  readonly #onMatchStopped: (selectorId: string, itemId: string) => void;
  readonly #selectors = new Map<string, Selector>();
  readonly #restrictions = new LabelRestrictionIndex();
  readonly #items = new InheritedLabels();
  readonly #byItem = new Map<string, Set<string>>();
  #matchCount = 0;
  #evaluations = 0;

  constructor(options: LabelIndexOptions) {
    this.#onMatchStarted = options.onMatchStarted;
    this.#onMatchStopped = options.onMatchStopped;
  }

  /** Adds or replaces a selector; a selector with the same `uniqueId()` is a no-op. */
  updateSelector(id: string, selector: Selector): void {
    const old = this.#selectors.get(id);
    if (old !== undefined && old.uniqueId() === selector.uniqueId()) return;
    const before = old === undefined ? new Set<string>() : this.#matchingItems(old);
    this.#selectors.set(id, selector);
    this.#restrictions.add(id, this.#restrictions.slotFor(selector.labelRestrictions()));
    const after = this.#matchingItems(selector);
    for (const itemId of before) if (!after.has(itemId)) this.#stop(id, itemId);
    for (const itemId of after) if (!before.has(itemId)) this.#start(id, itemId);
  }

  /** Removes a selector, reporting a stop for each of its matches; unknown ids are ignored. */
  deleteSelector(id: string): void {
    const selector = this.#selectors.get(id);
    if (selector === undefined) return;
    for (const itemId of this.#matchingItems(selector)) this.#stop(id, itemId);
    this.#restrictions.delete(id);
    this.#selectors.delete(id);
  }

  /** Adds or replaces an item's own labels and ordered parent ids. */
  updateItem(id: string, labels: LabelInput, parentIds: readonly string[]): void {
    const item = this.#items.setItem(id, labels, parentIds);
    if (item !== undefined) this.#reevaluateItem(item);
  }

  /** Removes an item, reporting a stop for each of its matches; unknown ids are ignored. */
  deleteItem(id: string): void {
    for (const selectorId of [...(this.#byItem.get(id) ?? [])]) this.#stop(selectorId, id);
    this.#items.deleteItem(id);
  }

  /** Sets a parent's labels (it may be referenced before or after) and re-evaluates its children. */
  updateParentLabels(parentId: string, labels: LabelInput): void {
    for (const item of this.#items.setParentLabels(parentId, labels)) this.#reevaluateItem(item);
  }

  /** Forgets a parent's labels; its children keep referencing it but inherit nothing. */
  deleteParentLabels(parentId: string): void {
    for (const item of this.#items.deleteParentLabels(parentId)) this.#reevaluateItem(item);
  }

  /** The ids of the items that selector `id` matches (recomputed: see `#matchingItems`). */
  matchesOfSelector(id: string): Set<string> {
    const selector = this.#selectors.get(id);
    return selector === undefined ? new Set() : this.#matchingItems(selector);
  }

  /** A copy of the ids of the selectors that match item `id`. */
  matchesOfItem(id: string): Set<string> {
    return new Set(this.#byItem.get(id));
  }

  stats(): LabelIndexStats {
    return {
      items: this.#items.itemCount,
      parents: this.#items.parentCount,
      parentChains: this.#items.chainCount,
      selectors: this.#restrictions.counts(),
      matches: this.#matchCount,
      evaluations: this.#evaluations,
    };
  }

  /**
   * The items `selector` matches. Matches are stored by item only, which halves their memory: the
   * index keeps "(s, i) is matched iff s matches i's effective labels" true at all times, so a
   * selector's matches are found again by a candidate search when it changes or goes away.
   */
  #matchingItems(selector: Selector): Set<string> {
    const out = new Set<string>();
    this.#forEachCandidateItem(selector.labelRestrictions(), (item) => {
      if (!out.has(item.id) && this.#evaluate(selector, item)) out.add(item.id);
    });
    return out;
  }

  /**
   * Visits the items that might match a selector with `restrictions` (a superset, possibly with
   * repeats). It scans the carriers of the required key that has the fewest of them now, which
   * need not be the key the selector is indexed under: that one balances selector buckets.
   */
  #forEachCandidateItem(
    restrictions: LabelRestrictions,
    visit: (item: LabelledItem) => void,
  ): void {
    const slot = chooseSlot(restrictions, (key, values) => this.#items.carrierCount(key, values));
    switch (slot.kind) {
      case "impossible":
        return;
      case "unoptimised":
        for (const item of this.#items.items()) visit(item);
        return;
      case "values":
        return this.#items.forEachCarrier(slot.key, slot.values, visit);
      case "key":
        return this.#items.forEachCarrier(slot.key, undefined, visit);
    }
  }

  /** Brings one item's matches up to date, evaluating only candidate selectors. */
  #reevaluateItem(item: LabelledItem): void {
    const candidates = new Set<string>();
    item.forEachLabel((key, value) => this.#restrictions.collectCandidates(key, value, candidates));
    const current = this.#byItem.get(item.id);
    if (current !== undefined) {
      for (const selectorId of [...current]) {
        const candidate = candidates.has(selectorId) ||
          this.#restrictions.isUnoptimised(selectorId);
        if (!candidate || !this.#matches(selectorId, item)) this.#stop(selectorId, item.id);
      }
    }
    // `current` now holds exactly the surviving matches; the two candidate sources are disjoint.
    for (const selectorId of candidates) {
      if (current?.has(selectorId) !== true && this.#matches(selectorId, item)) {
        this.#start(selectorId, item.id);
      }
    }
    for (const selectorId of this.#restrictions.unoptimised) {
      if (current?.has(selectorId) !== true && this.#matches(selectorId, item)) {
        this.#start(selectorId, item.id);
      }
    }
  }

  #matches(selectorId: string, item: LabelledItem): boolean {
    const selector = this.#selectors.get(selectorId);
    return selector !== undefined && this.#evaluate(selector, item);
  }

  #evaluate(selector: Selector, item: LabelledItem): boolean {
    this.#evaluations++;
    return selector.evaluate(item);
  }

  #start(selectorId: string, itemId: string): void {
    addToSet(this.#byItem, itemId, selectorId);
    this.#matchCount++;
    this.#onMatchStarted(selectorId, itemId);
  }

  #stop(selectorId: string, itemId: string): void {
    deleteFromSet(this.#byItem, itemId, selectorId);
    this.#matchCount--;
    this.#onMatchStopped(selectorId, itemId);
  }
}
