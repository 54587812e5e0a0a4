/**
 * The kinds `decodeObject` understands: for each, the `apiVersion`s and `kind` it is written
 * with, the kind it decodes to, whether it is namespaced and how its name is checked. Also the
 * way back (`toManifest`), which writes a decoded object as JSON the decoder reads again.
 *
 * @module
 */
import type { JsonObject } from "./json_reader.ts";
import type { KubernetesObject } from "./k8s.ts";
import type { NameRule } from "./validate_meta.ts";
import type { CalicoResource } from "./v3_resources.ts";

/** Everything `decodeObject` can produce. */
export type DecodedObject = CalicoResource | KubernetesObject;

/** The decoded kinds (Kubernetes ones carry their internal names, e.g. `KubernetesNode`). */
export type DecodedKind = DecodedObject["kind"];

/** The Calico API group and version. */
export const CALICO_API_VERSION = "projectcalico.org/v3";
/** The CRD storage group Calico uses in Kubernetes; same spec shapes. */
export const CRD_API_VERSION = "crd.projectcalico.org/v1";

/** How one kind is written and checked. */
export interface KindInfo {
  /** The decoded kind. */
  readonly kind: DecodedKind;
  /** `kind` as written in JSON. */
  readonly wireKind: string;
  /** Accepted `apiVersion`s; `toManifest` writes the first. */
  readonly apiVersions: readonly string[];
  readonly namespaced: boolean;
  /** Calico kinds warn about unknown fields; Kubernetes kinds ignore them. */
  readonly calico: boolean;
  readonly nameRule: NameRule;
}

const CALICO = [CALICO_API_VERSION, CRD_API_VERSION] as const;

function calico(
  kind: CalicoResource["kind"],
  namespaced: boolean,
  nameRule: NameRule = "subdomain",
): KindInfo {
  const apiVersions = kind === "IPAMBlock" ? [CRD_API_VERSION] : CALICO;
  return { kind, wireKind: kind, apiVersions, namespaced, calico: true, nameRule };
}

function k8s(
  kind: KubernetesObject["kind"],
  wireKind: string,
  apiVersion: string,
  namespaced: boolean,
): KindInfo {
  return {
    kind,
    wireKind,
    apiVersions: [apiVersion],
    namespaced,
    calico: false,
    nameRule: "subdomain",
  };
}

/** Every kind, Calico first. */
export const KINDS: readonly KindInfo[] = [
  calico("NetworkPolicy", true, "policy"),
  calico("GlobalNetworkPolicy", false, "globalPolicy"),
  calico("StagedNetworkPolicy", true, "policy"),
  calico("StagedGlobalNetworkPolicy", false, "globalPolicy"),
  calico("Tier", false, "tier"),
  calico("Profile", false),
  calico("GlobalNetworkSet", false),
  calico("NetworkSet", true),
  calico("HostEndpoint", false),
  calico("WorkloadEndpoint", true),
  calico("IPPool", false),
  calico("FelixConfiguration", false),
  calico("ClusterInformation", false),
  calico("Node", false),
  calico("IPAMBlock", false),
  k8s("Pod", "Pod", "v1", true),
  k8s("Namespace", "Namespace", "v1", false),
  k8s("ServiceAccount", "ServiceAccount", "v1", true),
  k8s("KubernetesNode", "Node", "v1", false),
  k8s("KubernetesService", "Service", "v1", true),
  k8s("KubernetesNetworkPolicy", "NetworkPolicy", "networking.k8s.io/v1", true),
  k8s("KubernetesEndpointSlice", "EndpointSlice", "discovery.k8s.io/v1", true),
];

/** The kind written as `apiVersion` + `kind`, if known. */
export function lookupKind(apiVersion: string, wireKind: string): KindInfo | undefined {
  return KINDS.find((k) => k.wireKind === wireKind && k.apiVersions.includes(apiVersion));
}

/** Whether any kind is written with this `apiVersion`. */
export function isKnownApiVersion(apiVersion: string): boolean {
  return KINDS.some((k) => k.apiVersions.includes(apiVersion));
}

/** The table entry of a decoded kind. */
export function kindInfo(kind: DecodedKind): KindInfo {
  return KINDS.find((k) => k.kind === kind)!;
}

/** A decoded object as JSON `decodeObject` accepts: `apiVersion` and the written `kind` added. */
export function toManifest(object: DecodedObject): JsonObject {
  const info = kindInfo(object.kind);
  return { ...object, apiVersion: info.apiVersions[0]!, kind: info.wireKind };
}
