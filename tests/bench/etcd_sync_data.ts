/**
 * A synthetic cluster for the etcd benches: `endpoints` workload endpoints spread over 100
 * namespaces and 50 nodes, `policies` policies (90% namespaced, 10% global), the namespace
 * profiles, a tier and an IP pool. As v3 documents (the file datastore's form) and as etcd pairs.
 */
import { resourceKey } from "../../src/datastore/etcd_keys.ts";

const V3 = "projectcalico.org/v3";
const NAMESPACES = 100;
const NODES = 50;

function meta(name: string, namespace?: string, labels?: Record<string, string>) {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    ...(labels === undefined ? {} : { labels }),
    uid: crypto.randomUUID(),
    creationTimestamp: "2026-01-01T00:00:00Z",
  };
}

function wep(i: number): unknown {
  const ns = `ns-${i % NAMESPACES}`;
  const node = `node-${i % NODES}`;
  const pod = `app-${i}-7d9f8c6b5-x${(i * 7919) % 100000}`;
  const name = [node, "k8s", pod, "eth0"].map((p) => p.replaceAll("-", "--")).join("-");
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return {
    apiVersion: V3,
    kind: "WorkloadEndpoint",
    metadata: meta(name, ns, {
      app: `app-${i % 200}`,
      tier: ["web", "api", "db"][i % 3]!,
      "projectcalico.org/namespace": ns,
      "projectcalico.org/orchestrator": "k8s",
      "projectcalico.org/serviceaccount": "default",
    }),
    spec: {
      orchestrator: "k8s",
      node,
      containerID: `c${i.toString(16).padStart(12, "0")}`,
      pod,
      endpoint: "eth0",
      serviceAccountName: "default",
      ipNetworks: [`${ip}/32`],
      profiles: [`kns.${ns}`, `ksa.${ns}.default`],
      interfaceName: `cali${i.toString(16).padStart(11, "0")}`,
      ports: [{ name: "http", protocol: "TCP", port: 8080 }],
    },
  };
}

function policy(i: number): unknown {
  const rule = {
    action: "Allow",
    protocol: "TCP",
    source: { selector: `app == 'app-${(i + 1) % 200}'` },
    destination: { ports: [8080, 443] },
  };
  if (i % 10 === 0) {
    return {
      apiVersion: V3,
      kind: "GlobalNetworkPolicy",
      metadata: meta(`global-${i}`),
      spec: {
        tier: "default",
        order: i,
        selector: `tier == 'web'`,
        types: ["Ingress", "Egress"],
        ingress: [rule],
        egress: [{ action: "Allow", protocol: "UDP", destination: { ports: [53] } }],
      },
    };
  }
  return {
    apiVersion: V3,
    kind: "NetworkPolicy",
    metadata: meta(`policy-${i}`, `ns-${i % NAMESPACES}`),
    spec: {
      tier: "default",
      order: 100 + i,
      selector: `app == 'app-${i % 200}'`,
      types: ["Ingress"],
      ingress: [rule],
    },
  };
}

function profiles(): unknown[] {
  return Array.from({ length: NAMESPACES }, (_, n) => ({
    apiVersion: V3,
    kind: "Profile",
    metadata: meta(`kns.ns-${n}`),
    spec: {
      ingress: [{ action: "Allow" }],
      egress: [{ action: "Allow" }],
      labelsToApply: { "pcns.projectcalico.org/name": `ns-${n}` },
    },
  }));
}

/** The cluster's v3 documents. */
export function benchResources(endpoints: number, policies: number): unknown[] {
  return [
    {
      apiVersion: V3,
      kind: "IPPool",
      metadata: meta("default-ipv4-ippool"),
      spec: { cidr: "10.0.0.0/8", vxlanMode: "Always", natOutgoing: true },
    },
    ...profiles(),
    ...Array.from({ length: policies }, (_, i) => policy(i)),
    ...Array.from({ length: endpoints }, (_, i) => wep(i)),
  ];
}

type Doc = { kind: string; metadata: { name: string; namespace?: string } };

/** The etcd pairs of documents (keys from kind, namespace and name). */
export function etcdPairsOf(docs: readonly unknown[]): [string, unknown][] {
  return docs.map((d) => {
    const { kind, metadata } = d as Doc;
    return [resourceKey(kind, metadata.name, metadata.namespace), d];
  });
}
