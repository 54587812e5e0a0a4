/**
 * Building decoded objects without `undefined`-valued keys: with `exactOptionalPropertyTypes`
 * an optional field is either present with a value or absent, and `deepEqual` can tell.
 *
 * @module
 */

/** `{ [key]: value }`, or `{}` when the value is undefined; spread it into an object literal. */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
