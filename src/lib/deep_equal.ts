/**
 * Structural equality of JSON-like values (primitives, arrays, plain objects): the one notion of
 * "same value" the stages use to skip no-op updates.
 *
 * @module
 */

/**
 * Whether two JSON-like values are structurally equal. A property holding `undefined` counts as
 * absent, so `{a: 1}` equals `{a: 1, b: undefined}`; an array never equals an object.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  const ra = a as Readonly<Record<string, unknown>>;
  const rb = b as Readonly<Record<string, unknown>>;
  let defined = 0;
  for (const k in ra) {
    if (!Object.hasOwn(ra, k) || ra[k] === undefined) continue;
    if (!deepEqual(ra[k], rb[k])) return false;
    defined++;
  }
  for (const k in rb) {
    if (Object.hasOwn(rb, k) && rb[k] !== undefined) defined--;
  }
  return defined === 0;
}
