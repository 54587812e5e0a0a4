/**
 * Kubernetes Node -> v3 Node: Calico keeps its per-node data in `projectcalico.org/*`
 * annotations (datastore-config.md §2.7). Invalid annotation values are dropped and reported.
 *
 * @module
 */
import { parseCIDR, parseIP } from "../lib/ip.ts";
import type { KubernetesNode } from "./k8s.ts";
import type { Node, NodeAddress, NodeBGPSpec, NodeSpec, NodeStatus } from "./v3_resources.ts";
import { opt } from "./convert_result.ts";
import { ORCHESTRATOR_K8S } from "./convert_names.ts";
import { normaliseMAC } from "./convert_node.ts";
import { isJsonObject } from "./json_reader.ts";

/** The annotations a Kubernetes Node carries Calico data in. */
export const NODE_ANNOTATIONS = {
  ipv4Address: "projectcalico.org/IPv4Address",
  ipv6Address: "projectcalico.org/IPv6Address",
  asNumber: "projectcalico.org/ASNumber",
  routeReflectorClusterID: "projectcalico.org/RouteReflectorClusterID",
  ipv4IPIPTunnelAddr: "projectcalico.org/IPv4IPIPTunnelAddr",
  ipv4VXLANTunnelAddr: "projectcalico.org/IPv4VXLANTunnelAddr",
  vxlanTunnelMACAddr: "projectcalico.org/VXLANTunnelMACAddr",
  ipv6VXLANTunnelAddr: "projectcalico.org/IPv6VXLANTunnelAddr",
  vxlanTunnelMACAddrV6: "projectcalico.org/VXLANTunnelMACAddrV6",
  ipv4WireguardInterfaceAddr: "projectcalico.org/IPv4WireguardInterfaceAddr",
  ipv6WireguardInterfaceAddr: "projectcalico.org/IPv6WireguardInterfaceAddr",
  wireguardPublicKey: "projectcalico.org/WireguardPublicKey",
  wireguardPublicKeyV6: "projectcalico.org/WireguardPublicKeyV6",
  labels: "projectcalico.org/labels",
} as const;

/** The v3 Node of a Kubernetes Node, with the annotation values that had to be dropped. */
export interface NodeConversion {
  readonly node: Node;
  readonly problems: readonly string[];
}

type Check = (v: string) => boolean;

const isCIDR = (family: 4 | 6): Check => (v) => parseCIDR(v, false)?.family === family;
const isIP = (family: 4 | 6): Check => (v) => parseIP(v)?.family === family;
const isMAC: Check = (v) => normaliseMAC(v) !== undefined;
const isKey: Check = (v) => v !== "";

/** `N` or `A.B` (each 16 bits) as a number. */
function parseASNumber(v: string): number | undefined {
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(v);
  if (m === null) return undefined;
  const n = m[2] === undefined ? Number(m[1]) : Number(m[1]) * 65536 + Number(m[2]);
  const partsOk = m[2] === undefined || (Number(m[1]) < 65536 && Number(m[2]) < 65536);
  return partsOk && n <= 0xffffffff ? n : undefined;
}

class AnnotationReader {
  readonly #ann: Readonly<Record<string, string>>;
  readonly problems: string[] = [];
  readonly #node: string;

  constructor(node: KubernetesNode) {
    this.#ann = node.metadata.annotations ?? {};
    this.#node = node.metadata.name;
  }

  /** The annotation's value when set and valid; an invalid value is reported and dropped. */
  get(name: string, valid: Check, what: string): string | undefined {
    const v = this.#ann[name];
    if (v === undefined || v === "") return undefined;
    if (valid(v)) return v;
    this.problems.push(
      `Ignored annotation "${name}" of Node "${this.#node}": "${v}" is not ${what}`,
    );
    return undefined;
  }

  asNumber(): number | undefined {
    const v = this.get(
      NODE_ANNOTATIONS.asNumber,
      (x) => parseASNumber(x) !== undefined,
      "an AS number",
    );
    return v === undefined ? undefined : parseASNumber(v);
  }

  /** Labels kept in the JSON annotation; a malformed one is reported and ignored. */
  labels(): Record<string, string> {
    const v = this.#ann[NODE_ANNOTATIONS.labels];
    if (v === undefined) return {};
    try {
      const parsed: unknown = JSON.parse(v);
      const ok = isJsonObject(parsed) &&
        Object.values(parsed).every((x) => typeof x === "string");
      if (ok) return parsed as Record<string, string>;
    } catch { /* reported below */ }
    this.problems.push(
      `Ignored annotation "${NODE_ANNOTATIONS.labels}" of Node "${this.#node}": not a JSON map of strings`,
    );
    return {};
  }
}

