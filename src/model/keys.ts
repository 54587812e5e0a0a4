/**
 * Keys of the internal model the calc graph consumes (upstream's "v1 model"): one discriminated
 * union, plus `keyPath`, the canonical path upstream uses as the key's identity. Nothing stores
 * these paths any more; they serve as stable map keys for diffing and de-duplication.
 *
 * @module
 */
import { assertNever } from "../lib/assert_never.ts";

/** Policy kinds as they appear in policy keys (and, shortened, in chain names). */
export type PolicyKind =
  | "NetworkPolicy"
  | "GlobalNetworkPolicy"
  | "StagedNetworkPolicy"
  | "StagedGlobalNetworkPolicy"
  | "StagedKubernetesNetworkPolicy"
  | "KubernetesNetworkPolicy"
  | "KubernetesClusterNetworkPolicy";

/** Kinds passed through whole as `Resource` keys. */
export type ResourceKind =
  | "Node"
  | "FelixConfiguration"
  | "KubernetesService"
  | "KubernetesEndpointSlice";

/** A global config parameter (FelixConfiguration `default`, ClusterInformation). */
export interface GlobalConfigKey {
  readonly kind: "GlobalConfig";
  readonly name: string;
}

/** A per-host config parameter (FelixConfiguration `node.<host>`, Node-derived values). */
export interface HostConfigKey {
  readonly kind: "HostConfig";
  readonly hostname: string;
  readonly name: string;
}

/** The datastore-ready flag (ClusterInformation `datastoreReady`). */
export interface ReadyFlagKey {
  readonly kind: "ReadyFlag";
}

/** A policy. `namespace` is "" for global kinds. */
export interface PolicyKey {
  readonly kind: "Policy";
  readonly policyKind: PolicyKind;
  readonly namespace: string;
  readonly name: string;
}

/** A tier. */
export interface TierKey {
  readonly kind: "Tier";
  readonly name: string;
}

/** A profile's rules. */
export interface ProfileRulesKey {
  readonly kind: "ProfileRules";
  readonly name: string;
}

/** A profile's labels (`labelsToApply`). */
export interface ProfileLabelsKey {
  readonly kind: "ProfileLabels";
  readonly name: string;
}

/** A workload endpoint; `workloadId` is `<namespace>/<workload>`. */
export interface WorkloadEndpointKey {
  readonly kind: "WorkloadEndpoint";
  readonly hostname: string;
  readonly orchestratorId: string;
  readonly workloadId: string;
  readonly endpointId: string;
}

/** A host endpoint. */
export interface HostEndpointKey {
  readonly kind: "HostEndpoint";
  readonly hostname: string;
  readonly endpointId: string;
}

/** A network set; namespaced sets are named `<ns>/<name>`. */
export interface NetworkSetKey {
  readonly kind: "NetworkSet";
  readonly name: string;
}

/** An IP pool, by its (normalised) CIDR. */
export interface IPPoolKey {
  readonly kind: "IPPool";
  readonly cidr: string;
}

/** An IPAM block, by its CIDR. */
export interface BlockKey {
  readonly kind: "Block";
  readonly cidr: string;
}

/** A node's WireGuard data. */
export interface WireguardKey {
  readonly kind: "Wireguard";
  readonly nodeName: string;
}

/** A whole object passed through (Node, selector-scoped FelixConfiguration, Service, ...). */
export interface ResourceKey {
  readonly kind: "Resource";
  readonly resourceKind: ResourceKind;
  readonly namespace: string;
  readonly name: string;
}

/** Every internal key. */
export type Key =
  | GlobalConfigKey
  | HostConfigKey
  | ReadyFlagKey
  | PolicyKey
  | TierKey
  | ProfileRulesKey
  | ProfileLabelsKey
  | WorkloadEndpointKey
  | HostEndpointKey
  | NetworkSetKey
  | IPPoolKey
  | BlockKey
  | WireguardKey
  | ResourceKey;

/** Escape a path segment the way upstream does: `%` -> `%25`, `/` -> `%2f`. */
export function escapeSegment(s: string): string {
  return s.replaceAll("%", "%25").replaceAll("/", "%2f");
}

function family(cidr: string): string {
  return cidr.includes(":") ? "v6" : "v4";
}

/** The canonical path of a key (upstream's default path for the v1 model). */
export function keyPath(key: Key): string {
  switch (key.kind) {
    case "GlobalConfig":
      return `/calico/v1/config/${key.name}`;
    case "HostConfig":
      return `/calico/v1/host/${key.hostname}/config/${key.name}`;
    case "ReadyFlag":
      return "/calico/v1/Ready";
    case "Policy":
      return `/calico/v1/policy/${key.policyKind}/${key.namespace}/${key.name}`;
    case "Tier":
      return `/calico/v1/policy/tier/${key.name}/metadata`;
    case "ProfileRules":
      return `/calico/v1/policy/profile/${escapeSegment(key.name)}/rules`;
    case "ProfileLabels":
      return `/calico/v1/policy/profile/${escapeSegment(key.name)}/labels`;
    case "WorkloadEndpoint":
      return `/calico/v1/host/${key.hostname}/workload/${escapeSegment(key.orchestratorId)}/` +
        `${escapeSegment(key.workloadId)}/endpoint/${escapeSegment(key.endpointId)}`;
    case "HostEndpoint":
      return `/calico/v1/host/${key.hostname}/endpoint/${escapeSegment(key.endpointId)}`;
    case "NetworkSet":
      return `/calico/v1/netset/${escapeSegment(key.name)}`;
    case "IPPool":
      return `/calico/v1/ipam/${family(key.cidr)}/pool/${key.cidr.replace("/", "-")}`;
    case "Block":
      return `/calico/ipam/v2/assignment/ip${family(key.cidr)}/block/${key.cidr.replace("/", "-")}`;
    case "Wireguard":
      return `/calico/v1/host/${key.nodeName}/wireguard`;
    case "Resource": {
      const ns = key.namespace === "" ? "" : `/${key.namespace}`;
      return `/calico/resources/v3/projectcalico.org/${key.resourceKind.toLowerCase()}${ns}/${key.name}`;
    }
    default:
      return assertNever(key, "key");
  }
}
