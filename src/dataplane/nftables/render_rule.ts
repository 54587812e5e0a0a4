/**
 * Neutral match terms and actions -> nftables rule text, as upstream's nft match builder and
 * actions write them (reference/rules-rendering.md §4.3, §8): `meta l4proto tcp`, `ip saddr
 * @cali40s-...`, `tcp dport { 80, 90-99 }`, `meta mark & 0x10000 == 0x10000`, `counter` before
 * every action, `continue` for an empty rule. Chain targets and verdict maps carry the layer
 * prefix; sets do not.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { assertNever } from "../../lib/assert_never.ts";
import type { PortRange } from "../../proto/rule.ts";
import { nftSetName } from "../rules/names.ts";
import {
  type Action,
  type IPVersion,
  type Layer,
  type Match,
  type Protocol,
  type Rule,
  transportName,
} from "../rules/rule_model.ts";

/** Go's `%#x`: `0x` and lower-case hex (`0x0` for zero). */
export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function transport(p: Protocol): string {
  return transportName(p) ?? String(p);
}

function portList(ports: readonly PortRange[]): string {
  return `{ ${
    ports.map((p) => p.first === p.last ? `${p.first}` : `${p.first}-${p.last}`).join(", ")
  } }`;
}

const NFT_IDENTIFIER = /^[A-Za-z0-9_./-]*$/;

/**
 * A chain's nft name: `<layer>-<name>`. nft 1.0.6 accepts neither quoted chain names nor
 * characters outside `[A-Za-z0-9_./-]`, which Linux allows in interface names; such a name gets
 * those characters replaced by `_` and 8 hash characters of the original appended.
 */
export function nftChainName(layer: Layer, name: string): string {
  if (NFT_IDENTIFIER.test(name)) return `${layer}-${name}`;
  const hash = createHash("sha256").update(name, "utf8").digest("base64url").slice(0, 8);
  return `${layer}-${name.replace(/[^A-Za-z0-9_./-]/g, "_")}_${hash.replaceAll("-", "_")}`;
}

const PLAIN_IFACE = /^[A-Za-z][A-Za-z0-9_.-]*\*?$/;

/**
 * An interface name (or `prefix*` wildcard) as nft text: unquoted like upstream when it is a
 * plain word, quoted otherwise (`1abc` would parse as a number, `a#b` as a comment).
 */
export function ifaceText(name: string): string {
  return PLAIN_IFACE.test(name) ? name : `"${name}"`;
}

function icmpText(term: Extract<Match, { kind: "icmp" }>): string {
  const kw = term.version === 4 ? "icmp" : "icmpv6";
  if (term.code === undefined) return `${kw} type ${term.negate ? "!= " : ""}${term.type}`;
  // nft needs the keyword repeated before `code`; a negated pair is one concatenation lookup.
  return term.negate
    ? `${kw} type . ${kw} code != { ${term.type} . ${term.code} }`
    : `${kw} type ${term.type} ${kw} code ${term.code}`;
}

function markText(term: Extract<Match, { kind: "mark" }>): string {
  const value = term.value === 0 ? "0" : hex(term.value);
  return `meta mark & ${hex(term.mask)} ${term.negate ? "!=" : "=="} ${value}`;
}

function not(negate: boolean): string {
  return negate ? "!= " : "";
}

/** An address match: a CIDR, an IP set, or an IP-and-port set. */
function addressText(
  term: Extract<Match, { kind: "net" | "set" | "ipPortSet" }>,
  version: IPVersion,
): string {
  const ip = `${version === 4 ? "ip" : "ip6"} ${term.side === "src" ? "saddr" : "daddr"}`;
  switch (term.kind) {
    case "net":
      return `${ip} ${not(term.negate)}${term.cidr}`;
    case "set":
      return `${ip} ${not(term.negate)}@${nftSetName(version, term.setId)}`;
    case "ipPortSet": {
      const port = term.side === "src" ? "sport" : "dport";
      const name = nftSetName(version, term.setId);
      return `${ip} . meta l4proto . th ${port} ${not(term.negate)}@${name}`;
    }
  }
}

