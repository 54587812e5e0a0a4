/** Every vector of the conformance file (transcribed from upstream's selector tests). */
import { deepStrictEqual, equal, ok as assert, throws } from "node:assert/strict";
import { parseSelector, SelectorParseError } from "../../src/selector/mod.ts";
import vectors from "./selector_vectors.json" with { type: "json" };

type Vector =
  | { selector: string; labels: Record<string, string>; match: boolean }
  | { selector: string; error: true }
  | { selector: string; canonical: string };

const all = vectors as Vector[];

Deno.test("selector_vectors.json holds all three kinds of vector", () => {
  const kinds = { match: 0, error: 0, canonical: 0 };
  for (const v of all) {
    if ("match" in v) kinds.match++;
    else if ("error" in v) kinds.error++;
    else kinds.canonical++;
  }
  deepStrictEqual(kinds, { match: 89, error: 44, canonical: 65 });
});

Deno.test("Selector.evaluate agrees with every match vector", () => {
  for (const v of all) {
    if (!("match" in v)) continue;
    const labels = new Map(Object.entries(v.labels));
    equal(
      parseSelector(v.selector).evaluate(labels),
      v.match,
      `${v.selector} on ${JSON.stringify(v.labels)}`,
    );
  }
});

Deno.test("parseSelector throws SelectorParseError for every error vector", () => {
  for (const v of all) {
    if (!("error" in v)) continue;
    throws(() => parseSelector(v.selector), SelectorParseError, JSON.stringify(v.selector));
  }
});

Deno.test("Selector.toString gives the exact canonical form and it round-trips", () => {
  for (const v of all) {
    if (!("canonical" in v)) continue;
    const canonical = parseSelector(v.selector).toString();
    equal(canonical, v.canonical, JSON.stringify(v.selector));
    equal(parseSelector(canonical).toString(), canonical);
  }
});

Deno.test("canonical forms of match vectors evaluate like their source", () => {
  for (const v of all) {
    if (!("match" in v)) continue;
    const again = parseSelector(parseSelector(v.selector).toString());
    equal(again.evaluate(new Map(Object.entries(v.labels))), v.match, v.selector);
  }
});

Deno.test("SelectorParseError is a SyntaxError that quotes the input", () => {
  const err = (() => {
    try {
      parseSelector("a == 'b' c");
    } catch (e) {
      return e;
    }
  })();
  assert(err instanceof SelectorParseError);
  assert(err instanceof SyntaxError);
});
