import { equal } from "node:assert/strict";
import { deepEqual } from "../../src/lib/deep_equal.ts";

Deno.test("deepEqual compares JSON-like values and treats undefined as absent", () => {
  equal(deepEqual({ a: [1, { b: "x" }] }, { a: [1, { b: "x" }] }), true);
  equal(deepEqual({ a: 1, b: undefined }, { a: 1 }), true);
  equal(deepEqual({ a: 1 }, { a: 1, b: 2 }), false);
  equal(deepEqual([1, 2], [2, 1]), false);
  equal(deepEqual([], {}), false);
  equal(deepEqual({ a: null }, { a: {} }), false);
  equal(deepEqual("1", 1), false);
});

Deno.test("deepEqual counts undefined as absent on either side and keys in any order", () => {
  equal(deepEqual({ a: 1 }, { a: 1, b: undefined }), true);
  equal(deepEqual({ b: 2, a: 1 }, { a: 1, b: 2 }), true);
  equal(deepEqual({ a: undefined }, { b: undefined }), true);
  equal(deepEqual({ a: 1, c: undefined }, { a: 1, b: 2 }), false);
  equal(deepEqual({ toString: 1 }, {}), false);
  equal(deepEqual([undefined], []), false);
});
