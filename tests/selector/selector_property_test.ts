/**
 * Property tests: random selector trees are written out as source text with random spacing,
 * quoting and operator spellings, then parsed. The parse must agree with an independent
 * reference evaluator, and the canonical form must round-trip and evaluate the same.
 */
import { equal } from "node:assert/strict";
import fc from "fast-check";
import { parseSelector } from "../../src/selector/mod.ts";

type Tree =
  | { op: "all" | "global" }
  | { op: "has"; key: string }
  | { op: "==" | "!=" | "contains" | "starts with" | "ends with"; key: string; value: string }
  | { op: "in" | "not in"; key: string; values: string[] }
  | { op: "!"; x: Tree }
  | { op: "&&" | "||"; xs: Tree[] };

const KEYS = ["a", "b", "app", "k8s-app", "projectcalico.org/namespace", "x_1.y/z", "in", "has"];
const VALUES = ["", "v", "V", "x y", "it's", 'say "hi"', "&&", "é", "😀", "ﬀ", "v1", "v2"];

const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom(...VALUES);

const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Tree>({ op: "all" }, { op: "global" }),
    key.map((k): Tree => ({ op: "has", key: k })),
    fc.record({
      op: fc.constantFrom("==", "!=", "contains", "starts with", "ends with" as const),
      key,
      value,
    }),
    fc.record({
      op: fc.constantFrom("in", "not in" as const),
      key,
      values: fc.array(value, { maxLength: 4 }),
    }),
    tie("t").map((x): Tree => ({ op: "!", x })),
    fc.record({
      op: fc.constantFrom("&&", "||" as const),
      xs: fc.array(tie("t"), { minLength: 2, maxLength: 3 }),
    }),
  ),
})).t;

function oracle(t: Tree, labels: ReadonlyMap<string, string>): boolean {
  const v = "key" in t ? labels.get(t.key) : undefined;
  switch (t.op) {
    case "all":
    case "global":
      return true;
    case "has":
      return v !== undefined;
    case "==":
      return v === t.value;
    case "!=":
      return v !== t.value;
    case "contains":
      return v !== undefined && v.includes(t.value);
    case "starts with":
      return v !== undefined && v.startsWith(t.value);
    case "ends with":
      return v !== undefined && v.endsWith(t.value);
    case "in":
      return v !== undefined && t.values.includes(v);
    case "not in":
      return v === undefined || !t.values.includes(v);
    case "!":
      return !oracle(t.x, labels);
    case "&&":
      return t.xs.every((x) => oracle(x, labels));
    case "||":
      return t.xs.some((x) => oracle(x, labels));
  }
}

/** Random spelling choices, drawn from a fixed stream so a failure replays exactly. */
class Spelling {
  #i = 0;
  constructor(readonly bits: number[]) {}
  pick<T>(options: readonly T[]): T {
    const b = this.bits[this.#i++ % this.bits.length] ?? 0;
    return options[b % options.length]!;
  }
  ws(): string {
    return this.pick(["", " ", "  ", "\t", " \t "]);
  }
  quote(v: string): string {
    if (v.includes('"')) return `'${v}'`;
    if (v.includes("'")) return `"${v}"`;
    return this.pick([`"${v}"`, `'${v}'`]);
  }
}

const WORD_SPELLINGS: Record<string, readonly string[]> = {
  "starts with": ["starts with", "startswith", "starts \t with"],
  "ends with": ["ends with", "endswith"],
  "not in": ["not in", "notin", "not  in"],
};

/** Writes a tree as source text; junctions inside junctions or negations get parentheses. */
function write(t: Tree, s: Spelling): string {
  const w = () => s.ws();
  switch (t.op) {
    case "all":
    case "global":
      return `${t.op}(${w()})`;
    case "has":
      return `has(${w()}${t.key}${w()})`;
    case "==":
    case "!=":
    case "contains":
    case "starts with":
    case "ends with": {
      // Word operators need a space before them; symbols may touch the label.
      const op = s.pick(WORD_SPELLINGS[t.op] ?? [t.op]);
      const gap = /^[a-z]/.test(op) ? " " + w() : w();
      return `${t.key}${gap}${op}${w()}${s.quote(t.value)}`;
    }
    case "in":
    case "not in": {
      const op = s.pick(WORD_SPELLINGS[t.op] ?? [t.op]);
      const items = t.values.map((v) => s.quote(v)).join(`${w()},${w()}`);
      const trailing = t.values.length > 0 ? s.pick(["", ","]) : "";
      return `${t.key} ${w()}${op}${w()}{${w()}${items}${trailing}${w()}}`;
    }
    case "!": {
      const inner = write(t.x, s);
      const wrap = t.x.op === "&&" || t.x.op === "||" || s.pick([false, false, true]);
      return `!${w()}${wrap ? `(${w()}${inner}${w()})` : inner}`;
    }
    case "&&":
    case "||":
      return t.xs.map((x) => {
        const inner = write(x, s);
        const wrap = x.op === "&&" || x.op === "||" || s.pick([false, false, true]);
        return wrap ? `(${w()}${inner}${w()})` : inner;
      }).join(`${w()}${t.op}${w()}`);
  }
}

const labelMap = fc.dictionary(key, value, { maxKeys: 5 }).map((o) => new Map(Object.entries(o)));
const labelMaps = fc.array(labelMap, { minLength: 1, maxLength: 8 });
const spelling = fc.array(fc.nat(16), { minLength: 1, maxLength: 32 }).map((b) => new Spelling(b));

Deno.test("parseSelector agrees with a reference evaluator on random trees and spellings", () => {
  fc.assert(
    fc.property(tree, spelling, labelMaps, (t, s, maps) => {
      const text = write(t, s);
      const sel = parseSelector(text);
      for (const labels of maps) equal(sel.evaluate(labels), oracle(t, labels), text);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("Selector canonical form round-trips and is independent of spelling", () => {
  fc.assert(
    fc.property(tree, spelling, spelling, (t, s1, s2) => {
      const a = parseSelector(write(t, s1)).toString();
      equal(parseSelector(a).toString(), a);
      equal(parseSelector(write(t, s2)).toString(), a);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("a selector and its canonical form evaluate the same on random label maps", () => {
  fc.assert(
    fc.property(tree, spelling, labelMaps, (t, s, maps) => {
      const sel = parseSelector(write(t, s));
      const again = parseSelector(sel.toString());
      equal(again.uniqueId(), sel.uniqueId());
      for (const labels of maps) equal(again.evaluate(labels), sel.evaluate(labels));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("label restrictions hold for every label map a selector matches", () => {
  fc.assert(
    fc.property(tree, fc.array(labelMap, { minLength: 1, maxLength: 16 }), (t, maps) => {
      const sel = parseSelector(write(t, new Spelling([0])));
      for (const labels of maps) {
        if (!sel.evaluate(labels)) continue;
        for (const [k, r] of sel.labelRestrictions()) {
          const v = labels.get(k);
          if (r.mustBePresent) equal(v !== undefined, true, `${sel} needs ${k}`);
          if (r.mustBeAbsent) equal(v, undefined, `${sel} forbids ${k}`);
          if (r.values !== undefined) {
            equal(v !== undefined && r.values.has(v), true, `${sel} values of ${k}`);
          }
        }
      }
    }),
    { numRuns: 2000 },
  );
});
