/** Helpers for a map from a key to a set of values, where empty sets are never kept. */

/** Adds `value` to the set under `key`, creating the set on first use. */
export function addToSet<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([value]));
  else set.add(value);
}

/** Removes `value` from the set under `key`, dropping the set once it is empty. */
export function deleteFromSet<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/** Adds `value` under `outer` then `inner`, creating both levels on first use. */
export function addToNestedSet<K1, K2, V>(
  map: Map<K1, Map<K2, Set<V>>>,
  outer: K1,
  inner: K2,
  value: V,
): void {
  let byInner = map.get(outer);
  if (byInner === undefined) map.set(outer, byInner = new Map());
  addToSet(byInner, inner, value);
}

/** Removes `value` under `outer` then `inner`, dropping each level once it is empty. */
export function deleteFromNestedSet<K1, K2, V>(
  map: Map<K1, Map<K2, Set<V>>>,
  outer: K1,
  inner: K2,
  value: V,
): void {
  const byInner = map.get(outer);
  if (byInner === undefined) return;
  deleteFromSet(byInner, inner, value);
  if (byInner.size === 0) map.delete(outer);
}
