/**
 * The interfaces between calc-graph nodes, and between the graph and the event sequencer.
 *
 * Data flows: dispatcher -> active rules calculator (ARC) -> rule scanner -> IP-set member index;
 * ARC -> policy resolver; route/VXLAN/encapsulation resolvers on their own; every node ends at
 * the `CalcSink` (the event sequencer), which coalesces and orders what it is told.
 * All calls are synchronous. A node never mutates a value after passing it on.
 *
 * @module
 */
import type { PolicyKey } from "../model/keys.ts";
import type { Policy as ModelPolicy, ProfileRules } from "../model/values.ts";
import type {
  EncapsulationUpdate,
  HostEndpoint,
  HostMetadataUpdate,
  IPAMPoolUpdate,
  IPSetType,
  Policy,
  PolicyID,
  RouteUpdate,
  VXLANTunnelEndpointUpdate,
  WorkloadEndpoint,
  WorkloadEndpointID,
} from "../proto/messages.ts";
import type { Rule } from "../proto/rule.ts";

/** What an IP set contains: selector members, named-port members, or service members. */
export interface IPSetData {
  readonly id: string;
  readonly type: IPSetType;
  /** Canonical selector (the set's members are the matching endpoints/network sets). */
  readonly selector: string;
  /** For named-port sets: the port name and protocol (`tcp`, `udp`, `sctp` or `any`). */
  readonly namedPort?: string;
  readonly namedPortProtocol?: "tcp" | "udp" | "sctp" | "any";
}

/** Everything the graph tells the event sequencer. */
export interface CalcSink {
  onIPSetAdded(id: string, type: IPSetType): void;
  onIPSetRemoved(id: string): void;
  onIPSetMemberAdded(id: string, member: string): void;
  onIPSetMemberRemoved(id: string, member: string): void;

  onPolicyActive(id: PolicyID, policy: Policy): void;
  onPolicyInactive(id: PolicyID): void;
  onProfileActive(id: string, inboundRules: readonly Rule[], outboundRules: readonly Rule[]): void;
  onProfileInactive(id: string): void;

  onWorkloadEndpointUpdate(id: WorkloadEndpointID, endpoint: WorkloadEndpoint): void;
  onWorkloadEndpointRemove(id: WorkloadEndpointID): void;
  onHostEndpointUpdate(id: string, endpoint: HostEndpoint): void;
  onHostEndpointRemove(id: string): void;

  onRouteUpdate(route: RouteUpdate): void;
  onRouteRemove(dst: string): void;
  onVTEPUpdate(vtep: VXLANTunnelEndpointUpdate): void;
  onVTEPRemove(node: string): void;
  onIPPoolUpdate(pool: IPAMPoolUpdate): void;
  onIPPoolRemove(id: string): void;
  onHostMetadataUpdate(host: HostMetadataUpdate): void;
  onHostMetadataRemove(hostname: string): void;
  onEncapsulationUpdate(encap: EncapsulationUpdate): void;

  onNamespaceUpdate(name: string, labels: Readonly<Record<string, string>>): void;
  onNamespaceRemove(name: string): void;
  onServiceAccountUpdate(
    namespace: string,
    name: string,
    labels: Readonly<Record<string, string>>,
  ): void;
  onServiceAccountRemove(namespace: string, name: string): void;

  onConfigUpdate(
    config: Readonly<Record<string, string>>,
    sourceToRawConfig: Readonly<Record<string, Readonly<Record<string, string>>>>,
  ): void;
}

/** ARC -> rule scanner: policy and profile activity. */
export interface RuleScannerInput {
  /** A policy became active, or an active policy's content changed. */
  onPolicyActive(key: PolicyKey, policy: ModelPolicy): void;
  onPolicyInactive(key: PolicyKey): void;
  /**
   * A profile became active or changed. `undefined` rules = referenced but unknown or invalid:
   * the scanner then sends fail-closed rules (one `deny` each way).
   */
  onProfileActive(name: string, rules: ProfileRules | undefined): void;
  onProfileInactive(name: string): void;
}

/** Rule scanner -> IP-set member index: which sets must be populated. */
export interface IPSetMemberInput {
  onIPSetActive(ipSet: IPSetData): void;
  onIPSetInactive(id: string): void;
}

/** Identifies a local endpoint: `wep:<keyPath>` or `hep:<keyPath>` style string ids. */
export type EndpointId = string;

/** ARC -> policy resolver: which active policies select which local endpoints. */
export interface PolicyMatchListener {
  onPolicyMatch(policy: PolicyKey, endpointId: EndpointId): void;
  onPolicyMatchStopped(policy: PolicyKey, endpointId: EndpointId): void;
}
