/**
 * The Kubernetes objects Felix reads, reduced to the fields that matter to it.
 *
 * Kubernetes and Calico share some kind names (`NetworkPolicy`, `Node`), so decoded Kubernetes
 * objects carry the internal kind names upstream uses for them: `KubernetesNetworkPolicy`,
 * `KubernetesNode`, `KubernetesService`, `KubernetesEndpointSlice` (Pod, Namespace and
 * ServiceAccount keep theirs). The decoder picks the kind from `apiVersion` + `kind`.
 *
 * @module
 */
import type { ObjectMeta } from "./object_meta.ts";

/** A container port. */
export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
  readonly hostPort?: number;
  readonly hostIP?: string;
}

/** A container, reduced to its ports. */
export interface Container {
  readonly name: string;
  readonly ports?: readonly ContainerPort[];
}

/** `v1` Pod. */
export interface Pod {
  readonly kind: "Pod";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly nodeName?: string;
    readonly hostNetwork?: boolean;
    readonly serviceAccountName?: string;
    readonly containers?: readonly Container[];
    readonly initContainers?: readonly Container[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly podIP?: string;
    readonly podIPs?: readonly { readonly ip: string }[];
  };
}

/** `v1` Namespace. */
export interface Namespace {
  readonly kind: "Namespace";
  readonly metadata: ObjectMeta;
}

/** `v1` ServiceAccount. */
export interface ServiceAccount {
  readonly kind: "ServiceAccount";
  readonly metadata: ObjectMeta;
}

/** A label selector requirement. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}

/** A Kubernetes label selector. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** An ipBlock peer. */
export interface IPBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/** A NetworkPolicy peer: an ipBlock, or pod and/or namespace selectors. */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

/** A NetworkPolicy port; `port` may be a number or a named port. */
export interface NetworkPolicyPort {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** An ingress rule. */
export interface NetworkPolicyIngressRule {
  readonly from?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

/** An egress rule. */
export interface NetworkPolicyEgressRule {
  readonly to?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

/** `networking.k8s.io/v1` NetworkPolicy. */
export interface KubernetesNetworkPolicy {
  readonly kind: "KubernetesNetworkPolicy";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly ("Ingress" | "Egress")[];
    readonly ingress?: readonly NetworkPolicyIngressRule[];
    readonly egress?: readonly NetworkPolicyEgressRule[];
  };
}

/** A node address as Kubernetes reports it. */
export interface KubernetesNodeAddress {
  readonly type: string;
  readonly address: string;
}

/** `v1` Node; Calico keeps its per-node data in `projectcalico.org/*` annotations. */
export interface KubernetesNode {
  readonly kind: "KubernetesNode";
  readonly metadata: ObjectMeta;
  readonly spec?: {
    readonly podCIDR?: string;
    readonly podCIDRs?: readonly string[];
  };
  readonly status?: {
    readonly addresses?: readonly KubernetesNodeAddress[];
  };
}

/** A service port. */
export interface ServicePort {
  readonly name?: string;
  readonly protocol?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly nodePort?: number;
}

/** `v1` Service. */
export interface KubernetesService {
  readonly kind: "KubernetesService";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly type?: string;
    readonly clusterIP?: string;
    readonly clusterIPs?: readonly string[];
    readonly externalIPs?: readonly string[];
    readonly loadBalancerIP?: string;
    readonly ports?: readonly ServicePort[];
  };
  readonly status?: {
    readonly loadBalancer?: {
      readonly ingress?: readonly { readonly ip?: string; readonly hostname?: string }[];
    };
  };
}

/** An endpoint in an EndpointSlice. */
export interface SliceEndpoint {
  readonly addresses: readonly string[];
  readonly conditions?: { readonly ready?: boolean };
  readonly nodeName?: string;
}

/** A port in an EndpointSlice. */
export interface SlicePort {
  readonly name?: string;
  readonly protocol?: string;
  readonly port?: number;
}

/** `discovery.k8s.io/v1` EndpointSlice. */
export interface KubernetesEndpointSlice {
  readonly kind: "KubernetesEndpointSlice";
  readonly metadata: ObjectMeta;
  readonly addressType: string;
  readonly endpoints?: readonly SliceEndpoint[];
  readonly ports?: readonly SlicePort[];
}

/** Every Kubernetes kind Felix reads. */
export type KubernetesObject =
  | Pod
  | Namespace
  | ServiceAccount
  | KubernetesNetworkPolicy
  | KubernetesNode
  | KubernetesService
  | KubernetesEndpointSlice;
