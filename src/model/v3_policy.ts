/**
 * The policy side of the Calico `projectcalico.org/v3` API as TypeScript types: rules, entity
 * rules, policies (enforced and staged, namespaced and global), tiers and profiles.
 *
 * These are the shapes after decoding and validation (`decode.ts`): optional fields stay optional,
 * nothing is defaulted here. Field names are the v3 YAML/JSON names.
 *
 * @module
 */
import type { ObjectMeta } from "./object_meta.ts";

/** A rule's verdict as written in v3. */
export type RuleAction = "Allow" | "Deny" | "Log" | "Pass";

/** A protocol: a canonical name (`TCP`, `UDP`, `ICMP`, `ICMPv6`, `SCTP`, `UDPLite`) or 1-255. */
export type Protocol = string | number;

/** A port entry: a number, `"N"`, `"min:max"`, or a named port. */
export type Port = number | string;

/** The ICMP type/code match. `code` requires `type`. */
export interface ICMPFields {
  readonly type?: number;
  readonly code?: number;
}

/** Match on service accounts: names (any of) AND a selector over service-account labels. */
export interface ServiceAccountMatch {
  readonly names?: readonly string[];
  readonly selector?: string;
}

/** Match on a Kubernetes service; an empty namespace means the policy's own namespace. */
export interface ServiceMatch {
  readonly name: string;
  readonly namespace?: string;
}

/** One side (source or destination) of a rule. */
export interface EntityRule {
  readonly nets?: readonly string[];
  readonly notNets?: readonly string[];
  readonly selector?: string;
  readonly notSelector?: string;
  readonly namespaceSelector?: string;
  readonly ports?: readonly Port[];
  readonly notPorts?: readonly Port[];
  readonly serviceAccounts?: ServiceAccountMatch;
  readonly services?: ServiceMatch;
}

/** An HTTP path match: exactly one of `exact` or `prefix`. */
export interface HTTPPath {
  readonly exact?: string;
  readonly prefix?: string;
}

/** L7 match carried through to Felix (the kernel dataplanes ignore it). */
export interface HTTPMatch {
  readonly methods?: readonly string[];
  readonly paths?: readonly HTTPPath[];
}

/** Free-form metadata on a rule. */
export interface RuleMetadata {
  readonly annotations?: Readonly<Record<string, string>>;
}

/** One v3 rule. */
export interface Rule {
  readonly action: RuleAction;
  readonly ipVersion?: 4 | 6;
  readonly protocol?: Protocol;
  readonly notProtocol?: Protocol;
  readonly icmp?: ICMPFields;
  readonly notICMP?: ICMPFields;
  readonly source?: EntityRule;
  readonly destination?: EntityRule;
  readonly http?: HTTPMatch;
  readonly metadata?: RuleMetadata;
}

/** A policy direction. */
export type PolicyType = "Ingress" | "Egress";

/** Staged policies' action. `Delete` makes the syncer treat the object as absent. */
export type StagedAction = "Set" | "Delete" | "Learn" | "Ignore";

/** The spec shared by namespaced policies (enforced and staged). */
export interface NetworkPolicySpec {
  readonly tier?: string;
  readonly order?: number;
  readonly selector?: string;
  readonly types?: readonly PolicyType[];
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
  readonly serviceAccountSelector?: string;
  readonly performanceHints?: readonly string[];
}

/** The spec of global policies: the namespaced spec plus the host-facing flags. */
export interface GlobalNetworkPolicySpec extends NetworkPolicySpec {
  readonly namespaceSelector?: string;
  readonly doNotTrack?: boolean;
  readonly preDNAT?: boolean;
  readonly applyOnForward?: boolean;
}

/** Staged twins add `stagedAction`. */
export interface StagedNetworkPolicySpec extends NetworkPolicySpec {
  readonly stagedAction?: StagedAction;
}

/** Staged global twin. */
export interface StagedGlobalNetworkPolicySpec extends GlobalNetworkPolicySpec {
  readonly stagedAction?: StagedAction;
}

/** A tier's spec. `order` absent sorts after every ordered tier. */
export interface TierSpec {
  readonly order?: number;
  readonly defaultAction?: "Deny" | "Pass";
}

/** A profile: rules plus labels that endpoints naming it inherit. */
export interface ProfileSpec {
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
  readonly labelsToApply?: Readonly<Record<string, string>>;
}

/** `projectcalico.org/v3` NetworkPolicy. */
export interface NetworkPolicy {
  readonly kind: "NetworkPolicy";
  readonly metadata: ObjectMeta;
  readonly spec: NetworkPolicySpec;
}

/** `projectcalico.org/v3` GlobalNetworkPolicy. */
export interface GlobalNetworkPolicy {
  readonly kind: "GlobalNetworkPolicy";
  readonly metadata: ObjectMeta;
  readonly spec: GlobalNetworkPolicySpec;
}

/** `projectcalico.org/v3` StagedNetworkPolicy. */
export interface StagedNetworkPolicy {
  readonly kind: "StagedNetworkPolicy";
  readonly metadata: ObjectMeta;
  readonly spec: StagedNetworkPolicySpec;
}

/** `projectcalico.org/v3` StagedGlobalNetworkPolicy. */
export interface StagedGlobalNetworkPolicy {
  readonly kind: "StagedGlobalNetworkPolicy";
  readonly metadata: ObjectMeta;
  readonly spec: StagedGlobalNetworkPolicySpec;
}

/** `projectcalico.org/v3` Tier. */
export interface Tier {
  readonly kind: "Tier";
  readonly metadata: ObjectMeta;
  readonly spec: TierSpec;
}

/** `projectcalico.org/v3` Profile. */
export interface Profile {
  readonly kind: "Profile";
  readonly metadata: ObjectMeta;
  readonly spec: ProfileSpec;
}
