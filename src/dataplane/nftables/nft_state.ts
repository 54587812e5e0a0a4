/**
 * The reconciler's view of one table: what it believes is programmed (after a successful apply)
 * or what it read back from the kernel, normalised so that the two compare equal when the kernel
 * holds exactly the desired table. Rules are identified by their comment (`cali:<hash>; ...`),
 * as upstream does: the hash covers the rule body, so nft's reformatting of bodies never matters.
 *
 * @module
 */
import { cidrContains, formatIP, parseCIDR, parseIP } from "../../lib/ip.ts";
import type { NftBaseChain, NftRule, NftSet, NftTable } from "./nft_model.ts";

/** One chain: its hook spec (`undefined` for a regular chain) and its rules' comments. */
export interface ChainState {
  /** `type filter hook input priority 0 policy accept`, or undefined. */
  readonly base: string | undefined;
  /** Each rule's comment; a rule without one (not ours) is `""`. */
  readonly rules: readonly string[];
}

/** One named set: its spec (`ipv4_addr` / `ipv4_addr flags interval`) and normalised elements. */
export interface SetState {
  readonly spec: string;
  readonly elements: ReadonlySet<string>;
}

/** One verdict map: its spec (`ifname : verdict`) and key -> verdict, both normalised. */
export interface MapState {
  readonly spec: string;
  readonly elements: ReadonlyMap<string, string>;
}

/** A table's content as the reconciler compares it. */
export interface TableState {
  readonly chains: ReadonlyMap<string, ChainState>;
  readonly sets: ReadonlyMap<string, SetState>;
  readonly maps: ReadonlyMap<string, MapState>;
}

/** The comment a rule carries in the kernel: `cali:<hash>;` plus its text, if any. */
export function ruleComment(rule: NftRule): string {
  const text = rule.comment === undefined || rule.comment === "" ? "" : ` ${rule.comment}`;
  // nft strings cannot escape a double quote; upstream comments never hold one.
  return `cali:${rule.hash};${text}`.replaceAll('"', "'");
}

/** The normalised hook spec of a base chain. */
export function baseSpec(base: NftBaseChain | undefined): string | undefined {
  if (base === undefined) return undefined;
  const policy = base.policy ?? "accept";
  return `type ${base.type} hook ${base.hook} priority ${base.priority} policy ${policy}`;
}

/** The normalised spec of a set: its type, then its flags (sorted). */
export function setSpec(type: string, flags: readonly string[]): string {
  const t = type.split(".").map((p) => p.trim()).join(" . ");
  return flags.length === 0 ? t : `${t} flags ${[...flags].sort().join(",")}`;
}

const PROTO_NAMES: Readonly<Record<string, string>> = {
  "1": "icmp",
  "6": "tcp",
  "17": "udp",
  "58": "ipv6-icmp",
  "132": "sctp",
  "136": "udplite",
};

function normaliseAtom(atom: string): string {
  const a = atom.trim();
  const named = PROTO_NAMES[a];
  if (named !== undefined) return named;
  const dash = a.indexOf("-");
  if (dash > 0 && parseIP(a.slice(0, dash)) !== undefined) {
    return `${normaliseAtom(a.slice(0, dash))}-${normaliseAtom(a.slice(dash + 1))}`;
  }
  const c = parseCIDR(a);
  if (c === undefined) return a;
  const full = c.family === 4 ? 32 : 128;
  return c.prefix === full ? formatIP(c) : `${formatIP(c)}/${c.prefix}`;
}

/**
 * An element as nft prints it: a full-length prefix is a bare address, addresses are canonical,
 * protocol numbers are names, concatenations are joined with ` . `.
 */
export function normaliseElement(element: string): string {
  return element.split(" . ").map(normaliseAtom).join(" . ");
}

/** A map key without quotes (`"cali1"` -> `cali1`). */
export function normaliseMapKey(key: string): string {
  const k = key.trim();
  return k.length >= 2 && k.startsWith('"') && k.endsWith('"') ? k.slice(1, -1) : k;
}

/** A verdict with single spaces (`goto  x` -> `goto x`). */
export function normaliseVerdict(verdict: string): string {
  return verdict.trim().split(/\s+/).join(" ");
}

/**
 * An interval set refuses overlapping elements ("conflicting intervals specified"), so a prefix
 * covered by another element of the same set is dropped: the set matches the same addresses.
 */
export function dropCoveredPrefixes(elements: readonly string[]): string[] {
  const parsed = elements.map((e) => ({ e, c: e.includes(" . ") ? undefined : parseCIDR(e) }));
  const cidrs = parsed.filter((p) => p.c !== undefined).sort((a, b) => a.c!.prefix - b.c!.prefix);
  if (cidrs.length < 2) return [...elements];
  const kept: { e: string; c: NonNullable<(typeof parsed)[number]["c"]> }[] = [];
  const dropped = new Set<string>();
  for (const p of cidrs) {
    if (kept.some((k) => cidrContains(k.c, p.c!))) dropped.add(p.e);
    else kept.push({ e: p.e, c: p.c! });
  }
  return elements.filter((e) => !dropped.has(e));
}

function desiredSet(s: NftSet): SetState {
  const normalised = [...new Set(s.elements.map(normaliseElement))];
  const elements = s.flags.includes("interval") ? dropCoveredPrefixes(normalised) : normalised;
  return { spec: setSpec(s.type, s.flags), elements: new Set(elements) };
}

/** The state a table is in once `table` has been applied. */
export function stateOf(table: NftTable): TableState {
  const chains = new Map<string, ChainState>();
  for (const [name, c] of table.chains) {
    chains.set(name, { base: baseSpec(c.base), rules: c.rules.map(ruleComment) });
  }
  const sets = new Map<string, SetState>();
  for (const [name, s] of table.sets) sets.set(name, desiredSet(s));
  const maps = new Map<string, MapState>();
  for (const [name, m] of table.maps) {
    const elements = new Map<string, string>();
    for (const [k, v] of m.elements) elements.set(normaliseMapKey(k), normaliseVerdict(v));
    maps.set(name, { spec: setSpec(m.type.replace(/\s*:\s*/, " : "), []), elements });
  }
  return { chains, sets, maps };
}

/** An empty table (just created). */
export const EMPTY_TABLE_STATE: TableState = {
  chains: new Map(),
  sets: new Map(),
  maps: new Map(),
};
