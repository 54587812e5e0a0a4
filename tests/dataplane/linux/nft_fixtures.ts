/** Small builders of `NftTable`s for the reconciler and manager tests. */
import type {
  NftBaseChain,
  NftChain,
  NftFamily,
  NftMap,
  NftRule,
  NftSet,
  NftTable,
} from "../../../src/dataplane/nftables/nft_model.ts";

/** A rule with hash `hash`. */
export function rule(hash: string, body = "counter accept", comment?: string): NftRule {
  return comment === undefined ? { body, hash } : { body, hash, comment };
}

/** Parts of a table, by name. */
export interface TableParts {
  readonly chains?: Readonly<Record<string, readonly NftRule[]>>;
  readonly base?: Readonly<Record<string, { base: NftBaseChain; rules: readonly NftRule[] }>>;
  readonly sets?: Readonly<
    Record<string, { type?: string; flags?: readonly string[]; elements: readonly string[] }>
  >;
  readonly maps?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A `calico` table of `family` from its parts. */
export function table(parts: TableParts, family: NftFamily = "ip"): NftTable {
  const chains = new Map<string, NftChain>();
  for (const [name, c] of Object.entries(parts.base ?? {})) {
    chains.set(name, { name, base: c.base, rules: c.rules });
  }
  for (const [name, rules] of Object.entries(parts.chains ?? {})) chains.set(name, { name, rules });
  const sets = new Map<string, NftSet>();
  for (const [name, s] of Object.entries(parts.sets ?? {})) {
    sets.set(name, {
      name,
      type: s.type ?? "ipv4_addr",
      flags: s.flags ?? ["interval"],
      elements: s.elements,
    });
  }
  const maps = new Map<string, NftMap>();
  for (const [name, m] of Object.entries(parts.maps ?? {})) {
    maps.set(name, { name, type: "ifname : verdict", elements: new Map(Object.entries(m)) });
  }
  return { family, name: "calico", chains, sets, maps };
}

/** The hooked INPUT chain most tables here start from. */
export const INPUT_BASE: NftBaseChain = {
  type: "filter",
  hook: "input",
  priority: 0,
  policy: "accept",
};

/** The INPUT jump to the workload dispatch chain (`in1`). */
export const JUMP_TO_DISPATCH: NftRule = rule("in1", "counter jump filter-cali-from-wl-dispatch");

/** The hooked INPUT chain holding only `JUMP_TO_DISPATCH`, as `TableParts.base`. */
export const DISPATCH_INPUT: NonNullable<TableParts["base"]> = {
  "filter-INPUT": { base: INPUT_BASE, rules: [JUMP_TO_DISPATCH] },
};

/** The workload dispatch chain: the interface verdict map, then drop (`d1`, `d2`). */
export const DISPATCH_RULES: readonly NftRule[] = [
  rule("d1", "iifname vmap @filter-cali-from-wl-dispatch"),
  rule("d2", "counter drop", "Unknown interface"),
];

/** The dispatch map sending `cali1` to its from-workload chain. */
export const DISPATCH_MAP: NonNullable<TableParts["maps"]> = {
  "filter-cali-from-wl-dispatch": { '"cali1"': "goto filter-cali-fw-cali1" },
};
