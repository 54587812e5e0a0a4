/**
 * The nftables renderer's entry: the render input -> `ip calico` and `ip6 calico` tables
 * (reference/rules-rendering.md §8). Pure and deterministic: the same input gives equal tables
 * and byte-identical script text.
 *
 * @module
 */
import type { IPSetType } from "../../proto/messages.ts";
import { nftSetName } from "../rules/names.ts";
import type { RenderInput } from "../rules/render_input.ts";
import { type IPVersion, LAYERS, type Rule } from "../rules/rule_model.ts";
import { buildRuleset, type RulesetIPSet } from "../rules/ruleset.ts";
import {
  CALICO_TABLE,
  type NftChain,
  type NftMap,
  type NftSet,
  type NftTable,
} from "./nft_model.ts";
import { renderLayer } from "./render_layers.ts";

/** The rendered tables: `ip calico`, and `ip6 calico` unless IPv6 is disabled. */
export interface RenderedTables {
  readonly ip: NftTable;
  /** `undefined` when `config.ipv6Enabled` is false (the reconciler removes `ip6 calico`). */
  readonly ip6: NftTable | undefined;
}

/** nftables' chain-name limit, so chain names are never hashed in nft mode. */
export const NFT_MAX_NAME = 256;

/** The nft set type and flags of an IP set type. */
export function nftSetType(type: IPSetType, version: IPVersion): { type: string; flags: string[] } {
  const addr = version === 4 ? "ipv4_addr" : "ipv6_addr";
  switch (type) {
    case "net":
      return { type: addr, flags: ["interval"] };
    case "ip":
      return { type: addr, flags: [] };
    case "ip-and-port":
      return { type: `${addr} . inet_proto . inet_service`, flags: [] };
  }
}

/** A member in nft element syntax (`10.0.0.1 . tcp . 8080` for ip-and-port). */
export function nftElement(type: IPSetType, member: string): string {
  if (type !== "ip-and-port") return member;
  const comma = member.lastIndexOf(",");
  const [proto = "", port = ""] = member.slice(comma + 1).split(":");
  return `${member.slice(0, comma)} . ${proto} . ${port}`;
}

function toNftSet(set: RulesetIPSet, version: IPVersion): NftSet {
  return {
    name: nftSetName(version, set.id),
    ...nftSetType(set.type, version),
    elements: set.members.map((m) => nftElement(set.type, m)),
  };
}

/** Set ids the rules reference, with the type their use implies. */
function referencedSets(rules: readonly Rule[]): Map<string, IPSetType> {
  const out = new Map<string, IPSetType>();
  for (const r of rules) {
    for (const t of r.match) {
      if (t.kind === "set") out.set(t.setId, out.get(t.setId) ?? "net");
      if (t.kind === "ipPortSet") out.set(t.setId, "ip-and-port");
    }
  }
  return out;
}

/** Renders the table of one IP version. */
export function renderTable(input: RenderInput, version: IPVersion): NftTable {
  const ruleset = buildRuleset(input, version, NFT_MAX_NAME);
  const chains = new Map<string, NftChain>();
  const maps = new Map<string, NftMap>();
  const rules: Rule[] = [];
  for (const layer of LAYERS) {
    const rendered = renderLayer(layer, ruleset.layers[layer], version);
    for (const c of rendered.chains) chains.set(c.name, c);
    for (const mp of rendered.maps) maps.set(mp.name, mp);
    rules.push(...rendered.rules);
  }
  const sets = new Map<string, NftSet>();
  for (const s of ruleset.ipSets) sets.set(nftSetName(version, s.id), toNftSet(s, version));
  for (const [id, type] of referencedSets(rules)) {
    const name = nftSetName(version, id);
    if (!sets.has(name)) sets.set(name, toNftSet({ id, type, members: [] }, version));
  }
  return { family: version === 4 ? "ip" : "ip6", name: CALICO_TABLE, chains, sets, maps };
}

/** Renders the whole desired state of our nftables tables. Pure and deterministic. */
export function renderTables(input: RenderInput): RenderedTables {
  return {
    ip: renderTable(input, 4),
    ip6: input.config.ipv6Enabled ? renderTable(input, 6) : undefined,
  };
}
