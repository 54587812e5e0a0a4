/**
 * Terse builders for the calc FV scenarios: each returns a raw document exactly as a cluster
 * stores it (Calico kinds under `projectcalico.org/v3`, IPAM blocks under
 * `crd.projectcalico.org/v1`, Kubernetes kinds under `v1` / `networking.k8s.io/v1`), ready for
 * the resource converter.
 *
 * @module
 */

/** A raw document, as YAML would give it. */
export type Doc = Readonly<Record<string, unknown>>;
type Labels = Readonly<Record<string, string>>;
type Spec = Readonly<Record<string, unknown>>;

const V3 = "projectcalico.org/v3";

function calico(kind: string, name: string, spec: Spec, meta: Spec = {}): Doc {
  return { apiVersion: V3, kind, metadata: { name, ...meta }, spec };
}

function labelsMeta(labels: Labels | undefined): Spec {
  return labels === undefined ? {} : { labels };
}

/** A Kubernetes Namespace (-> profile `kns.<name>`). */
export function namespace(name: string, labels?: Labels): Doc {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, ...labelsMeta(labels) } };
}

/** A Kubernetes ServiceAccount (-> profile `ksa.<ns>.<name>`). */
export function serviceAccount(ns: string, name: string, labels?: Labels): Doc {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace: ns, ...labelsMeta(labels) },
  };
}

/** A container port of a pod. */
export interface PodPort {
  readonly name: string;
  readonly port: number;
  readonly protocol?: "TCP" | "UDP" | "SCTP";
}

/** What a pod builder needs; everything but the name, namespace and node has a default. */
export interface PodOptions {
  readonly name: string;
  readonly ns: string;
  readonly node: string;
  /** The pod IPs (status.podIPs); none means "no IP yet". */
  readonly ips?: readonly string[];
  readonly labels?: Labels;
  readonly serviceAccount?: string;
  readonly ports?: readonly PodPort[];
  readonly phase?: string;
}

/** A Kubernetes Pod, running on `node`, with its IPs in `status.podIPs`. */
export function pod(o: PodOptions): Doc {
  const ips = o.ips ?? [];
  const ports = (o.ports ?? []).map((p) => ({
    name: p.name,
    containerPort: p.port,
    protocol: p.protocol ?? "TCP",
  }));
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: o.name, namespace: o.ns, ...labelsMeta(o.labels) },
    spec: {
      nodeName: o.node,
      ...(o.serviceAccount === undefined ? {} : { serviceAccountName: o.serviceAccount }),
      containers: [{ name: "main", image: "registry.example.com/app:1", ports }],
    },
    status: {
      phase: o.phase ?? "Running",
      ...(ips.length === 0 ? {} : { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) }),
    },
  };
}

/** A Calico GlobalNetworkPolicy. */
export function gnp(name: string, spec: Spec): Doc {
  return calico("GlobalNetworkPolicy", name, spec);
}

/** A Calico (namespaced) NetworkPolicy. */
export function np(ns: string, name: string, spec: Spec): Doc {
  return calico("NetworkPolicy", name, spec, { namespace: ns });
}

/** A Calico StagedGlobalNetworkPolicy. */
export function stagedGnp(name: string, spec: Spec): Doc {
  return calico("StagedGlobalNetworkPolicy", name, spec);
}

/** A Calico StagedNetworkPolicy. */
export function stagedNp(ns: string, name: string, spec: Spec): Doc {
  return calico("StagedNetworkPolicy", name, spec, { namespace: ns });
}

/** A Kubernetes NetworkPolicy (`networking.k8s.io/v1`). */
export function k8sNp(ns: string, name: string, spec: Spec): Doc {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: ns },
    spec,
  };
}

/** A Calico Tier. */
export function tier(name: string, spec: Spec): Doc {
  return calico("Tier", name, spec);
}

/** A Calico Profile. */
export function profile(name: string, spec: Spec): Doc {
  return calico("Profile", name, spec);
}

/** A Calico HostEndpoint on `spec.node`. */
export function hostEndpoint(name: string, spec: Spec, labels?: Labels): Doc {
  return calico("HostEndpoint", name, spec, labelsMeta(labels));
}

/** A Calico GlobalNetworkSet. */
export function globalNetworkSet(name: string, nets: readonly string[], labels?: Labels): Doc {
  return calico("GlobalNetworkSet", name, { nets }, labelsMeta(labels));
}

/** A Calico (namespaced) NetworkSet. */
export function networkSet(
  ns: string,
  name: string,
  nets: readonly string[],
  labels?: Labels,
): Doc {
  return calico("NetworkSet", name, { nets }, { namespace: ns, ...labelsMeta(labels) });
}

/** A Calico IPPool; the name defaults to the CIDR with `.`, `:` and `/` as `-`. */
export function ipPool(cidr: string, spec: Spec = {}, name?: string): Doc {
  return calico("IPPool", name ?? cidr.replaceAll(/[.:/]/g, "-"), { cidr, ...spec });
}

/** An IPAM block (`crd.projectcalico.org/v1`) affine to `host:<node>`, or to nothing. */
export function ipamBlock(cidr: string, node: string | undefined): Doc {
  return {
    apiVersion: "crd.projectcalico.org/v1",
    kind: "IPAMBlock",
    metadata: { name: cidr.replaceAll(/[.:/]/g, "-") },
    spec: {
      cidr,
      ...(node === undefined ? {} : { affinity: `host:${node}` }),
      strictAffinity: false,
      deleted: false,
    },
  };
}

/** What a Kubernetes Node carries for Calico. */
export interface NodeOptions {
  /** `projectcalico.org/IPv4Address` (CIDR form). */
  readonly ipv4?: string;
  /** `projectcalico.org/IPv6Address` (CIDR form). */
  readonly ipv6?: string;
  /** `projectcalico.org/IPv4IPIPTunnelAddr`. */
  readonly ipipV4?: string;
  readonly vxlanV4?: string;
  readonly vxlanMac?: string;
  readonly vxlanV6?: string;
  readonly vxlanMacV6?: string;
  /** `status.addresses` InternalIP entries. */
  readonly internalIPs?: readonly string[];
  readonly labels?: Labels;
}

const NODE_ANNOTATIONS: ReadonlyArray<readonly [keyof NodeOptions, string]> = [
  ["ipv4", "projectcalico.org/IPv4Address"],
  ["ipv6", "projectcalico.org/IPv6Address"],
  ["ipipV4", "projectcalico.org/IPv4IPIPTunnelAddr"],
  ["vxlanV4", "projectcalico.org/IPv4VXLANTunnelAddr"],
  ["vxlanMac", "projectcalico.org/VXLANTunnelMACAddr"],
  ["vxlanV6", "projectcalico.org/IPv6VXLANTunnelAddr"],
  ["vxlanMacV6", "projectcalico.org/VXLANTunnelMACAddrV6"],
];

/** A Kubernetes Node with Calico's `projectcalico.org/*` annotations. */
export function k8sNode(name: string, o: NodeOptions = {}): Doc {
  const annotations: Record<string, string> = {};
  for (const [field, annotation] of NODE_ANNOTATIONS) {
    const v = o[field];
    if (typeof v === "string") annotations[annotation] = v;
  }
  const addresses = (o.internalIPs ?? []).map((address) => ({ type: "InternalIP", address }));
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, ...labelsMeta(o.labels), annotations },
    spec: {},
    status: { addresses: [...addresses, { type: "Hostname", address: name }] },
  };
}

/** The Calico ClusterInformation `default`. */
export function clusterInformation(spec: Spec): Doc {
  return calico("ClusterInformation", "default", spec);
}
