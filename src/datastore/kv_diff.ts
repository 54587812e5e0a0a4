/**
 * The difference between two desired states as the updates that turn one into the other, and
 * the split of those updates into callback-sized batches.
 *
 * @module
 */
import { deepEqual } from "../lib/deep_equal.ts";
import type { KVUpdate } from "../model/kv.ts";

/** Upstream's limit on updates per `onUpdates` call. */
export const MAX_BATCH_SIZE = 1000;

function deletionOf(u: KVUpdate): KVUpdate {
  return { ...u, value: null, revision: "" };
}

/**
 * The updates from `before` to `after` (both keyed by key path): deletions for keys that are
 * gone, in `before`'s order, then new keys and keys whose value changed, in `after`'s order.
 * A key whose value is deep-equal in both is not sent, whatever its revision.
 */
export function diffStates(
  before: ReadonlyMap<string, KVUpdate>,
  after: ReadonlyMap<string, KVUpdate>,
): KVUpdate[] {
  const out: KVUpdate[] = [];
  for (const [path, old] of before) {
    if (!after.has(path)) out.push(deletionOf(old));
  }
  for (const [path, next] of after) {
    const old = before.get(path);
    if (old === undefined || !deepEqual(old.value, next.value)) out.push(next);
  }
  return out;
}

/** Split updates into batches of at most `size`, keeping their order. */
export function toBatches(
  updates: readonly KVUpdate[],
  size: number = MAX_BATCH_SIZE,
): KVUpdate[][] {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`Cannot batch updates by "${size}": the size must be a positive integer`);
  }
  const out: KVUpdate[][] = [];
  for (let i = 0; i < updates.length; i += size) out.push(updates.slice(i, i + size));
  return out;
}
