/**
 * NftTable -> nft script text (`nft -f` input).
 *
 * @module
 */
import type { NftTable } from "./nft_model.ts";

/** The `table <family> <name> { ... }` block of a table, as `nft -f` accepts it. */
export function renderTableText(_table: NftTable): string {
  throw new Error("renderTableText is not implemented yet");
}

/**
 * A script that replaces the table whole in one transaction:
 * `add table ...` / `delete table ...` / `table ... { ... }`.
 */
export function renderReplaceScript(_table: NftTable): string {
  throw new Error("renderReplaceScript is not implemented yet");
}
