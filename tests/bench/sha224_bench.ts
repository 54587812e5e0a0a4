/**
 * SHA-224 of the rule hashes: `src/dataplane/rules/sha224.ts` against `node:crypto`, on the
 * messages the renderer hashes (a 28-byte previous hash followed by one rule's text, 60-120
 * bytes). A full render of the bench cluster hashes tens of thousands of them, so the per-call
 * overhead is what counts. Each iteration hashes the same 1,000 rule-like texts, chained as
 * `ruleHashes` chains them; the node:crypto variant is the definition the tests check against.
 *
 * Run: deno bench tests/bench/sha224_bench.ts
 *
 * @module
 */
import { createHash } from "node:crypto";
import { ruleHashes } from "../../src/dataplane/rules/rule_hash.ts";
import { Sha224 } from "../../src/dataplane/rules/sha224.ts";

const TEXTS = Array.from(
  { length: 1_000 },
  (_, i) =>
    `iifname "cali${i.toString(16).padStart(11, "0")}" ip saddr @cali40s:${i % 97}` +
    ` tcp dport { 80, 443, ${1024 + i} } counter accept`,
);
const hasher = new Sha224();
const out = new Uint8Array(28);

Deno.bench("Sha224.digest, 1,000 chained rule texts", { group: "sha224", baseline: true }, () => {
  for (const text of TEXTS) hasher.digest(out, text, out);
});

Deno.bench("node:crypto sha224, 1,000 chained rule texts", { group: "sha224" }, () => {
  let previous: Uint8Array = out;
  for (const text of TEXTS) {
    previous = createHash("sha224").update(previous).update(text, "utf8").digest();
  }
});

Deno.bench("ruleHashes of one 1,000-rule chain (hash ids included)", () => {
  ruleHashes("cali-pi-_bench", TEXTS);
});
