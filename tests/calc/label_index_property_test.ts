import { deepStrictEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import type { LabelIndex } from "../../src/calc/label_index.ts";
import { parseSelector } from "../../src/selector/mod.ts";
import { MatchRecorder } from "./match_recorder.ts";

// Property: the callbacks always describe exactly the brute-force match set.

const KEYS = ["a", "b", "c"];
const VALUES = ["x", "y", ""];
const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom(...VALUES);
const valueSet = fc.uniqueArray(value, { maxLength: 3 }).map((vs) =>
  vs.map((v) => `"${v}"`).join(", ")
);

const leaf = fc.oneof(
  fc.tuple(key, value).map(([k, v]) => `${k} == "${v}"`),
  fc.tuple(key, value).map(([k, v]) => `${k} != "${v}"`),
  fc.tuple(key, valueSet).map(([k, vs]) => `${k} in {${vs}}`),
  fc.tuple(key, valueSet).map(([k, vs]) => `${k} not in {${vs}}`),
  key.map((k) => `has(${k})`),
  key.map((k) => `!has(${k})`),
  fc.constant("all()"),
);

const selectorText: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(tie("node"), tie("node")).map(([l, r]) => `(${l} && ${r})`),
    fc.tuple(tie("node"), tie("node")).map(([l, r]) => `(${l} || ${r})`),
    tie("node").map((n) => `!(${n})`),
  ),
})).node;

const labels = fc.dictionary(key, value, { maxKeys: 3 });
const itemId = fc.constantFrom("i0", "i1", "i2", "i3", "i4");
const parentId = fc.constantFrom("p0", "p1", "p2");
const selectorId = fc.constantFrom("s0", "s1", "s2", "s3");

type Op =
  | { op: "item"; id: string; labels: Record<string, string>; parents: string[] }
  | { op: "deleteItem"; id: string }
  | { op: "parent"; id: string; labels: Record<string, string> }
  | { op: "deleteParent"; id: string }
  | { op: "selector"; id: string; text: string }
  | { op: "deleteSelector"; id: string };

/** Upserts outweigh deletes so that runs build up enough state to collide. */
const operation: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("item" as const),
      id: itemId,
      labels,
      parents: fc.array(parentId, { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("deleteItem" as const), id: itemId }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("parent" as const), id: parentId, labels }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("deleteParent" as const), id: parentId }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("selector" as const),
      id: selectorId,
      text: selectorText,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("deleteSelector" as const), id: selectorId }),
  },
);

/** A naive model: plain maps and the effective-label rule written out directly. */
class Model {
  readonly items = new Map<string, { labels: Record<string, string>; parents: string[] }>();
  readonly parents = new Map<string, Record<string, string>>();
  readonly selectors = new Map<string, ReturnType<typeof parseSelector>>();

  apply(op: Op, index: LabelIndex): void {
    switch (op.op) {
      case "item":
        this.items.set(op.id, { labels: op.labels, parents: op.parents });
        return index.updateItem(op.id, op.labels, op.parents);
      case "deleteItem":
        this.items.delete(op.id);
        return index.deleteItem(op.id);
      case "parent":
        this.parents.set(op.id, op.labels);
        return index.updateParentLabels(op.id, op.labels);
      case "deleteParent":
        this.parents.delete(op.id);
        return index.deleteParentLabels(op.id);
      case "selector": {
        const selector = parseSelector(op.text);
        this.selectors.set(op.id, selector);
        return index.updateSelector(op.id, selector);
      }
      case "deleteSelector":
        this.selectors.delete(op.id);
        return index.deleteSelector(op.id);
    }
  }

  effective(id: string): Map<string, string> {
    const item = this.items.get(id)!;
    const out = new Map<string, string>();
    for (const source of [item.labels, ...item.parents.map((p) => this.parents.get(p) ?? {})]) {
      for (const [k, v] of Object.entries(source)) if (!out.has(k)) out.set(k, v);
    }
    return out;
  }

  matches(): Set<string> {
    const out = new Set<string>();
    for (const [s, selector] of this.selectors) {
      for (const i of this.items.keys()) {
        if (selector.evaluate(this.effective(i))) out.add(`${s} ${i}`);
      }
    }
    return out;
  }
}

Deno.test("LabelIndex callbacks always equal brute-force evaluation (property)", () => {
  fc.assert(
    fc.property(fc.array(operation, { minLength: 10, maxLength: 60, size: "max" }), (ops) => {
      const rec = new MatchRecorder();
      const model = new Model();
      for (const op of ops) {
        model.apply(op, rec.index);
        deepStrictEqual(rec.violations, []);
        deepStrictEqual(rec.live, model.matches(), JSON.stringify(op));
        equal(rec.index.stats().matches, rec.live.size);
      }
      const bySelector = [...model.selectors.keys()].flatMap((s) =>
        [...rec.index.matchesOfSelector(s)].map((i) => `${s} ${i}`)
      );
      const byItem = [...model.items.keys()].flatMap((i) =>
        [...rec.index.matchesOfItem(i)].map((s) => `${s} ${i}`)
      );
      deepStrictEqual(new Set(bySelector), rec.live);
      deepStrictEqual(new Set(byItem), rec.live);
    }),
    { numRuns: 1000 },
  );
});
