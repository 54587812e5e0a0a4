/**
 * The datastore of the two-host routing FV: Kubernetes-style documents (Nodes with Calico's
 * address annotations, a VXLAN IP pool, IPAM blocks with host affinity, pods with their IPs)
 * for the file datastore, written as one JSON array.
 *
 * @module
 */
import { podInterfaceName } from "../../src/model/convert_pod.ts";

/** One node of the FV cluster. */
export interface FvNode {
  readonly name: string;
  /** Underlay address with prefix, `192.168.77.1/24`. */
  readonly address: string;
  /** IPAM block affine to the node, `10.65.0.0/26`; its first address is the VTEP address. */
  readonly block: string;
}

/** One pod: it lives on `node` with address `ip`. */
export interface FvPod {
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly ip: string;
}

/** The IP pool of the FV cluster. */
export const FV_POOL = "10.65.0.0/16";

/** The host-side interface Calico's CNI plugin names for a pod. */
export function podIface(p: FvPod): string {
  return podInterfaceName(p.namespace, p.name);
}

function node(n: FvNode): unknown {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: n.name,
      labels: { "kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux" },
      annotations: {
        "projectcalico.org/IPv4Address": n.address,
        "projectcalico.org/IPv4VXLANTunnelAddr": n.block.split("/")[0],
      },
    },
    spec: {},
    status: { addresses: [{ type: "InternalIP", address: n.address.split("/")[0] }] },
  };
}

function block(n: FvNode): unknown {
  return {
    apiVersion: "crd.projectcalico.org/v1",
    kind: "IPAMBlock",
    metadata: { name: n.block.replaceAll(".", "-").replace("/", "-") },
    spec: {
      cidr: n.block,
      affinity: `host:${n.name}`,
      strictAffinity: false,
      deleted: false,
      allocations: [0, ...new Array<null>(63).fill(null)],
      unallocated: Array.from({ length: 63 }, (_, i) => i + 1),
      attributes: [{ handle_id: `vxlan-tunnel-addr-${n.name}`, secondary: { node: n.name } }],
    },
  };
}

function pod(p: FvPod): unknown {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: { app: p.name },
      annotations: {
        "cni.projectcalico.org/containerID": `c-${p.name}`,
        "cni.projectcalico.org/podIP": `${p.ip}/32`,
        "cni.projectcalico.org/podIPs": `${p.ip}/32`,
      },
    },
    spec: { nodeName: p.node, containers: [{ name: "c", image: "probe" }] },
    status: { phase: "Running", podIP: p.ip, podIPs: [{ ip: p.ip }] },
  };
}

/** Every document of the cluster, then `extra` (policies, configuration). */
export function clusterDocuments(
  nodes: readonly FvNode[],
  pods: readonly FvPod[],
  extra: readonly unknown[] = [],
): unknown[] {
  const namespaces = [...new Set(pods.map((p) => p.namespace))];
  return [
    {
      apiVersion: "projectcalico.org/v3",
      kind: "ClusterInformation",
      metadata: { name: "default" },
      spec: { datastoreReady: true, clusterType: "k8s,kdd,vxlan", calicoVersion: "v3.31.3" },
    },
    {
      apiVersion: "projectcalico.org/v3",
      kind: "IPPool",
      metadata: { name: "fv-pool" },
      spec: {
        cidr: FV_POOL,
        blockSize: 26,
        vxlanMode: "Always",
        ipipMode: "Never",
        natOutgoing: false,
        nodeSelector: "all()",
      },
    },
    ...namespaces.map((ns) => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns } },
    })),
    ...nodes.map(node),
    ...nodes.map(block),
    ...pods.map(pod),
    ...extra,
  ];
}

/** Write the cluster to `path` (atomically: the agents watch the file). */
export async function writeCluster(
  path: string,
  nodes: readonly FvNode[],
  pods: readonly FvPod[],
  extra: readonly unknown[] = [],
): Promise<void> {
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(clusterDocuments(nodes, pods, extra), null, 1));
  await Deno.rename(tmp, path);
}
