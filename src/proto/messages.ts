/**
 * The messages from the calc graph to the dataplane, one readonly type each, discriminated by
 * `type`. They follow upstream's `felixbackend.proto` (names, fields and meaning); field names are
 * camelCase. Consumers switch exhaustively over `ToDataplane["type"]`.
 *
 * @module
 */
import type { Rule } from "./rule.ts";

/** How a policy is identified: `kind/namespace/name` in upstream's v3.32+ scheme. */
export interface PolicyID {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** A workload endpoint id (the hostname is implicit: this node). */
export interface WorkloadEndpointID {
  readonly orchestratorId: string;
  readonly workloadId: string;
  readonly endpointId: string;
}

/** One tier as seen by one endpoint: the policies that govern each direction, in order. */
export interface TierInfo {
  readonly name: string;
  readonly ingressPolicies: readonly PolicyID[];
  readonly egressPolicies: readonly PolicyID[];
  /** `Deny` or `Pass`; "" for a tier with no Tier resource (treated as Deny). */
  readonly defaultAction: "Deny" | "Pass" | "";
}

/** IP set member types. */
export type IPSetType = "ip" | "ip-and-port" | "net";

/** Route type bits (upstream values). */
export const RouteTypes = {
  CIDR_INFO: 0,
  REMOTE_WORKLOAD: 1,
  REMOTE_HOST: 2,
  LOCAL_WORKLOAD: 4,
  LOCAL_HOST: 8,
  REMOTE_TUNNEL: 16,
  LOCAL_TUNNEL: 32,
} as const;

/** The pool type of a route's destination. */
export type IPPoolType = "none" | "no-encap" | "vxlan" | "ipip";

/** Config changed: the resolved raw parameters, and per source. */
export interface ConfigUpdate {
  readonly type: "ConfigUpdate";
  readonly config: Readonly<Record<string, string>>;
  readonly sourceToRawConfig: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The first flush after the datastore reached in-sync is complete. */
export interface InSync {
  readonly type: "InSync";
}

/** A whole IP set (first send, or resend). */
export interface IPSetUpdate {
  readonly type: "IPSetUpdate";
  readonly id: string;
  readonly ipSetType: IPSetType;
  readonly members: readonly string[];
}

/** Changes to a set already sent. */
export interface IPSetDeltaUpdate {
  readonly type: "IPSetDeltaUpdate";
  readonly id: string;
  readonly addedMembers: readonly string[];
  readonly removedMembers: readonly string[];
}

/** An IP set no longer referenced. */
export interface IPSetRemove {
  readonly type: "IPSetRemove";
  readonly id: string;
}

/** A policy as the dataplane renders it. */
export interface Policy {
  readonly tier: string;
  readonly namespace: string;
  readonly inboundRules: readonly Rule[];
  readonly outboundRules: readonly Rule[];
  readonly untracked: boolean;
  readonly preDNAT: boolean;
  readonly originalSelector: string;
  readonly performanceHints: readonly string[];
}

/** An active policy (or its new content). */
export interface ActivePolicyUpdate {
  readonly type: "ActivePolicyUpdate";
  readonly id: PolicyID;
  readonly policy: Policy;
}

/** A policy no longer active here. */
export interface ActivePolicyRemove {
  readonly type: "ActivePolicyRemove";
  readonly id: PolicyID;
}

/** An active profile's rules. */
export interface ActiveProfileUpdate {
  readonly type: "ActiveProfileUpdate";
  readonly id: string;
  readonly inboundRules: readonly Rule[];
  readonly outboundRules: readonly Rule[];
}

/** A profile no longer active here. */
export interface ActiveProfileRemove {
  readonly type: "ActiveProfileRemove";
  readonly id: string;
}

/** A floating-IP NAT. */
export interface NATInfo {
  readonly extIP: string;
  readonly intIP: string;
}

/** A local workload endpoint with its ordered tiers. */
export interface WorkloadEndpoint {
  readonly state: string;
  readonly name: string;
  readonly mac: string;
  readonly profileIds: readonly string[];
  readonly ipv4Nets: readonly string[];
  readonly ipv6Nets: readonly string[];
  readonly tiers: readonly TierInfo[];
  readonly ipv4NAT: readonly NATInfo[];
  readonly ipv6NAT: readonly NATInfo[];
  readonly allowSpoofedSourcePrefixes: readonly string[];
  readonly annotations: Readonly<Record<string, string>>;
}

/** Add or change a local workload endpoint. */
export interface WorkloadEndpointUpdate {
  readonly type: "WorkloadEndpointUpdate";
  readonly id: WorkloadEndpointID;
  readonly endpoint: WorkloadEndpoint;
}

/** A local workload endpoint went away. */
export interface WorkloadEndpointRemove {
  readonly type: "WorkloadEndpointRemove";
  readonly id: WorkloadEndpointID;
}

/** A local host endpoint with its four tier lists. */
export interface HostEndpoint {
  readonly name: string;
  readonly profileIds: readonly string[];
  readonly tiers: readonly TierInfo[];
  readonly untrackedTiers: readonly TierInfo[];
  readonly preDNATTiers: readonly TierInfo[];
  readonly forwardTiers: readonly TierInfo[];
  readonly expectedIPv4Addrs: readonly string[];
  readonly expectedIPv6Addrs: readonly string[];
}

/** Add or change a local host endpoint. */
export interface HostEndpointUpdate {
  readonly type: "HostEndpointUpdate";
  readonly id: string;
  readonly endpoint: HostEndpoint;
}

/** A local host endpoint went away. */
export interface HostEndpointRemove {
  readonly type: "HostEndpointRemove";
  readonly id: string;
}

/** A route this node should know about. */
export interface RouteUpdate {
  readonly type: "RouteUpdate";
  /** Bitmask of `RouteTypes`. */
  readonly types: number;
  readonly ipPoolType: IPPoolType;
  readonly dst: string;
  readonly dstNodeName: string;
  readonly dstNodeIp: string;
  readonly sameSubnet: boolean;
  readonly natOutgoing: boolean;
  readonly localWorkload: boolean;
  readonly tunnelType: {
    readonly ipip: boolean;
    readonly vxlan: boolean;
    readonly wireguard: boolean;
  };
  readonly borrowed: boolean;
}

/** A route went away. */
export interface RouteRemove {
  readonly type: "RouteRemove";
  readonly dst: string;
}

/** A VXLAN tunnel endpoint (VTEP) of a node. */
export interface VXLANTunnelEndpointUpdate {
  readonly type: "VXLANTunnelEndpointUpdate";
  readonly node: string;
  readonly mac: string;
  readonly ipv4Addr: string;
  readonly parentDeviceIp: string;
  readonly macV6: string;
  readonly ipv6Addr: string;
  readonly parentDeviceIpv6: string;
}

/** A VTEP went away. */
export interface VXLANTunnelEndpointRemove {
  readonly type: "VXLANTunnelEndpointRemove";
  readonly node: string;
}

/** An IP pool. `id` is the CIDR with `/` replaced by `-`. */
export interface IPAMPoolUpdate {
  readonly type: "IPAMPoolUpdate";
  readonly id: string;
  readonly pool: {
    readonly cidr: string;
    readonly masquerade: boolean;
    readonly ipipMode: string;
    readonly vxlanMode: string;
    readonly allowedUses: readonly string[];
  };
}

/** An IP pool went away. */
export interface IPAMPoolRemove {
  readonly type: "IPAMPoolRemove";
  readonly id: string;
}

/** A node's addresses. */
export interface HostMetadataUpdate {
  readonly type: "HostMetadataUpdate";
  readonly hostname: string;
  readonly ipv4Addr: string;
  readonly ipv6Addr: string;
  readonly asNumber: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A node went away. */
export interface HostMetadataRemove {
  readonly type: "HostMetadataRemove";
  readonly hostname: string;
}

/** Which encapsulations the pools need. */
export interface EncapsulationUpdate {
  readonly type: "EncapsulationUpdate";
  readonly ipipEnabled: boolean;
  readonly vxlanEnabled: boolean;
  readonly vxlanEnabledV6: boolean;
  readonly noEncapEnabled: boolean;
}

/** A namespace's labels (prefix stripped). */
export interface NamespaceUpdate {
  readonly type: "NamespaceUpdate";
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A namespace went away. */
export interface NamespaceRemove {
  readonly type: "NamespaceRemove";
  readonly name: string;
}

/** A service account's labels (prefix stripped). */
export interface ServiceAccountUpdate {
  readonly type: "ServiceAccountUpdate";
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A service account went away. */
export interface ServiceAccountRemove {
  readonly type: "ServiceAccountRemove";
  readonly namespace: string;
  readonly name: string;
}

/** Every message to the dataplane. */
export type ToDataplane =
  | ConfigUpdate
  | InSync
  | IPSetUpdate
  | IPSetDeltaUpdate
  | IPSetRemove
  | ActivePolicyUpdate
  | ActivePolicyRemove
  | ActiveProfileUpdate
  | ActiveProfileRemove
  | WorkloadEndpointUpdate
  | WorkloadEndpointRemove
  | HostEndpointUpdate
  | HostEndpointRemove
  | RouteUpdate
  | RouteRemove
  | VXLANTunnelEndpointUpdate
  | VXLANTunnelEndpointRemove
  | IPAMPoolUpdate
  | IPAMPoolRemove
  | HostMetadataUpdate
  | HostMetadataRemove
  | EncapsulationUpdate
  | NamespaceUpdate
  | NamespaceRemove
  | ServiceAccountUpdate
  | ServiceAccountRemove;

/** A message type name. */
export type MessageType = ToDataplane["type"];

/** Upstream's policy id string: `kind/namespace/name`, or `kind/name` for global kinds. */
export function policyIdString(id: PolicyID): string {
  return id.namespace === "" ? `${id.kind}/${id.name}` : `${id.kind}/${id.namespace}/${id.name}`;
}

/** A workload endpoint id as one string: `orchestratorId/workloadId/endpointId`. */
export function workloadEndpointIdString(id: WorkloadEndpointID): string {
  return `${id.orchestratorId}/${id.workloadId}/${id.endpointId}`;
}
