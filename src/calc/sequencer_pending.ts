/**
 * The event sequencer's per-category buffer: one pending entry per object between flushes,
 * latest wins, and what was last sent is remembered so that a no-op change sends nothing.
 *
 * @module
 */
import { deepEqual } from "../lib/deep_equal.ts";
import { compareStrings } from "../lib/order.ts";

/** What one flush of a category sends: removals and updates, each sorted by key. */
export interface Drained<U, R> {
  readonly removes: readonly R[];
  readonly updates: readonly U[];
}

type Pending<U, R> = { readonly update: U } | { readonly remove: R };

/**
 * One keyed category (policies, routes, namespaces, ...). `U` is the update message, `R` the
 * removal message; keys are the objects' id strings.
 *
 * - `upsert` overwrites a pending update and cancels a pending removal; an update deep-equal to
 *   what was last sent for the key leaves nothing pending (there is nothing to tell).
 * - `remove` drops a pending update and queues the removal only if the key was sent.
 * - `drain` hands out everything pending, sorted by key, and records it as sent.
 */
export class PendingMap<U, R> {
  readonly #sent = new Map<string, U>();
  readonly #pending = new Map<string, Pending<U, R>>();

  upsert(key: string, update: U): void {
    const sent = this.#sent.get(key);
    if (sent !== undefined && deepEqual(sent, update)) this.#pending.delete(key);
    else this.#pending.set(key, { update });
  }

  remove(key: string, removal: R): void {
    if (this.#sent.has(key)) this.#pending.set(key, { remove: removal });
    else this.#pending.delete(key);
  }

  /** Whether anything is waiting for the next flush. */
  get dirty(): boolean {
    return this.#pending.size > 0;
  }

  drain(): Drained<U, R> {
    const removes: R[] = [];
    const updates: U[] = [];
    const keys = [...this.#pending.keys()].sort(compareStrings);
    for (const key of keys) {
      const entry = this.#pending.get(key);
      if (entry === undefined) continue;
      if ("update" in entry) {
        updates.push(entry.update);
        this.#sent.set(key, entry.update);
      } else {
        removes.push(entry.remove);
        this.#sent.delete(key);
      }
    }
    this.#pending.clear();
    return { removes, updates };
  }
}