function bgpSpec(r: AnnotationReader): NodeBGPSpec | undefined {
  const bgp: NodeBGPSpec = {
    ...opt("asNumber", r.asNumber()),
    ...opt("ipv4Address", r.get(NODE_ANNOTATIONS.ipv4Address, isCIDR(4), "an IPv4 CIDR")),
    ...opt("ipv6Address", r.get(NODE_ANNOTATIONS.ipv6Address, isCIDR(6), "an IPv6 CIDR")),
    ...opt(
      "ipv4IPIPTunnelAddr",
      r.get(NODE_ANNOTATIONS.ipv4IPIPTunnelAddr, isIP(4), "an IPv4 address"),
    ),
    ...opt(
      "routeReflectorClusterID",
      r.get(NODE_ANNOTATIONS.routeReflectorClusterID, isIP(4), "an IPv4 address"),
    ),
  };
  return Object.keys(bgp).length === 0 ? undefined : bgp;
}

function addresses(node: KubernetesNode, bgp: NodeBGPSpec | undefined): NodeAddress[] {
  const out: NodeAddress[] = [];
  if (bgp?.ipv4Address !== undefined) out.push({ address: bgp.ipv4Address, type: "CalicoNodeIP" });
  if (bgp?.ipv6Address !== undefined) out.push({ address: bgp.ipv6Address, type: "CalicoNodeIP" });
  for (const a of node.status?.addresses ?? []) {
    if (a.type === "InternalIP" || a.type === "ExternalIP") {
      out.push({ address: a.address, type: a.type });
    }
  }
  return out;
}

function nodeSpec(node: KubernetesNode, r: AnnotationReader): NodeSpec {
  const bgp = bgpSpec(r);
  const A = NODE_ANNOTATIONS;
  const wg = {
    ...opt("interfaceIPv4Address", r.get(A.ipv4WireguardInterfaceAddr, isIP(4), "an IPv4 address")),
    ...opt("interfaceIPv6Address", r.get(A.ipv6WireguardInterfaceAddr, isIP(6), "an IPv6 address")),
  };
  const addrs = addresses(node, bgp);
  return {
    ...opt("bgp", bgp),
    ...opt("ipv4VXLANTunnelAddr", r.get(A.ipv4VXLANTunnelAddr, isIP(4), "an IPv4 address")),
    ...opt("vxlanTunnelMACAddr", r.get(A.vxlanTunnelMACAddr, isMAC, "a MAC address")),
    ...opt("ipv6VXLANTunnelAddr", r.get(A.ipv6VXLANTunnelAddr, isIP(6), "an IPv6 address")),
    ...opt("vxlanTunnelMACAddrV6", r.get(A.vxlanTunnelMACAddrV6, isMAC, "a MAC address")),
    ...opt("wireguard", Object.keys(wg).length === 0 ? undefined : wg),
    orchRefs: [{ nodeName: node.metadata.name, orchestrator: ORCHESTRATOR_K8S }],
    ...opt("addresses", addrs.length === 0 ? undefined : addrs),
  };
}

function nodeStatus(node: KubernetesNode, r: AnnotationReader): NodeStatus {
  const cidrs = node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : undefined);
  return {
    ...opt("wireguardPublicKey", r.get(NODE_ANNOTATIONS.wireguardPublicKey, isKey, "a key")),
    ...opt("wireguardPublicKeyV6", r.get(NODE_ANNOTATIONS.wireguardPublicKeyV6, isKey, "a key")),
    ...opt("podCIDRs", cidrs),
  };
}

/**
 * Kubernetes Node -> v3 Node: labels are the node's labels overlaid with the JSON annotation
 * `projectcalico.org/labels`; BGP, tunnel and WireGuard fields come from annotations; addresses
 * are the BGP addresses (`CalicoNodeIP`) then the InternalIP/ExternalIP ones.
 */
export function k8sNodeToV3(node: KubernetesNode): NodeConversion {
  const r = new AnnotationReader(node);
  const m = node.metadata;
  const labels = { ...m.labels, ...r.labels() };
  const v3: Node = {
    kind: "Node",
    metadata: {
      name: m.name,
      ...opt("labels", Object.keys(labels).length === 0 ? undefined : labels),
      ...opt("annotations", m.annotations),
      ...opt("resourceVersion", m.resourceVersion),
      ...opt("uid", m.uid),
      ...opt("creationTimestamp", m.creationTimestamp),
    },
    spec: nodeSpec(node, r),
    status: nodeStatus(node, r),
  };
  return { node: v3, problems: r.problems };
}
