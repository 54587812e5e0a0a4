/**
 * The backend-neutral rule model: a chain is a name and an ordered list of rules; a rule is a
 * list of match terms (ANDed) and at most one action, plus descriptive comments. Backends
 * (`src/dataplane/nftables/render_rule.ts`) turn terms and actions into their own syntax; the
 * terms mirror upstream's match builder so each backend can reproduce upstream's rule text.
 *
 * @module
 */
import type { PortRange } from "../../proto/rule.ts";

/** An IP version. */
export type IPVersion = 4 | 6;

/** Upstream's logical tables; in nftables they become chain-name prefixes ("layers"). */
export type Layer = "raw" | "mangle" | "nat" | "filter";

/** Every layer, in the order tables are rendered. */
export const LAYERS: readonly Layer[] = ["filter", "raw", "mangle", "nat"];

/** Which address of the packet a term looks at. */
export type Side = "src" | "dst";

/** A protocol as rules carry it: a lower-case name or a number. */
export type Protocol = string | number;

const TRANSPORT: Readonly<Record<string, string>> = {
  tcp: "tcp",
  udp: "udp",
  sctp: "sctp",
  "6": "tcp",
  "17": "udp",
  "132": "sctp",
};

/** The name of a protocol whose ports rules can match (tcp, udp, sctp, by name or number). */
export function transportName(protocol: Protocol): string | undefined {
  return TRANSPORT[String(protocol)];
}

/** One match term. Terms of a rule are ANDed, in order. */
export type Match =
  | { readonly kind: "protocol"; readonly protocol: Protocol; readonly negate: boolean }
  /** Interface name; a trailing `*` matches a prefix. */
  | { readonly kind: "iface"; readonly dir: "in" | "out"; readonly name: string }
  | { readonly kind: "net"; readonly side: Side; readonly cidr: string; readonly negate: boolean }
  /** Address in the IP set with this id (`s:...`, `this-host`, ...). */
  | { readonly kind: "set"; readonly side: Side; readonly setId: string; readonly negate: boolean }
  /** Address, protocol and port in an ip-and-port set (named ports, services). */
  | {
    readonly kind: "ipPortSet";
    readonly side: Side;
    readonly setId: string;
    readonly negate: boolean;
  }
  /** Ports of `protocol` (tcp/udp/sctp or their numbers); braced list in nft. */
  | {
    readonly kind: "ports";
    readonly side: Side;
    readonly protocol: Protocol;
    readonly ports: readonly PortRange[];
    readonly negate: boolean;
  }
  /** One port without braces (upstream's `DestPort`). */
  | {
    readonly kind: "port";
    readonly side: Side;
    readonly protocol: Protocol;
    readonly port: number;
  }
  | {
    readonly kind: "icmp";
    readonly version: IPVersion;
    readonly type: number;
    readonly code?: number;
    readonly negate: boolean;
  }
  /** `(mark & mask) == value` (or `!=` when negated); value 0 = "bits clear". */
  | {
    readonly kind: "mark";
    readonly mask: number;
    readonly value: number;
    readonly negate: boolean;
  }
  | {
    readonly kind: "ctState";
    readonly states: readonly ("related" | "established" | "invalid")[];
  }
  | { readonly kind: "ctStatusDNAT"; readonly negate: boolean }
  /** Strict reverse-path check failed (nft `fib saddr . mark . iif oif 0`). */
  | { readonly kind: "rpfFailed" }
  /** Address type local; `limitIfaceOut` restricts the source check to the output interface. */
  | {
    readonly kind: "addrTypeLocal";
    readonly side: Side;
    readonly negate: boolean;
    readonly limitIfaceOut: boolean;
  };

