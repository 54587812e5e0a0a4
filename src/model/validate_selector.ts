/**
 * Selector fields: at most 1024 characters, valid selector syntax, and `global()` only where
 * upstream allows it (alone, in a rule's `namespaceSelector`). The text is kept as written;
 * the conversions build the combined selectors.
 *
 * @module
 */
import { parseSelector, SelectorParseError } from "../selector/mod.ts";
import type { ObjectReader } from "./json_reader.ts";

/** The longest selector the v3 CRDs accept. */
export const MAX_SELECTOR_LENGTH = 1024;

/**
 * Where `global()` may appear: nowhere (`reject`), only as the whole selector (`alone`,
 * surrounding spaces and tabs allowed, as in `"  global()  "`), or unchecked (`allow`: upstream
 * does not look for it in a rule's `notSelector` or `serviceAccounts.selector`).
 */
export type GlobalRule = "reject" | "alone" | "allow";

const GLOBAL_ALONE = /^[ \t]*global\([ \t]*\)[ \t]*$/;

/** Why `text` is not acceptable in a field with `rule`, or undefined. */
export function selectorProblem(text: string, rule: GlobalRule): string | undefined {
  if (text.length > MAX_SELECTOR_LENGTH) {
    return `selector is ${text.length} characters long, more than the maximum of ${MAX_SELECTOR_LENGTH}`;
  }
  try {
    parseSelector(text);
  } catch (e) {
    if (!(e instanceof SelectorParseError)) throw e;
    return `${JSON.stringify(text)} is not a valid selector: ${e.reason} at column ${e.column}`;
  }
  if (rule === "allow" || !text.includes("global(")) return undefined;
  if (rule === "alone" && GLOBAL_ALONE.test(text)) return undefined;
  return rule === "alone"
    ? `${JSON.stringify(text)} combines global() with other selectors; global() must stand alone`
    : `${
      JSON.stringify(text)
    } uses global(), which is only allowed alone in a rule's namespaceSelector`;
}

/** Reads an optional selector field and checks it. */
export function readSelector(
  r: ObjectReader,
  key: string,
  rule: GlobalRule = "reject",
): string | undefined {
  const text = r.string(key);
  if (text === undefined) return undefined;
  const problem = selectorProblem(text, rule);
  if (problem !== undefined) r.ctx.error(r.at(key), problem);
  return text;
}
