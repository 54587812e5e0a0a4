/**
 * The IP sets of one family (reference/rules-rendering.md §2.4, §6): every set the calc graph
 * sent, with the members of this family, plus the fixed sets the static rules use.
 *
 * @module
 */
import type { IPSetType } from "../../proto/messages.ts";
import { type CIDR, cidrContains, formatCIDR, maskCIDR, parseCIDR } from "../../lib/ip.ts";
import { SET } from "./names.ts";
import { GenerationCache } from "./generation_cache.ts";
import type { RenderInput, RenderIPSet } from "./render_input.ts";
import type { IPVersion } from "./rule_model.ts";

/** One set of one family: its id, member type and members in a canonical form. */
export interface RulesetIPSet {
  readonly id: string;
  readonly type: IPSetType;
  /** `net`: masked CIDRs; `ip`: addresses; `ip-and-port`: `addr,proto:port`. */
  readonly members: readonly string[];
}

/** An IPv4 address in canonical text, optionally with `/32`: canonical as it is. */
const CANONICAL_V4_HOST =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/32)?$/;

/** Whether `addr` (an address or CIDR) cannot be of `version`: IPv6 text always has a colon. */
function otherFamily(addr: string, version: IPVersion): boolean {
  return addr.includes(":") !== (version === 6);
}

/** A member of `version` in canonical form, or undefined if of the other family or invalid. */
export function canonicalMember(
  type: IPSetType,
  member: string,
  version: IPVersion,
): string | undefined {
  if (type === "ip-and-port") {
    const comma = member.lastIndexOf(",");
    const text = member.slice(0, comma);
    if (comma < 0 || otherFamily(text, version)) return undefined;
    if (version === 4 && CANONICAL_V4_HOST.test(text)) {
      return `${text.endsWith("/32") ? text.slice(0, -3) : text}${member.slice(comma)}`;
    }
    const addr = parseCIDR(text, true);
    if (comma < 0 || addr === undefined || addr.family !== version) return undefined;
    const full = version === 4 ? 32 : 128;
    if (addr.prefix !== full) return undefined;
    return `${formatCIDR(addr).split("/")[0]},${member.slice(comma + 1)}`;
  }
  if (otherFamily(member, version)) return undefined;
  if (version === 4 && CANONICAL_V4_HOST.test(member)) {
    const host = member.endsWith("/32") ? member.slice(0, -3) : member;
    return type === "net" ? `${host}/32` : host;
  }
  const cidr = parseCIDR(member, true);
  if (cidr === undefined || cidr.family !== version) return undefined;
  if (type === "net") return formatCIDR(maskCIDR(cidr));
  const full = version === 4 ? 32 : 128;
  return cidr.prefix === full ? formatCIDR(cidr).split("/")[0] : undefined;
}

/**
 * Canonical IPv4 `/32`s sorted by address without duplicates (none can contain another), or
 * undefined if any member is something else: the common case of a selector's set, done without
 * parsing into bytes.
 */
function sortedV4Hosts(cidrs: readonly string[]): string[] | undefined {
  const keyed: { n: number; c: string }[] = [];
  for (const c of cidrs) {
    if (!c.endsWith("/32") || !CANONICAL_V4_HOST.test(c)) return undefined;
    const q = c.slice(0, -3).split(".");
    keyed.push({
      n: Number(q[0]) * 2 ** 24 + Number(q[1]) * 65536 + Number(q[2]) * 256 + Number(q[3]),
      c,
    });
  }
  keyed.sort((x, y) => x.n - y.n);
  return keyed.filter((k, i) => i === 0 || keyed[i - 1]!.n !== k.n).map((k) => k.c);
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
  const list = [...cidrs];
  const hosts = sortedV4Hosts(list);
  if (hosts !== undefined) return hosts;
  const parsed: CIDR[] = [];
  for (const c of list) {
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

/**
 * The family sets of the previous render, for the next one of the same IP version and config:
 * a calc set is rebuilt only when the input holds another object for it (the render state never
 * mutates one it handed out), a fixed set only when its members changed.
 */
export class IPSetCache {
  readonly #calc = new GenerationCache<RenderIPSet, RulesetIPSet>();
  readonly #fixed = new GenerationCache<string, RulesetIPSet>();

  /** The family set of calc set `id`. */
  calcSet(id: string, set: RenderIPSet, version: IPVersion): RulesetIPSet {
    return this.#calc.get(
      set,
      () => familySet(id, set.type, set.members, version),
      (s) => s.id === id,
    );
  }

  /** A fixed set (`all-ipam-pools`, `this-host`, ...) with these members. */
  fixedSet(
    id: string,
    type: IPSetType,
    members: readonly string[],
    version: IPVersion,
  ): RulesetIPSet {
    return this.#fixed.get(
      `${id}\0${type}\0${members.join("\0")}`,
      () => familySet(id, type, members, version),
    );
  }

  nextGeneration(): void {
    this.#calc.nextGeneration();
    this.#fixed.nextGeneration();
  }

  clear(): void {
    this.#calc.clear();
    this.#fixed.clear();
  }
}

/** The sets of `version`, sorted by id. `cache` (of this version) reuses unchanged ones. */
export function ruleIPSets(
  input: RenderInput,
  version: IPVersion,
  cache: IPSetCache = new IPSetCache(),
): RulesetIPSet[] {
  const { config } = input;
  const sets: RulesetIPSet[] = [];
  for (const [id, set] of input.ipSets) sets.push(cache.calcSet(id, set, version));
  const fixed = (id: string, type: IPSetType, members: readonly string[]) =>
    sets.push(cache.fixedSet(id, type, members, version));
  const pools = [...input.ipPools.values()];
  const usable = pools.filter((p) =>
    !(p.allowedUses.length === 1 && p.allowedUses[0] === "LoadBalancer")
  );
  fixed(SET.allPools, "net", usable.map((p) => p.cidr));
  fixed(SET.masqPools, "net", pools.filter((p) => p.masquerade).map((p) => p.cidr));
  fixed(SET.thisHost, "ip", input.hostIPs);
  fixed(SET.dscpSources, "net", []);
  if (
    (version === 4 && config.ipipEnabled) || config.natOutgoingExclusions === "IPPoolsAndHostIPs"
  ) {
    fixed(SET.allHosts, "net", input.allHostsNets);
  }
  if (version === 4 ? config.vxlanEnabled : config.vxlanEnabledV6) {
    fixed(SET.allVXLANSources, "net", input.vxlanHostNets);
  }
  cache.nextGeneration();
  return sets.sort((x, y) => x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}
