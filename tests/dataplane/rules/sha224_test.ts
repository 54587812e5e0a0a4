import { equal } from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { ruleHashes } from "../../../src/dataplane/rules/rule_hash.ts";
import { base64url12, Sha224 } from "../../../src/dataplane/rules/sha224.ts";

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

Deno.test("Sha224 equals node:crypto for empty, one-block edge and multi-block UTF-8 messages", () => {
  const hasher = new Sha224();
  const out = new Uint8Array(28);
  for (
    const text of ["", "abc", "a".repeat(55), "a".repeat(56), "a".repeat(64), "é€😀".repeat(300)]
  ) {
    hasher.digest(undefined, text, out);
    equal(hex(out), createHash("sha224").update(text, "utf8").digest("hex"), `${text.length}`);
  }
  equal(hex(out).length, 56);
  hasher.digest(undefined, "abc", out);
  equal(hex(out), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
});

Deno.test("Sha224 with a byte prefix equals node:crypto over the concatenation (property)", () => {
  const hasher = new Sha224();
  const out = new Uint8Array(28);
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 80 }),
      fc.string({ unit: "grapheme", maxLength: 300 }),
      (prefix, text) => {
        hasher.digest(prefix, text, out);
        equal(hex(out), createHash("sha224").update(prefix).update(text, "utf8").digest("hex"));
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("ruleHashes equals the chained node:crypto definition (property)", () => {
  const reference = (chain: string, texts: readonly string[]) => {
    let previous = createHash("sha224").update(chain, "utf8").digest();
    return texts.map((t) => {
      previous = createHash("sha224").update(previous).update(t, "utf8").digest();
      return previous.toString("base64url").slice(0, 16);
    });
  };
  fc.assert(
    fc.property(fc.string(), fc.array(fc.string({ maxLength: 200 }), { maxLength: 8 }), (c, ts) => {
      equal(ruleHashes(c, ts).join(), reference(c, ts).join());
    }),
    { numRuns: 300 },
  );
  equal(base64url12(new Uint8Array(12).fill(255)), "________________");
});
