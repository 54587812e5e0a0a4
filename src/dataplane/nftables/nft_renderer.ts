/**
 * The nftables renderer's entry: the render input -> one `NftTable` per family.
 *
 * @module
 */
import type { RenderInput } from "../rules/render_input.ts";
import type { NftTable } from "./nft_model.ts";

/** The rendered tables: `ip calico`, and `ip6 calico` unless IPv6 is disabled. */
export interface RenderedTables {
  readonly ip: NftTable;
  /** `undefined` when `config.ipv6Enabled` is false (the reconciler removes `ip6 calico`). */
  readonly ip6: NftTable | undefined;
}

/** Renders the whole desired state of our nftables tables. Pure and deterministic. */
export function renderTables(_input: RenderInput): RenderedTables {
  throw new Error("renderTables is not implemented yet");
}