/** One match term as nft text for an IP version. */
export function renderMatch(term: Match, version: IPVersion): string {
  switch (term.kind) {
    case "protocol":
      return `meta l4proto ${not(term.negate)}${term.protocol}`;
    case "iface":
      return `${term.dir === "in" ? "iifname" : "oifname"} ${ifaceText(term.name)}`;
    case "net":
    case "set":
    case "ipPortSet":
      return addressText(term, version);
    case "ports":
      return `${transport(term.protocol)} ${term.side === "src" ? "sport" : "dport"} ${
        not(term.negate)
      }${portList(term.ports)}`;
    case "port":
      return `${transport(term.protocol)} ${term.side === "src" ? "sport" : "dport"} ${term.port}`;
    case "icmp":
      return icmpText(term);
    case "mark":
      return markText(term);
    case "ctState":
      return `ct state ${term.states.join(",")}`;
    case "ctStatusDNAT":
      return `ct status ${not(term.negate)}dnat`;
    case "rpfFailed":
      return "fib saddr . mark . iif oif 0";
    case "addrTypeLocal": {
      const key = term.side === "dst" ? "daddr" : term.limitIfaceOut ? "saddr . oif" : "saddr";
      return `fib ${key} type ${not(term.negate)}local`;
    }
    default:
      return assertNever(term, "match term");
  }
}

/** One action as nft text; chain targets get the layer prefix. */
export function renderAction(
  action: Exclude<Action, { kind: "dispatchMap" }>,
  layer: Layer,
): string {
  switch (action.kind) {
    case "accept":
    case "drop":
    case "reject":
    case "return":
    case "notrack":
      return action.kind;
    case "jump":
    case "goto":
      return `${action.kind} ${nftChainName(layer, action.target)}`;
    case "setMark":
      return `meta mark set mark or ${hex(action.mark)}`;
    case "clearMark":
      return `meta mark set mark & ${hex(~action.mark)}`;
    case "setMaskedMark":
      return `meta mark set mark & ${hex(~action.mask)} ^ ${hex(action.mark)}`;
    case "masquerade":
      return "masquerade" + (action.toPorts === undefined ? "" : ` to :${action.toPorts}`) +
        (action.fullyRandom ? " fully-random" : "");
    case "snat":
      return `snat to ${action.to}${action.fullyRandom ? " fully-random" : ""}`;
    case "dnat":
      return `dnat to ${action.to}`;
    case "log":
      return `log prefix "${action.prefix}: " level info`;
    default:
      return assertNever(action, "action");
  }
}

/** The verdict map name of a dispatch chain: the chain's own layer-prefixed name. */
export function dispatchMapName(layer: Layer, chainName: string): string {
  return nftChainName(layer, chainName);
}

/**
 * A rule's body: terms, then `counter` and the action; `continue` when empty. A dispatch rule
 * is `iifname vmap @<map>` (no counter), the map being named after the chain.
 */
export function renderRuleBody(
  r: Rule,
  version: IPVersion,
  layer: Layer,
  chainName: string,
): string {
  const parts = r.match.map((t) => renderMatch(t, version));
  const action = r.action;
  if (action?.kind === "dispatchMap") {
    parts.push(
      `${action.dir === "in" ? "iifname" : "oifname"} vmap @${dispatchMapName(layer, chainName)}`,
    );
  } else if (action !== undefined) {
    parts.push("counter", renderAction(action, layer));
  }
  return parts.length === 0 ? "continue" : parts.join(" ");
}

const UNSAFE = /[^\w @%+=:,./-]/g;
/** knftables' comment limit. */
export const COMMENT_MAX = 128;

/**
 * The comment upstream writes: `cali:<hash>;` then each comment (unsafe characters -> `_`),
 * space-separated, each cut to share the 128-character limit, the whole cut to 128.
 */
export function ruleComment(hash: string, comments: readonly string[]): string {
  const head = `cali:${hash};`;
  const parts = [head];
  if (comments.length > 0) {
    const per = Math.floor((COMMENT_MAX - head.length) / comments.length);
    for (const c of comments) parts.push(c.replace(UNSAFE, "_").slice(0, per));
  }
  return parts.join(" ").slice(0, COMMENT_MAX);
}
