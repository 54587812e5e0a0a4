/**
 * Upstream's rule hashes: each rule of a chain gets a 16-character id that depends on the chain
 * name, its own rendered text and every rule before it (reference/rules-rendering.md §4.4):
 * `h0 = SHA-224(chain)`, `hi = SHA-224(h(i-1) bytes ++ text_i)`, id = base64url(hi)[0:16].
 * The backend decides what `text_i` is (nft: the rule body without comments).
 *
 * @module
 */
import { createHash } from "node:crypto";

/** The hash ids of a chain's rules, given their rendered texts in order. */
export function ruleHashes(chainName: string, texts: readonly string[]): string[] {
  let previous = createHash("sha224").update(chainName, "utf8").digest();
  const out: string[] = [];
  for (const text of texts) {
    previous = createHash("sha224").update(previous).update(text, "utf8").digest();
    out.push(previous.toString("base64url").slice(0, 16));
  }
  return out;
}

/** The chain name whose hashes key the appended rules of a kernel chain. */
export function appendsHashKey(chainName: string): string {
  return `${chainName}*appends*`;
}
