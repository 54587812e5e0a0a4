/**
 * One stored object of every kind the etcd syncer reads, as Calico's clients write them into
 * etcd (full v3 JSON; policies with the `projectcalico.org/metadata` annotation; an IPAM block as
 * bare AllocationBlock JSON), and the same resources as file-datastore documents.
 */
import { blockKey, resourceKey } from "../../src/datastore/etcd_keys.ts";

const V3 = "projectcalico.org/v3";

function res(kind: string, name: string, spec: unknown, ns?: string, extra = {}): unknown {
  const metadata = ns === undefined ? { name } : { name, namespace: ns };
  return { apiVersion: V3, kind, metadata, spec, ...extra };
}

/** The v3 objects (file form), one of every kind (two profiles, two policies in one kind). */
export const RESOURCES: readonly unknown[] = [
  res("ClusterInformation", "default", {
    clusterGUID: "4d4ab5a3",
    clusterType: "k8s,bgp",
    calicoVersion: "v3.30.0",
    datastoreReady: true,
  }),
  res("FelixConfiguration", "default", { logSeverityScreen: "Debug" }),
  res("GlobalNetworkPolicy", "allow-dns", {
    tier: "default",
    order: 10,
    selector: "all()",
    types: ["Egress"],
    egress: [{ action: "Allow", protocol: "UDP", destination: { ports: [53] } }],
  }),
  res("GlobalNetworkPolicy", "legacy", { selector: "has(legacy)", ingress: [{ action: "Deny" }] }),
  res("StagedGlobalNetworkPolicy", "try-deny", {
    stagedAction: "Set",
    selector: "has(app)",
    ingress: [{ action: "Deny" }],
  }),
  res("GlobalNetworkSet", "blocklist", { nets: ["198.51.100.0/24"] }),
  res("IPPool", "default-ipv4-ippool", {
    cidr: "10.244.0.0/16",
    vxlanMode: "Always",
    natOutgoing: true,
  }),
  res("Node", "worker-1", {
    bgp: { ipv4Address: "10.0.0.5/24" },
    ipv4VXLANTunnelAddr: "10.244.1.0",
  }),
  res("Profile", "kns.prod", {
    ingress: [{ action: "Allow" }],
    egress: [{ action: "Allow" }],
    labelsToApply: { "pcns.env": "prod" },
  }),
  res("Profile", "ksa.prod.web", { labelsToApply: { "pcsa.name": "web" } }),
  res(
    "WorkloadEndpoint",
    "worker--1-k8s-frontend--abc-eth0",
    {
      orchestrator: "k8s",
      node: "worker-1",
      pod: "frontend-abc",
      endpoint: "eth0",
      serviceAccountName: "web",
      ipNetworks: ["10.244.1.5/32"],
      profiles: ["kns.prod", "ksa.prod.web"],
      interfaceName: "cali7f94ce7c295",
    },
    "prod",
    {
      metadata: {
        name: "worker--1-k8s-frontend--abc-eth0",
        namespace: "prod",
        labels: { app: "web" },
      },
    },
  ),
  res("NetworkPolicy", "allow-web", {
    selector: "app == 'web'",
    ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: [80] } }],
  }, "prod"),
  res("StagedNetworkPolicy", "try-web", { stagedAction: "Set", selector: "has(app)" }, "prod"),
  res("NetworkSet", "partners", { nets: ["10.1.0.0/16"] }, "prod"),
  res("Tier", "security", { order: 100, defaultAction: "Pass" }),
  res("HostEndpoint", "worker-1-eth0", {
    node: "worker-1",
    interfaceName: "eth0",
    expectedIPs: ["10.0.0.5"],
  }),
];

/** The IPAM block as the file datastore reads it (Kubernetes CRD form). */
export const BLOCK_DOC = {
  apiVersion: "crd.projectcalico.org/v1",
  kind: "IPAMBlock",
  metadata: { name: "10-244-1-0-30" },
  spec: {
    cidr: "10.244.1.0/30",
    affinity: "host:worker-1",
    strictAffinity: false,
    allocations: [0, null, null, null],
    unallocated: [1, 2, 3],
    attributes: [{ handle_id: "k8s-pod-network.abc" }],
    deleted: false,
  },
};

/** The file-form documents: {@linkcode RESOURCES} and the block. */
export function fileDocuments(): unknown[] {
  return [...RESOURCES, BLOCK_DOC];
}

type Obj = Record<string, unknown>;

/**
 * The etcd pairs for {@linkcode RESOURCES} and the block, as Calico's clients write them, with
 * the cases where the key decides: both global policies under their pre-3.30 default-tier keys
 * (`default.allow-dns` with the `projectcalico.org/metadata` annotation naming it, `default.legacy`
 * without one), and the WEP's value with a stale name and no namespace.
 */
export function etcdPairs(): [string, unknown][] {
  const pairs = RESOURCES.map((doc): [string, unknown] => {
    const d = doc as Obj;
    const meta = d.metadata as Obj;
    const kind = String(d.kind);
    const name = String(meta.name);
    const ns = meta.namespace === undefined ? undefined : String(meta.namespace);
    if (kind === "GlobalNetworkPolicy") {
      const annotations = { "projectcalico.org/metadata": JSON.stringify({ name }) };
      const stored = name === "allow-dns" ? { ...d, metadata: { ...meta, annotations } } : d;
      return [resourceKey(kind, `default.${name}`), stored];
    }
    if (kind === "WorkloadEndpoint") {
      return [resourceKey(kind, name, ns), {
        ...d,
        metadata: { name: "stale", labels: meta.labels },
      }];
    }
    return [resourceKey(kind, name, ns), d];
  });
  return [...pairs, [blockKey("10.244.1.0/30"), { ...BLOCK_DOC.spec, hostAffinity: null }]];
}
