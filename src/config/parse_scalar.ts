/**
 * Parsers for single values: booleans, Go integer literals, float durations, mark bitmasks,
 * enums, regular expressions and DSCP values. Each returns a `ParseResult`; none throws.
 *
 * @module
 */
import type { ParamValue, ParseResult } from "./param_types.ts";

/** A successful parse. */
export function ok(value: ParamValue): ParseResult {
  return { ok: true, value };
}

/** A failed parse with its reason (sentence case, without the raw value). */
export function fail(reason: string): ParseResult {
  return { ok: false, reason };
}

const TRUE = new Set(["true", "1", "yes", "y", "t"]);
const FALSE = new Set(["false", "0", "no", "n", "f"]);

/** `true,1,yes,y,t` / `false,0,no,n,f` in any case. */
export function parseBool(raw: string): ParseResult {
  const s = raw.toLowerCase();
  if (TRUE.has(s)) return ok(true);
  if (FALSE.has(s)) return ok(false);
  return fail("Expected a boolean (true, false, yes, no, 1, 0, t, f, y or n)");
}

const DIGITS: Readonly<Record<number, RegExp>> = {
  2: /^_?[01]+(_[01]+)*$/,
  8: /^_?[0-7]+(_[0-7]+)*$/,
  10: /^[0-9]+(_[0-9]+)*$/,
  16: /^_?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/,
};
const PREFIX: Readonly<Record<string, number>> = { x: 16, o: 8, b: 2 };
const BIGINT_PREFIX: Readonly<Record<number, string>> = { 16: "0x", 10: "", 8: "0o", 2: "0b" };

/**
 * A Go integer literal as `strconv.ParseInt(s, 0, 64)` reads it: optional sign, `0x`/`0o`/`0b`
 * prefixes, a leading `0` for octal, `_` between digits. Undefined when it is not one.
 */
export function parseGoInt(raw: string): bigint | undefined {
  let s = raw;
  let negative = false;
  if (s.startsWith("+") || s.startsWith("-")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  let base = 10;
  let body = s;
  const prefixed = /^0([xXoObB])/.exec(s);
  if (prefixed !== null) {
    base = PREFIX[prefixed[1]!.toLowerCase()]!;
    body = s.slice(2);
  } else if (s.length > 1 && s.startsWith("0")) {
    base = 8;
    body = s.slice(1);
  }
  if (!DIGITS[base]!.test(body)) return undefined;
  const digits = body.replaceAll("_", "");
  const magnitude = BigInt(`${BIGINT_PREFIX[base]}${digits}`);
  return negative ? -magnitude : magnitude;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An integer (Go base-0 literal), optionally within `[min, max]`. */
export function parseInt64(raw: string, min?: number, max?: number): ParseResult {
  const n = parseGoInt(raw);
  if (n === undefined) {
    return fail("Expected an integer (decimal, 0x hex, 0o or 0 octal, 0b binary)");
  }
  if (n < INT64_MIN || n > INT64_MAX) return fail("Expected an integer that fits in 64 bits");
  if (n < BigInt(Number.MIN_SAFE_INTEGER) || n > BigInt(Number.MAX_SAFE_INTEGER)) {
    return fail("Expected an integer between -(2^53-1) and 2^53-1");
  }
  const v = Number(n);
  if (min !== undefined && v < min) return fail(rangeText(min, max));
  if (max !== undefined && v > max) return fail(rangeText(min, max));
  return ok(v);
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (max === undefined) return `Expected an integer of at least ${min}`;
  return `Expected an integer between ${min} and ${max}`;
}

const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal float (the number of seconds, or of milliseconds when `scale` is 1000). */
export function parseFloatDuration(raw: string, scale: number): ParseResult {
  if (!FLOAT.test(raw)) {
    return fail("Expected a number" + (scale === 1 ? " of seconds" : " of milliseconds"));
  }
  return ok(Number(raw) / scale);
}

/** A uint32 mark mask (hex or decimal) with at least two bits set. */
export function parseBitmask(raw: string): ParseResult {
  const n = raw.startsWith("-") || raw.startsWith("+") ? undefined : parseGoInt(raw);
  if (n === undefined || n > 0xffffffffn) return fail("Expected a 32-bit unsigned integer");
  const bits = n.toString(2).replaceAll("0", "").length;
  if (bits < 2) return fail("Expected a mask with at least 2 bits set");
  return ok(Number(n));
}

/** One of `values`, matched in any case; the canonical spelling is returned. */
export function parseEnum(raw: string, values: readonly string[]): ParseResult {
  const found = values.find((v) => v.toLowerCase() === raw.toLowerCase());
  if (found !== undefined) return ok(found);
  return fail(`Expected one of ${values.join(", ")}`);
}

/** A regular expression; the source text is kept (it must compile as a JavaScript RegExp). */
export function parseRegexp(raw: string): ParseResult {
  try {
    new RegExp(raw);
    return ok(raw);
  } catch (e) {
    return fail(`Expected a regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// deno-fmt-ignore
const DSCP_NAMES: Readonly<Record<string, number>> = {
  "cs0": 0, "cs1": 8, "cs2": 16, "cs3": 24, "cs4": 32, "cs5": 40, "cs6": 48, "cs7": 56,
  "af11": 10, "af12": 12, "af13": 14, "af21": 18, "af22": 20, "af23": 22,
  "af31": 26, "af32": 28, "af33": 30, "af41": 34, "af42": 36, "af43": 38,
  "ef": 46, "voice-admit": 44, "le": 1,
};

/** A DSCP value: 0-63 in decimal or an IANA name (CS0-CS7, AF11-AF43, EF, VOICE-ADMIT, LE). */
export function parseDSCP(raw: string): ParseResult {
  if (/^\d{1,2}$/.test(raw) && Number(raw) <= 63) return ok(Number(raw));
  const named = DSCP_NAMES[raw.toLowerCase()];
  if (named !== undefined) return ok(named);
  return fail("Expected a DSCP value between 0 and 63 or a name such as CS1, AF21 or EF");
}

/** A string matching `re`; `what` names the expectation. */
export function parsePattern(raw: string, re: RegExp, what: string): ParseResult {
  return re.test(raw) ? ok(raw) : fail(`Expected ${what}`);
}
