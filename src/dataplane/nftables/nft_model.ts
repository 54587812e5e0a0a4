/**
 * The desired (or read-back) content of one nftables table we own: the contract between the pure
 * renderer (`*_renderer.ts`, `render*.ts`) and the reconciler that programs it through
 * libnftables. Upstream's layout: one table per family, `ip calico` and `ip6 calico`; chains,
 * jump targets and maps carry a layer prefix (`filter-`, `nat-`, `mangle-`, `raw-`); sets are
 * table-global (reference/rules-rendering.md §8).
 *
 * @module
 */

/** The families we program. */
export type NftFamily = "ip" | "ip6";

/** Hook specification of a base chain. Priorities are numeric, as nft 1.0.6 needs. */
export interface NftBaseChain {
  readonly type: "filter" | "nat" | "route";
  readonly hook: "prerouting" | "input" | "forward" | "output" | "postrouting";
  readonly priority: number;
  readonly policy?: "accept" | "drop";
}

/**
 * One rule: its statement text without the comment (e.g. `iifname "cali*" counter accept`) and
 * its `cali:` hash id, rendered as `comment "cali:<hash>"` so the reconciler can read back which
 * rules are ours and whether they changed.
 */
export interface NftRule {
  readonly body: string;
  readonly hash: string;
  /** Extra human-readable comment text after the hash (`cali:<hash>; <comment>`). */
  readonly comment?: string;
}

/** A chain; `base` is set for chains hooked into the kernel. */
export interface NftChain {
  readonly name: string;
  readonly base?: NftBaseChain;
  readonly rules: readonly NftRule[];
}

/** A named set (IP sets: `cali40s-...`, with `:` replaced by `-`). */
export interface NftSet {
  readonly name: string;
  /** `ipv4_addr`, `ipv6_addr`, or a concatenation like `ipv4_addr . inet_proto . inet_service`. */
  readonly type: string;
  readonly flags: readonly string[];
  /** Elements in nft syntax, sorted (`10.0.0.1`, `10.0.0.0/24`, `10.0.0.1 . tcp . 8080`). */
  readonly elements: readonly string[];
}

/** A verdict map (workload dispatch): key -> verdict, e.g. `"cali1234" : goto filter-cali-fw-cali1234`. */
export interface NftMap {
  readonly name: string;
  /** e.g. `ifname : verdict`. */
  readonly type: string;
  readonly elements: ReadonlyMap<string, string>;
}

/**
 * How a set differs from `from`, the object an earlier rendering of the same table held for it:
 * `from.elements` without `removed`, plus `added` (exact: every removed element was in `from`,
 * no added one was).
 */
export interface NftSetChange {
  readonly from: NftSet;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** One table's whole content. */
export interface NftTable {
  readonly family: NftFamily;
  /** `calico`. */
  readonly name: string;
  readonly chains: ReadonlyMap<string, NftChain>;
  readonly sets: ReadonlyMap<string, NftSet>;
  readonly maps: ReadonlyMap<string, NftMap>;
  /**
   * Optional, by set name: sets an incremental renderer patched from its previous rendering; a
   * reconciler that still knows `from` may apply the change instead of comparing whole sets.
   */
  readonly setChanges?: ReadonlyMap<string, NftSetChange>;
}

/** The table name upstream uses in both families. */
export const CALICO_TABLE = "calico";
