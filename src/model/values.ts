/**
 * Values of the internal model the calc graph consumes (upstream's "v1 model"), after conversion
 * from v3 resources and Kubernetes objects (`convert_*.ts`). Field meanings follow upstream; names
 * are camelCase. All values are deeply readonly: never mutated after they are emitted.
 *
 * @module
 */
import type { Node } from "./v3_resources.ts";
import type { KubernetesEndpointSlice, KubernetesService } from "./k8s.ts";
import type { FelixConfiguration } from "./v3_resources.ts";
import type { StagedAction } from "./v3_policy.ts";

/** A label map. */
export type Labels = Readonly<Record<string, string>>;

/** A rule's verdict downstream. */
export type RuleAction = "allow" | "deny" | "log" | "next-tier";

/** An inclusive numeric port range. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/** One side of a rule after conversion: nets normalised, selectors combined into one string. */
export interface RuleSide {
  /** Networks, masked to their network address (`10.1.2.3/8` -> `10.0.0.0/8`). */
  readonly nets: readonly string[];
  /** The combined selector (namespace, service-account and own selector), or "". */
  readonly selector: string;
  readonly ports: readonly PortRange[];
  readonly namedPorts: readonly string[];
  readonly notNets: readonly string[];
  /** `notSelector`, passed through raw (never namespace-scoped). */
  readonly notSelector: string;
  readonly notPorts: readonly PortRange[];
  readonly notNamedPorts: readonly string[];
  /** `services` match: name and namespace (policy namespace when the rule left it empty). */
  readonly serviceName?: string;
  readonly serviceNamespace?: string;
  /** The raw v3 selectors, kept for logs and flow reports. */
  readonly originalSelector: string;
  readonly originalNotSelector: string;
  readonly originalNamespaceSelector: string;
  readonly originalServiceAccountNames: readonly string[];
  readonly originalServiceAccountSelector: string;
}

/** An ICMP match. */
export interface ICMPMatch {
  readonly type: number;
  readonly code?: number;
}

/** One rule after conversion. */
export interface Rule {
  readonly action: RuleAction;
  readonly ipVersion?: 4 | 6;
  /** Lower-case protocol name (`tcp`, `icmpv6`, `udplite`) or a number 1-255. */
  readonly protocol?: string | number;
  readonly notProtocol?: string | number;
  readonly icmp?: ICMPMatch;
  readonly notICMP?: ICMPMatch;
  readonly src: RuleSide;
  readonly dst: RuleSide;
  readonly httpMethods?: readonly string[];
  readonly httpPaths?: readonly ({ readonly exact: string } | { readonly prefix: string })[];
  readonly annotations?: Labels;
}

/** A policy direction downstream. */
export type PolicyDirection = "ingress" | "egress";

/** A policy after conversion. */
export interface Policy {
  readonly tier: string;
  /** `null` = no order: sorts after every ordered policy. */
  readonly order: number | null;
  /** The combined selector (see selectors-policy.md §2.3). */
  readonly selector: string;
  /** Normalised selector for display: canonical form, `all()` when empty. */
  readonly originalSelector: string;
  readonly namespace: string;
  readonly types: readonly PolicyDirection[];
  readonly inboundRules: readonly Rule[];
  readonly outboundRules: readonly Rule[];
  readonly untracked: boolean;
  readonly preDNAT: boolean;
  readonly applyOnForward: boolean;
  readonly performanceHints: readonly string[];
  readonly stagedAction?: StagedAction;
}

/** A tier after conversion: `defaultAction` is `Pass` only when explicitly so. */
export interface Tier {
  readonly order: number | null;
  readonly defaultAction: "Deny" | "Pass";
}

/** A profile's rules. */
export interface ProfileRules {
  readonly inboundRules: readonly Rule[];
  readonly outboundRules: readonly Rule[];
}

/** A named port on an endpoint (lower-case protocol name, or a number). */
export interface EndpointPort {
  readonly name: string;
  readonly protocol: string | number;
  readonly port: number;
}

/** A floating-IP mapping. */
export interface NATInfo {
  readonly extIP: string;
  readonly intIP: string;
}

/** A workload endpoint after conversion. Endpoints without IPs are deleted, never sent. */
export interface WorkloadEndpoint {
  readonly state: "active";
  /** The host-side interface name, e.g. `cali7f94ce7c295`. */
  readonly name: string;
  readonly mac?: string;
  readonly profileIds: readonly string[];
  readonly ipv4Nets: readonly string[];
  readonly ipv6Nets: readonly string[];
  readonly ipv4NAT: readonly NATInfo[];
  readonly ipv6NAT: readonly NATInfo[];
  readonly ipv4Gateway?: string;
  readonly ipv6Gateway?: string;
  readonly labels: Labels;
  readonly ports: readonly EndpointPort[];
  readonly generateName?: string;
  readonly allowSpoofedSourcePrefixes: readonly string[];
  readonly annotations?: Labels;
  readonly qosControls?: Readonly<Record<string, number>>;
}

/** A host endpoint after conversion. */
export interface HostEndpoint {
  /** Interface name, `*` for all interfaces, or "" (match by expected IPs). */
  readonly name: string;
  readonly expectedIPv4Addrs: readonly string[];
  readonly expectedIPv6Addrs: readonly string[];
  readonly labels: Labels;
  readonly profileIds: readonly string[];
  readonly ports: readonly EndpointPort[];
}

/** A network set after conversion. */
export interface NetworkSet {
  readonly nets: readonly string[];
  readonly labels: Labels;
  readonly profileIds: readonly string[];
}

/** Encapsulation modes downstream. */
export type EncapMode = "always" | "cross-subnet" | "never";

/** An IP pool after conversion. */
export interface IPPool {
  readonly cidr: string;
  /** `tunl0` when IPIP is on, else "". */
  readonly ipipInterface: string;
  readonly ipipMode: EncapMode;
  readonly vxlanMode: EncapMode;
  readonly masquerade: boolean;
  readonly ipam: boolean;
  readonly disabled: boolean;
  readonly disableBGPExport: boolean;
  readonly assignmentMode: "Automatic" | "Manual";
  readonly allowedUses: readonly string[];
}

/** An IPAM block: its CIDR, the node it is affine to, and which addresses are in use. */
export interface AllocationBlock {
  readonly cidr: string;
  /** `host:<node>`, or undefined for an unaffine block. */
  readonly affinity?: string;
  readonly allocations: readonly (number | null)[];
}

/** A node's WireGuard data. */
export interface Wireguard {
  readonly interfaceIPv4Addr?: string;
  readonly publicKey?: string;
  readonly interfaceIPv6Addr?: string;
  readonly publicKeyV6?: string;
}

/** A whole object passed through under a `Resource` key. */
export type PassThroughResource =
  | Node
  | FelixConfiguration
  | KubernetesService
  | KubernetesEndpointSlice;
