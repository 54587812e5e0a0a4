/**
 * The non-policy `projectcalico.org/v3` resources Felix reads (network sets, endpoints, pools,
 * configuration, cluster information, nodes), the IPAM block (`crd.projectcalico.org/v1`), and the
 * union of every Calico kind.
 *
 * @module
 */
import type { ObjectMeta } from "./object_meta.ts";
import type {
  GlobalNetworkPolicy,
  NetworkPolicy,
  Profile,
  StagedGlobalNetworkPolicy,
  StagedNetworkPolicy,
  Tier,
} from "./v3_policy.ts";

/** A GlobalNetworkSet / NetworkSet spec: CIDRs or bare IPs. */
export interface NetworkSetSpec {
  readonly nets?: readonly string[];
}

/** A named port on an endpoint. */
export interface EndpointPort {
  readonly name: string;
  readonly protocol: string | number;
  readonly port: number;
  readonly hostPort?: number;
  readonly hostIP?: string;
}

/** A HostEndpoint spec. `interfaceName: "*"` means every host interface. */
export interface HostEndpointSpec {
  readonly node?: string;
  readonly interfaceName?: string;
  readonly expectedIPs?: readonly string[];
  readonly profiles?: readonly string[];
  readonly ports?: readonly EndpointPort[];
}

/** A floating-IP NAT on a workload endpoint. */
export interface IPNAT {
  readonly internalIP: string;
  readonly externalIP: string;
}

/** Bandwidth/packet-rate/connection limits on a workload endpoint (carried, not enforced yet). */
export type QoSControls = Readonly<Record<string, number>>;

/** A WorkloadEndpoint spec. */
export interface WorkloadEndpointSpec {
  readonly orchestrator?: string;
  readonly workload?: string;
  readonly node?: string;
  readonly containerID?: string;
  readonly pod?: string;
  readonly endpoint?: string;
  readonly serviceAccountName?: string;
  readonly ipNetworks?: readonly string[];
  readonly ipNATs?: readonly IPNAT[];
  readonly ipv4Gateway?: string;
  readonly ipv6Gateway?: string;
  readonly profiles?: readonly string[];
  readonly interfaceName?: string;
  readonly mac?: string;
  readonly ports?: readonly EndpointPort[];
  readonly allowSpoofedSourcePrefixes?: readonly string[];
  readonly qosControls?: QoSControls;
}

/** Encapsulation modes of a pool. */
export type EncapMode = "Never" | "Always" | "CrossSubnet";

/** What addresses from a pool may be used for. */
export type IPPoolAllowedUse = "Workload" | "Tunnel" | "LoadBalancer";

/** An IPPool spec. */
export interface IPPoolSpec {
  readonly cidr: string;
  readonly vxlanMode?: EncapMode;
  readonly ipipMode?: EncapMode;
  readonly natOutgoing?: boolean;
  readonly disabled?: boolean;
  readonly disableBGPExport?: boolean;
  readonly nodeSelector?: string;
  readonly namespaceSelector?: string;
  readonly blockSize?: number;
  readonly allowedUses?: readonly IPPoolAllowedUse[];
  readonly assignmentMode?: "Automatic" | "Manual";
}

/**
 * A FelixConfiguration spec: any of Felix's parameters by their YAML field name (see
 * `config/`), plus `nodeSelector` for selector-scoped resources. Values keep their YAML types;
 * `config/` turns them into raw strings.
 */
export type FelixConfigurationSpec = Readonly<Record<string, unknown>>;

/** ClusterInformation `default`. */
export interface ClusterInformationSpec {
  readonly clusterGUID?: string;
  readonly clusterType?: string;
  readonly calicoVersion?: string;
  readonly datastoreReady?: boolean;
  readonly variant?: string;
}

/** BGP part of a Node spec. Addresses are CIDRs (`10.0.0.5/24`). */
export interface NodeBGPSpec {
  readonly asNumber?: number;
  readonly ipv4Address?: string;
  readonly ipv6Address?: string;
  readonly ipv4IPIPTunnelAddr?: string;
  readonly routeReflectorClusterID?: string;
}

