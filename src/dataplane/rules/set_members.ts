/**
 * The members of one IP set in one family (reference/rules-rendering.md §2.4): canonical forms,
 * sorted; `net` sets without contained CIDRs. A family set built from canonical members only can
 * be patched by member deltas (`patchFamilySet`), which keeps one changed member from costing a
 * canonicalisation and sort of the whole set.
 *
 * @module
 */
import type { IPSetType } from "../../proto/messages.ts";
import {
  type CIDR,
  cidrContains,
  formatCIDR,
  formatIP,
  ipFamilyOf,
  maskCIDR,
  parseCIDR,
} from "../../lib/ip.ts";
import { compareStrings } from "../../lib/order.ts";
import type { IPSetChange } from "./render_input.ts";
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
  return ipFamilyOf(addr) !== version;
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
    return `${formatIP(addr)},${member.slice(comma + 1)}`;
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
  return cidr.prefix === full ? formatIP(cidr) : undefined;
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
    keyed.push({ n: v4HostValue(c), c });
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

/** A family set, and whether member deltas can patch it. */
export interface FamilySet {
  readonly set: RulesetIPSet;
  /**
   * Every member was canonical already (or of the other family), and a `net` set holds IPv4
   * `/32`s only: a member maps to itself and none contains another, so the sorted list can be
   * patched in place of a rebuild.
   */
  readonly patchable: boolean;
}

/** Builds the family set of `members`. */
export function buildFamilySet(
  id: string,
  type: IPSetType,
  members: Iterable<string>,
  version: IPVersion,
): FamilySet {
  const out = new Set<string>();
  let identity = true;
  for (const member of members) {
    const c = canonicalMember(type, member, version);
    if (c === undefined) continue;
    if (c !== member) identity = false;
    out.add(c);
  }
  if (type !== "net") return { set: { id, type, members: [...out].sort() }, patchable: identity };
  const hosts = version === 4 ? sortedV4Hosts([...out]) : out.size === 0 ? [] : undefined;
  if (hosts !== undefined) return { set: { id, type, members: hosts }, patchable: identity };
  return { set: { id, type, members: collapseNets(out) }, patchable: false };
}

/** One splice of a sorted member list: remove the member at `at`, or insert `insert` there. */
export interface MemberOp {
  readonly at: number;
  readonly insert?: string;
}

function v4HostValue(c: string): number {
  const q = c.slice(0, -3).split(".");
  return Number(q[0]) * 2 ** 24 + Number(q[1]) * 65536 + Number(q[2]) * 256 + Number(q[3]);
}

function compareV4Hosts(x: string, y: string): number {
  return v4HostValue(x) - v4HostValue(y);
}

/** The first index whose member is not before `m`. */
function lowerBound(list: readonly string[], m: string, cmp: (x: string, y: string) => number) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(list[mid]!, m) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The canonical members of this family among `members`; undefined if one is not canonical. */
function canonicalOnly(
  type: IPSetType,
  members: readonly string[],
  version: IPVersion,
): string[] | undefined {
  const out: string[] = [];
  for (const m of members) {
    const c = canonicalMember(type, m, version);
    if (c === undefined) continue;
    if (c !== m || (type === "net" && !(m.endsWith("/32") && CANONICAL_V4_HOST.test(m)))) {
      return undefined;
    }
    out.push(c);
  }
  return out;
}

/**
 * `prev` with `change` applied (members of `change.from`, which `prev` was built from), or
 * undefined when it cannot be patched (then rebuild): `prev` not patchable, a non-canonical
 * member, or so many changes that a rebuild is as cheap. With no change in this family, `prev`
 * itself. The splices, in order, turn `prev`'s member list into the new one.
 */
export function patchFamilySet(
  prev: FamilySet,
  change: IPSetChange,
  version: IPVersion,
): { readonly result: FamilySet; readonly ops: readonly MemberOp[] } | undefined {
  const { type, members: before } = prev.set;
  if (!prev.patchable || change.from.type !== type) return undefined;
  if (change.added.length + change.removed.length > Math.max(64, before.length >> 3)) {
    return undefined;
  }
  const added = canonicalOnly(type, change.added, version);
  const removed = canonicalOnly(type, change.removed, version);
  if (added === undefined || removed === undefined) return undefined;
  if (added.length + removed.length === 0) return { result: prev, ops: [] };
  const cmp = type === "net" ? compareV4Hosts : compareStrings;
  const members = before.slice();
  const ops: MemberOp[] = [];
  for (const r of removed) {
    const at = lowerBound(members, r, cmp);
    if (members[at] !== r) continue;
    members.splice(at, 1);
    ops.push({ at });
  }
  for (const a of added) {
    const at = lowerBound(members, a, cmp);
    if (members[at] === a) continue;
    members.splice(at, 0, a);
    ops.push({ at, insert: a });
  }
  return { result: { set: { id: prev.set.id, type, members }, patchable: true }, ops };
}
