/**
 * The Kubernetes resource types the Kubernetes syncer lists and watches, with their URL paths and
 * the `apiVersion`/`kind` their objects are handed to the converter with.
 *
 * Core and other built-in APIs (all namespaces): `v1` pods, namespaces, serviceaccounts, nodes,
 * services; `networking.k8s.io/v1` networkpolicies; `discovery.k8s.io/v1` endpointslices. Calico
 * kinds are custom resources in one API group, `crd.projectcalico.org/v1` (the usual one) or
 * `projectcalico.org/v3`; either way the converter receives them as `projectcalico.org/v3`
 * objects (IPAMBlock as `crd.projectcalico.org/v1`, the only group the decoder takes it in).
 *
 * @module
 */

/** The API group (and version) Calico's custom resources are served in. */
export type CalicoApiGroup = "crd.projectcalico.org/v1" | "projectcalico.org/v3";

/** The usual group: Calico's CRDs. */
export const CRD_GROUP: CalicoApiGroup = "crd.projectcalico.org/v1";
/** The native-CRD ("no API server") group of recent Calico releases. */
export const V3_GROUP: CalicoApiGroup = "projectcalico.org/v3";

/** One resource type the syncer lists and watches. */
export interface KubeResourceType {
  /** A stable, readable id: `<group/version> <plural>`, e.g. `v1 pods`. */
  readonly id: string;
  /** The cluster-wide collection path, e.g. `/api/v1/pods`. */
  readonly path: string;
  /** The `apiVersion` objects are handed to the converter with. */
  readonly apiVersion: string;
  /** The `kind` objects are handed to the converter with. */
  readonly kind: string;
  /** Set for Calico custom resources: the group they are served in. */
  readonly calicoGroup?: CalicoApiGroup;
  /** For Calico custom resources: one of the four policy kinds (name rules of the CRD group). */
  readonly policy: boolean;
}

function core(path: string, plural: string, apiVersion: string, kind: string): KubeResourceType {
  return {
    id: `${apiVersion} ${plural}`,
    path: `${path}/${plural}`,
    apiVersion,
    kind,
    policy: false,
  };
}

/** The built-in Kubernetes types, in listing order. */
const CORE_TYPES: readonly KubeResourceType[] = [
  core("/api/v1", "namespaces", "v1", "Namespace"),
  core("/api/v1", "serviceaccounts", "v1", "ServiceAccount"),
  core("/api/v1", "nodes", "v1", "Node"),
  core("/api/v1", "pods", "v1", "Pod"),
  core("/api/v1", "services", "v1", "Service"),
  core("/apis/networking.k8s.io/v1", "networkpolicies", "networking.k8s.io/v1", "NetworkPolicy"),
  core("/apis/discovery.k8s.io/v1", "endpointslices", "discovery.k8s.io/v1", "EndpointSlice"),
];

/** Calico kinds: plural, kind, and whether it is one of the four policy kinds. */
const CALICO_KINDS: readonly (readonly [string, string, boolean])[] = [
  ["clusterinformations", "ClusterInformation", false],
  ["felixconfigurations", "FelixConfiguration", false],
  ["tiers", "Tier", false],
  ["globalnetworkpolicies", "GlobalNetworkPolicy", true],
  ["stagedglobalnetworkpolicies", "StagedGlobalNetworkPolicy", true],
  ["networkpolicies", "NetworkPolicy", true],
  ["stagednetworkpolicies", "StagedNetworkPolicy", true],
  ["globalnetworksets", "GlobalNetworkSet", false],
  ["networksets", "NetworkSet", false],
  ["ippools", "IPPool", false],
  ["hostendpoints", "HostEndpoint", false],
  ["ipamblocks", "IPAMBlock", false],
];

/** The `apiVersion` the converter takes Calico kinds in. */
const CONVERTER_CALICO_VERSION = "projectcalico.org/v3";

function calico(group: CalicoApiGroup, [plural, kind, policy]: readonly [string, string, boolean]) {
  return {
    id: `${group} ${plural}`,
    path: `/apis/${group}/${plural}`,
    apiVersion: kind === "IPAMBlock" ? CRD_GROUP : CONVERTER_CALICO_VERSION,
    kind,
    calicoGroup: group,
    policy,
  };
}

/** Every type the syncer watches when Calico's resources are served in `group`. */
export function kubernetesResourceTypes(group: CalicoApiGroup): readonly KubeResourceType[] {
  return [...CORE_TYPES, ...CALICO_KINDS.map((k) => calico(group, k))];
}

/** Whether a string names a Calico API group this syncer can read. */
export function isCalicoApiGroup(value: string): value is CalicoApiGroup {
  return value === CRD_GROUP || value === V3_GROUP;
}
