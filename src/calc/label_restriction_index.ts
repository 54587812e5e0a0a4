/**
 * Selectors indexed by their label restrictions, so that the label index can find the few
 * selectors that might match a label map without scanning them all.
 *
 * Each selector lives in exactly one slot:
 * - `values`: under each (key, value) of a must-be-present key that has a value set;
 * - `key`: under a must-be-present key, for any value;
 * - `unoptimised`: no must-be-present key (`!=`, `not in`, `!has`, `all()`, ...): a candidate
 *   for every label map;
 * - `impossible`: an unsatisfiable restriction: it matches nothing and is never a candidate.
 *
 * The slot is only a hint: candidates are always confirmed by evaluating the selector.
 */
import { isSatisfiable, type LabelRestrictions } from "../selector/mod.ts";
import { addToNestedSet, addToSet, deleteFromNestedSet, deleteFromSet } from "../lib/multidict.ts";

export type IndexSlot =
  | { readonly kind: "impossible" }
  | { readonly kind: "unoptimised" }
  | { readonly kind: "values"; readonly key: string; readonly values: ReadonlySet<string> }
  | { readonly kind: "key"; readonly key: string };

const IMPOSSIBLE: IndexSlot = { kind: "impossible" };
const UNOPTIMISED: IndexSlot = { kind: "unoptimised" };

/** The cost of indexing under a key (with `values`, or for any value); lower is better. */
export type SlotCost = (key: string, values: ReadonlySet<string> | undefined) => number;

/**
 * Picks the slot for a selector's restrictions: impossible if any key is unsatisfiable; else a
 * must-be-present key, preferring one with a value set, then the lowest `cost`, then the
 * smallest value set; else unoptimised.
 */
export function chooseSlot(restrictions: LabelRestrictions, cost: SlotCost = () => 0): IndexSlot {
  let best: IndexSlot = UNOPTIMISED;
  let bestRank = [Infinity, Infinity, Infinity];
  for (const [key, r] of restrictions) {
    if (!isSatisfiable(r)) return IMPOSSIBLE;
    if (!r.mustBePresent) continue;
    const rank = [r.values === undefined ? 1 : 0, cost(key, r.values), r.values?.size ?? 0];
    if (lexicallyLess(rank, bestRank)) {
      bestRank = rank;
      best = r.values === undefined
        ? { kind: "key", key }
        : { kind: "values", key, values: r.values };
    }
  }
  return best;
}

function lexicallyLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y;
  }
  return false;
}

/** The per-slot counts, for tests and benchmarks. */
export interface SlotCounts {
  readonly values: number;
  readonly key: number;
  readonly unoptimised: number;
  readonly impossible: number;
}

export class LabelRestrictionIndex {
  readonly #slots = new Map<string, IndexSlot>();
  /** Selector ids by key, then value. */
  readonly #byValue = new Map<string, Map<string, Set<string>>>();
  readonly #byKey = new Map<string, Set<string>>();
  readonly #unoptimised = new Set<string>();

  /**
   * The slot for new restrictions, balancing buckets: among equally good keys it picks the one
   * whose buckets hold the fewest selectors, which keeps per-item candidate sets small.
   */
  slotFor(restrictions: LabelRestrictions): IndexSlot {
    return chooseSlot(restrictions, (key, values) => {
      if (values === undefined) return this.#byKey.get(key)?.size ?? 0;
      let total = 0;
      const byValue = this.#byValue.get(key);
      for (const value of values) total += byValue?.get(value)?.size ?? 0;
      return total;
    });
  }

  /** Indexes selector `id` under `slot`, replacing any earlier slot. */
  add(id: string, slot: IndexSlot): void {
    this.delete(id);
    this.#slots.set(id, slot);
    switch (slot.kind) {
      case "values":
        return this.#addValues(slot.key, slot.values, id);
      case "key":
        addToSet(this.#byKey, slot.key, id);
        return;
      case "unoptimised":
        this.#unoptimised.add(id);
        return;
      case "impossible":
        return;
    }
  }

  /** Removes selector `id`; unknown ids are ignored. */
  delete(id: string): void {
    const slot = this.#slots.get(id);
    if (slot === undefined) return;
    this.#slots.delete(id);
    switch (slot.kind) {
      case "values":
        return this.#deleteValues(slot.key, slot.values, id);
      case "key":
        deleteFromSet(this.#byKey, slot.key, id);
        return;
      case "unoptimised":
        this.#unoptimised.delete(id);
        return;
      case "impossible":
        return;
    }
  }

  /** True when selector `id` is a candidate for every label map. */
  isUnoptimised(id: string): boolean {
    return this.#unoptimised.has(id);
  }

  /** The selectors that are candidates for every label map. Do not keep or mutate. */
  get unoptimised(): ReadonlySet<string> {
    return this.#unoptimised;
  }

  /** Adds to `out` the indexed selectors a label map holding `key` = `value` might satisfy. */
  collectCandidates(key: string, value: string, out: Set<string>): void {
    for (const id of this.#byValue.get(key)?.get(value) ?? []) out.add(id);
    for (const id of this.#byKey.get(key) ?? []) out.add(id);
  }

  #addValues(key: string, values: ReadonlySet<string>, id: string): void {
    for (const value of values) addToNestedSet(this.#byValue, key, value, id);
  }

  #deleteValues(key: string, values: ReadonlySet<string>, id: string): void {
    for (const value of values) deleteFromNestedSet(this.#byValue, key, value, id);
  }

  /** How many selectors sit in each kind of slot. */
  counts(): SlotCounts {
    const counts = { values: 0, key: 0, unoptimised: 0, impossible: 0 };
    for (const slot of this.#slots.values()) counts[slot.kind]++;
    return counts;
  }
}
