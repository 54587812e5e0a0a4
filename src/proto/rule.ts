/**
 * A rule as the dataplane receives it: every selector already replaced by IP-set ids, ports split
 * into numeric ranges and named-port sets, protocols lower-case. Mirrors upstream's proto `Rule`.
 *
 * @module
 */

/** An inclusive port range. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/** An ICMP match; `code` absent matches every code of the type. */
export interface ICMPMatch {
  readonly type: number;
  readonly code?: number;
}

/** An HTTP path match. */
export type HTTPPathMatch = { readonly exact: string } | { readonly prefix: string };

/** A fully resolved rule. Empty arrays mean "no constraint". */
export interface Rule {
  readonly action: "allow" | "deny" | "log" | "next-tier";
  /** 0 = any, else 4 or 6 (inferred from ICMP/ICMPv6 when the rule did not say). */
  readonly ipVersion: 0 | 4 | 6;
  /** Lower-case name or a number; absent = any protocol. */
  readonly protocol?: string | number;
  readonly notProtocol?: string | number;
  readonly icmp?: ICMPMatch;
  readonly notICMP?: ICMPMatch;

  readonly srcNet: readonly string[];
  readonly srcPorts: readonly PortRange[];
  readonly srcIPSetIds: readonly string[];
  readonly srcNamedPortIPSetIds: readonly string[];
  readonly notSrcNet: readonly string[];
  readonly notSrcPorts: readonly PortRange[];
  readonly notSrcIPSetIds: readonly string[];
  readonly notSrcNamedPortIPSetIds: readonly string[];

  readonly dstNet: readonly string[];
  readonly dstPorts: readonly PortRange[];
  readonly dstIPSetIds: readonly string[];
  readonly dstNamedPortIPSetIds: readonly string[];
  /** Service sets (IP and port) the destination must be in. */
  readonly dstIPPortSetIds: readonly string[];
  readonly notDstNet: readonly string[];
  readonly notDstPorts: readonly PortRange[];
  readonly notDstIPSetIds: readonly string[];
  readonly notDstNamedPortIPSetIds: readonly string[];

  readonly httpMethods?: readonly string[];
  readonly httpPaths?: readonly HTTPPathMatch[];
  readonly annotations?: Readonly<Record<string, string>>;

  /** The raw selectors the rule was written with, for logs. */
  readonly originalSrcSelector: string;
  readonly originalDstSelector: string;
  readonly originalSrcNamespaceSelector: string;
  readonly originalDstNamespaceSelector: string;
  readonly originalNotSrcSelector: string;
  readonly originalNotDstSelector: string;

  /** Stable id of the rule within its policy/profile and direction (16 chars). */
  readonly ruleId: string;
}

/** A rule before its id is known (the id is chained over the converted rules). */
export type RuleWithoutId = Omit<Rule, "ruleId">;

/**
 * A rule with the given action and no constraint: every list empty, every original selector "".
 * A new object on each call.
 */
export function blankRule(action: Rule["action"]): RuleWithoutId {
  return {
    action,
    ipVersion: 0,
    srcNet: [],
    srcPorts: [],
    srcIPSetIds: [],
    srcNamedPortIPSetIds: [],
    notSrcNet: [],
    notSrcPorts: [],
    notSrcIPSetIds: [],
    notSrcNamedPortIPSetIds: [],
    dstNet: [],
    dstPorts: [],
    dstIPSetIds: [],
    dstNamedPortIPSetIds: [],
    dstIPPortSetIds: [],
    notDstNet: [],
    notDstPorts: [],
    notDstIPSetIds: [],
    notDstNamedPortIPSetIds: [],
    originalSrcSelector: "",
    originalDstSelector: "",
    originalSrcNamespaceSelector: "",
    originalDstNamespaceSelector: "",
    originalNotSrcSelector: "",
    originalNotDstSelector: "",
  };
}
