/**
 * Upstream's rule hashes: each rule of a chain gets a 16-character id that depends on the chain
 * name, its own rendered text and every rule before it (reference/rules-rendering.md §4.4):
 * `h0 = SHA-224(chain)`, `hi = SHA-224(h(i-1) bytes ++ text_i)`, id = base64url(hi)[0:16].
 * The backend decides what `text_i` is (nft: the rule body without comments).
 *
 * @module
 */
import { base64url12, Sha224 } from "./sha224.ts";

const HASHER = new Sha224();

/** The hash ids of a chain's rules, given their rendered texts in order. */
export function ruleHashes(chainName: string, texts: readonly string[]): string[] {
  const previous = new Uint8Array(28);
  HASHER.digest(undefined, chainName, previous);
  const out: string[] = [];
  for (const text of texts) {
    HASHER.digest(previous, text, previous);
    out.push(base64url12(previous));
  }
  return out;
}

/** The chain name whose hashes key the appended rules of a kernel chain. */
export function appendsHashKey(chainName: string): string {
  return `${chainName}*appends*`;
}