/** One action. */
export type Action =
  | { readonly kind: "accept" }
  | { readonly kind: "drop" }
  | { readonly kind: "reject" }
  | { readonly kind: "return" }
  | { readonly kind: "jump"; readonly target: string }
  | { readonly kind: "goto"; readonly target: string }
  /** `mark |= mark`. */
  | { readonly kind: "setMark"; readonly mark: number }
  /** `mark &= ~mark`. */
  | { readonly kind: "clearMark"; readonly mark: number }
  /** `mark = (mark & ~mask) ^ mark`. */
  | { readonly kind: "setMaskedMark"; readonly mark: number; readonly mask: number }
  | { readonly kind: "notrack" }
  /** `toPorts` is `a-b`. */
  | { readonly kind: "masquerade"; readonly toPorts?: string; readonly fullyRandom: boolean }
  /** `to` is an address, or `address:a-b`. */
  | { readonly kind: "snat"; readonly to: string; readonly fullyRandom: boolean }
  | { readonly kind: "dnat"; readonly to: string }
  | { readonly kind: "log"; readonly prefix: string }
  /**
   * Dispatch on the interface name to `goto <chain>` per interface (nft: a verdict map of the
   * same name as the chain holding this rule). Entries are sorted by interface.
   */
  | {
    readonly kind: "dispatchMap";
    readonly dir: "in" | "out";
    readonly entries: readonly { readonly iface: string; readonly target: string }[];
  };

/** One rule. An empty rule (no terms, no action) is a no-op carrying comments. */
export interface Rule {
  readonly match: readonly Match[];
  readonly action?: Action;
  readonly comments: readonly string[];
}

/** A chain: ordered rules under a name without layer prefix (`cali-tw-cali1234`). */
export interface Chain {
  readonly name: string;
  readonly rules: readonly Rule[];
}

/** A rule from terms, an action and optional comments. */
export function rule(match: readonly Match[], action?: Action, ...comments: string[]): Rule {
  return action === undefined ? { match, comments } : { match, action, comments };
}

/** Match-term builders (the common ones). */
export const m = {
  markSet: (bit: number): Match => ({ kind: "mark", mask: bit, value: bit, negate: false }),
  markClear: (mask: number): Match => ({ kind: "mark", mask, value: 0, negate: false }),
  markNotClear: (mask: number): Match => ({ kind: "mark", mask, value: 0, negate: true }),
  inIface: (name: string): Match => ({ kind: "iface", dir: "in", name }),
  outIface: (name: string): Match => ({ kind: "iface", dir: "out", name }),
  proto: (protocol: Protocol): Match => ({ kind: "protocol", protocol, negate: false }),
  srcSet: (setId: string): Match => ({ kind: "set", side: "src", setId, negate: false }),
  dstSet: (setId: string, negate = false): Match => ({ kind: "set", side: "dst", setId, negate }),
  srcNet: (cidr: string): Match => ({ kind: "net", side: "src", cidr, negate: false }),
  dstNet: (cidr: string): Match => ({ kind: "net", side: "dst", cidr, negate: false }),
  dports: (protocol: Protocol, ...ports: number[]): Match => ({
    kind: "ports",
    side: "dst",
    protocol,
    ports: ports.map((p) => ({ first: p, last: p })),
    negate: false,
  }),
  sports: (protocol: Protocol, ...ports: number[]): Match => ({
    kind: "ports",
    side: "src",
    protocol,
    ports: ports.map((p) => ({ first: p, last: p })),
    negate: false,
  }),
  ctEstablished: (): Match => ({ kind: "ctState", states: ["related", "established"] }),
  ctInvalid: (): Match => ({ kind: "ctState", states: ["invalid"] }),
  dstLocal: (): Match => ({
    kind: "addrTypeLocal",
    side: "dst",
    negate: false,
    limitIfaceOut: false,
  }),
  srcLocal: (): Match => ({
    kind: "addrTypeLocal",
    side: "src",
    negate: false,
    limitIfaceOut: false,
  }),
} as const;

/** Action builders. */
export const a = {
  accept: (): Action => ({ kind: "accept" }),
  drop: (): Action => ({ kind: "drop" }),
  ret: (): Action => ({ kind: "return" }),
  jump: (target: string): Action => ({ kind: "jump", target }),
  goto: (target: string): Action => ({ kind: "goto", target }),
  setMark: (mark: number): Action => ({ kind: "setMark", mark }),
  clearMark: (mark: number): Action => ({ kind: "clearMark", mark }),
  notrack: (): Action => ({ kind: "notrack" }),
} as const;

/** The chain names an action refers to (jump/goto targets and dispatch targets). */
export function actionTargets(action: Action | undefined): readonly string[] {
  if (action === undefined) return [];
  if (action.kind === "jump" || action.kind === "goto") return [action.target];
  if (action.kind === "dispatchMap") return action.entries.map((e) => e.target);
  return [];
}
