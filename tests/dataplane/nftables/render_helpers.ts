/**
 * Helpers for the renderer tests: a chain's rules as `body # comment` lines (hashes left out;
 * the worked-example test pins those).
 *
 * @module
 */
import type { NftTable } from "../../../src/dataplane/nftables/nft_model.ts";

/** The rules of `chain` as `body` or `body # comment`; undefined when the chain is absent. */
export function lines(table: NftTable, chain: string): string[] | undefined {
  return table.chains.get(chain)?.rules.map((r) =>
    r.comment === undefined ? r.body : `${r.body} # ${r.comment}`
  );
}

/** The names of the table's chains starting with `prefix`, in table order. */
export function chainNames(table: NftTable, prefix: string): string[] {
  return [...table.chains.keys()].filter((n) => n.startsWith(prefix));
}
