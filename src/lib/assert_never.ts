/**
 * Exhaustiveness helper for `switch` over discriminated unions: the compiler rejects a call that
 * can be reached, and a value that slips through at runtime (bad data) throws.
 *
 * @module
 */

/** Call in the `default` branch of an exhaustive switch. */
export function assertNever(value: never, what = "value"): never {
  throw new TypeError(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