/** An address of a node, with where it came from. */
export interface NodeAddress {
  readonly address: string;
  readonly type?: "CalicoNodeIP" | "InternalIP" | "ExternalIP";
}

/** WireGuard part of a Node spec. */
export interface NodeWireguardSpec {
  readonly interfaceIPv4Address?: string;
  readonly interfaceIPv6Address?: string;
}

/** An orchestrator reference of a node. */
export interface OrchRef {
  readonly nodeName?: string;
  readonly orchestrator: string;
}

/** A Node spec (Calico's internal Node kind). */
export interface NodeSpec {
  readonly bgp?: NodeBGPSpec;
  readonly ipv4VXLANTunnelAddr?: string;
  readonly vxlanTunnelMACAddr?: string;
  readonly ipv6VXLANTunnelAddr?: string;
  readonly vxlanTunnelMACAddrV6?: string;
  readonly wireguard?: NodeWireguardSpec;
  readonly orchRefs?: readonly OrchRef[];
  readonly addresses?: readonly NodeAddress[];
}

/** A Node status. */
export interface NodeStatus {
  readonly wireguardPublicKey?: string;
  readonly wireguardPublicKeyV6?: string;
  readonly podCIDRs?: readonly string[];
}

/** An IPAM block (`crd.projectcalico.org/v1` IPAMBlock), reduced to what routing needs. */
export interface IPAMBlockSpec {
  readonly cidr: string;
  /** `host:<node>` when the block is affine to a node. */
  readonly affinity?: string;
  /** Per-address allocation index (null = free), for borrowed-address routes. */
  readonly allocations?: readonly (number | null)[];
  readonly deleted?: boolean;
}

/** `projectcalico.org/v3` GlobalNetworkSet. */
export interface GlobalNetworkSet {
  readonly kind: "GlobalNetworkSet";
  readonly metadata: ObjectMeta;
  readonly spec: NetworkSetSpec;
}

/** `projectcalico.org/v3` NetworkSet (namespaced). */
export interface NetworkSet {
  readonly kind: "NetworkSet";
  readonly metadata: ObjectMeta;
  readonly spec: NetworkSetSpec;
}

/** `projectcalico.org/v3` HostEndpoint. */
export interface HostEndpoint {
  readonly kind: "HostEndpoint";
  readonly metadata: ObjectMeta;
  readonly spec: HostEndpointSpec;
}

/** `projectcalico.org/v3` WorkloadEndpoint (namespaced). */
export interface WorkloadEndpoint {
  readonly kind: "WorkloadEndpoint";
  readonly metadata: ObjectMeta;
  readonly spec: WorkloadEndpointSpec;
}

/** `projectcalico.org/v3` IPPool. */
export interface IPPool {
  readonly kind: "IPPool";
  readonly metadata: ObjectMeta;
  readonly spec: IPPoolSpec;
}

/** `projectcalico.org/v3` FelixConfiguration. */
export interface FelixConfiguration {
  readonly kind: "FelixConfiguration";
  readonly metadata: ObjectMeta;
  readonly spec: FelixConfigurationSpec;
}

/** `projectcalico.org/v3` ClusterInformation. */
export interface ClusterInformation {
  readonly kind: "ClusterInformation";
  readonly metadata: ObjectMeta;
  readonly spec: ClusterInformationSpec;
}

/** `projectcalico.org/v3` Node. */
export interface Node {
  readonly kind: "Node";
  readonly metadata: ObjectMeta;
  readonly spec: NodeSpec;
  readonly status?: NodeStatus;
}

/** `crd.projectcalico.org/v1` IPAMBlock. */
export interface IPAMBlock {
  readonly kind: "IPAMBlock";
  readonly metadata: ObjectMeta;
  readonly spec: IPAMBlockSpec;
}

/** Every Calico kind Felix reads. */
export type CalicoResource =
  | NetworkPolicy
  | GlobalNetworkPolicy
  | StagedNetworkPolicy
  | StagedGlobalNetworkPolicy
  | Tier
  | Profile
  | GlobalNetworkSet
  | NetworkSet
  | HostEndpoint
  | WorkloadEndpoint
  | IPPool
  | FelixConfiguration
  | ClusterInformation
  | Node
  | IPAMBlock;
