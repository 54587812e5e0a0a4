/**
 * The IP sets of one family (reference/rules-rendering.md §2.4, §6): every set the calc graph
 * sent, with the members of this family, plus the fixed sets the static rules use.
 *
 * @module
 */
import type { IPSetType } from "../../proto/messages.ts";
import { type CIDR, cidrContains, formatCIDR, maskCIDR, parseCIDR } from "../../lib/ip.ts";
import { SET } from "./names.ts";
import type { RenderInput } from "./render_input.ts";
import type { IPVersion } from "./rule_model.ts";

/** One set of one family: its id, member type and members in a canonical form. */
export interface RulesetIPSet {
  readonly id: string;
  readonly type: IPSetType;
  /** `net`: masked CIDRs; `ip`: addresses; `ip-and-port`: `addr,proto:port`. */
  readonly members: readonly string[];
}

/** A member of `version` in canonical form, or undefined if of the other family or invalid. */
export function canonicalMember(
  type: IPSetType,
  member: string,
  version: IPVersion,
): string | undefined {
  if (type === "ip-and-port") {
    const comma = member.lastIndexOf(",");
    const addr = parseCIDR(member.slice(0, comma), true);
    if (comma < 0 || addr === undefined || addr.family !== version) return undefined;
    const full = version === 4 ? 32 : 128;
    if (addr.prefix !== full) return undefined;
    return `${formatCIDR(addr).split("/")[0]},${member.slice(comma + 1)}`;
  }
  const cidr = parseCIDR(member, true);
  if (cidr === undefined || cidr.family !== version) return undefined;
  if (type === "net") return formatCIDR(maskCIDR(cidr));
  const full = version === 4 ? 32 : 128;
  return cidr.prefix === full ? formatCIDR(cidr).split("/")[0] : undefined;
}

function compareCIDRs(x: CIDR, y: CIDR): number {
  for (let i = 0; i < x.bytes.length; i++) {
    const d = x.bytes[i]! - y.bytes[i]!;
    if (d !== 0) return d;
  }
  return x.prefix - y.prefix;
}

/**
 * Masked CIDRs with every CIDR inside another one dropped, sorted by address: interval sets
 * reject overlapping elements, and the union is unchanged.
 */
export function collapseNets(cidrs: Iterable<string>): string[] {
  const parsed: CIDR[] = [];
  for (const c of cidrs) {
    const p = parseCIDR(c, true);
    if (p !== undefined) parsed.push(maskCIDR(p));
  }
  parsed.sort(compareCIDRs);
  const kept: CIDR[] = [];
  for (const c of parsed) {
    const last = kept[kept.length - 1];
    if (last === undefined || !cidrContains(last, c)) kept.push(c);
  }
  return kept.map(formatCIDR);
}

function familySet(
  id: string,
  type: IPSetType,
  members: Iterable<string>,
  version: IPVersion,
): RulesetIPSet {
  const out = new Set<string>();
  for (const member of members) {
    const c = canonicalMember(type, member, version);
    if (c !== undefined) out.add(c);
  }
  return { id, type, members: type === "net" ? collapseNets(out) : [...out].sort() };
}

/** The sets of `version`, sorted by id. */
export function ruleIPSets(input: RenderInput, version: IPVersion): RulesetIPSet[] {
  const { config } = input;
  const sets: RulesetIPSet[] = [];
  for (const [id, set] of input.ipSets) sets.push(familySet(id, set.type, set.members, version));
  const pools = [...input.ipPools.values()];
  const usable = pools.filter((p) =>
    !(p.allowedUses.length === 1 && p.allowedUses[0] === "LoadBalancer")
  );
  sets.push(familySet(SET.allPools, "net", usable.map((p) => p.cidr), version));
  sets.push(
    familySet(SET.masqPools, "net", pools.filter((p) => p.masquerade).map((p) => p.cidr), version),
  );
  sets.push(familySet(SET.thisHost, "ip", input.hostIPs, version));
  sets.push(familySet(SET.dscpSources, "net", [], version));
  if (
    (version === 4 && config.ipipEnabled) || config.natOutgoingExclusions === "IPPoolsAndHostIPs"
  ) {
    sets.push(familySet(SET.allHosts, "net", input.allHostsNets, version));
  }
  if (version === 4 ? config.vxlanEnabled : config.vxlanEnabledV6) {
    sets.push(familySet(SET.allVXLANSources, "net", input.vxlanHostNets, version));
  }
  return sets.sort((x, y) => x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}
