/**
 * Deterministic orders: the two string comparators the stages use (never `localeCompare`, which
 * depends on the host), and records built in key order so that the same state always prints or
 * hashes the same.
 *
 * @module
 */

/** Orders strings by UTF-16 code units: what `<` and a plain `.sort()` do. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders strings by Unicode code point, which is the order of their UTF-8 bytes (Go's string
 * order). Plain `<` compares UTF-16 code units and disagrees above U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..U+DFFF) encode code points above U+FFFF: move them above U+FFFF.
    if (x >= 0xd800) x += x <= 0xdfff ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y <= 0xdfff ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}

/** A record of `map`'s entries with its keys in `compareStrings` order, values mapped by `f`. */
export function sortedRecord<V, W = V>(
  map: ReadonlyMap<string, V>,
  f: (value: V) => W = (value) => value as unknown as W,
): Record<string, W> {
  const out: Record<string, W> = {};
  for (const key of [...map.keys()].sort(compareStrings)) out[key] = f(map.get(key) as V);
  return out;
}
