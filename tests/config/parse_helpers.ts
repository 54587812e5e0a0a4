/** Table-driven assertions for the parameter parsers (shared by the parser tests). */
import { deepEqual } from "node:assert/strict";
import { paramTypeOf } from "../../src/config/param_types.ts";
import type { ParamValue, ParseResult } from "../../src/config/param_types.ts";
import { parseParamValue } from "../../src/config/parse_value.ts";

/** Parse `raw` as a value of the table notation `type`. */
export function parse(type: string, raw: string, nonZero = false): ParseResult {
  return parseParamValue(paramTypeOf(type), raw, nonZero);
}

/** Assert that each raw value parses to the expected value. */
export function good(type: string, cases: ReadonlyArray<readonly [string, ParamValue]>): void {
  for (const [raw, want] of cases) deepEqual(parse(type, raw), { ok: true, value: want }, raw);
}

/** Assert that each raw value fails with the expected reason. */
export function bad(type: string, cases: ReadonlyArray<readonly [string, string]>): void {
  for (const [raw, reason] of cases) deepEqual(parse(type, raw), { ok: false, reason }, raw);
}
