/**
 * A synthetic cluster for the calc-graph benches: namespaces, pods spread over 100 nodes (the
 * first 200 on `node-1`, the node under test), 1,000 policies of 5 rules each (namespaced and
 * global, in three tiers), 500 global network sets, a pool, blocks and nodes. Resources are
 * written as a cluster stores them and converted with the real converter, so the graph sees what
 * a syncer would deliver.
 *
 * @module
 */
import { createResourceConverter } from "../../src/datastore/resource_converter.ts";
import { BUILT_IN_DOCUMENTS } from "../../src/datastore/built_ins.ts";
import type { KVUpdate } from "../../src/model/kv.ts";

export const HOSTNAME = "node-1";
const NAMESPACES = 50;
const NODES = 100;
const ROLES = ["web", "api", "db", "worker"];

type Doc = Record<string, unknown>;

function podIP(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/** Node of pod `i`: the first `local` pods run on node-1, the rest on node-2..node-100. */
export function podNode(i: number, local: number): string {
  return i < local ? HOSTNAME : `node-${2 + (i % (NODES - 1))}`;
}

/** Pod `i` with an optional label override. */
export function pod(i: number, local: number, app = `app-${i % 100}`): Doc {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `pod-${i}`,
      namespace: `ns-${i % NAMESPACES}`,
      labels: { app, role: ROLES[i % 4]!, version: `v${i % 5}` },
    },
    spec: {
      nodeName: podNode(i, local),
      containers: [{ name: "c", ports: [{ name: "http", containerPort: 8080 }] }],
    },
    status: { podIP: podIP(i) },
  };
}

function rules(p: number, port: number): { ingress: Doc[]; egress: Doc[] } {
  return {
    ingress: [
      {
        action: "Allow",
        protocol: "TCP",
        source: { selector: `role == 'web' && app == 'app-${(p + 1) % 100}'` },
        destination: { ports: [port] },
      },
      {
        action: "Allow",
        protocol: "TCP",
        source: { namespaceSelector: `team == 'team-${p % 10}'`, selector: "role == 'api'" },
        destination: { ports: ["http"] },
      },
      { action: "Deny", source: { nets: ["192.0.2.0/24", `198.51.100.${p % 256}/32`] } },
    ],
    egress: [
      { action: "Allow", destination: { selector: `feed == 'f-${p % 20}'` } },
      {
        action: "Allow",
        protocol: "UDP",
        destination: {
          selector: `version in {'v1', 'v2'} && app == 'app-${(p + 7) % 100}'`,
          ports: [53],
        },
      },
    ],
  };
}

/** Policy `p`: 70% namespaced in the default tier, 30% global in `security` or `platform`. */
export function policy(p: number, port = 8080): Doc {
  const spec = { selector: `app == 'app-${p % 100}'`, order: p % 7 === 0 ? undefined : p % 50 };
  if (p % 10 < 7) {
    return {
      apiVersion: "projectcalico.org/v3",
      kind: "NetworkPolicy",
      metadata: { name: `np-${p}`, namespace: `ns-${p % NAMESPACES}` },
      spec: { ...spec, ...rules(p, port) },
    };
  }
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "GlobalNetworkPolicy",
    metadata: { name: `gnp-${p}` },
    spec: { ...spec, tier: p % 2 === 0 ? "security" : "platform", ...rules(p, port) },
  };
}

function fixed(): Doc[] {
  const docs: Doc[] = [
    {
      apiVersion: "projectcalico.org/v3",
      kind: "ClusterInformation",
      metadata: { name: "default" },
      spec: { datastoreReady: true },
    },
    {
      apiVersion: "projectcalico.org/v3",
      kind: "IPPool",
      metadata: { name: "pool" },
      spec: { cidr: "10.0.0.0/8", vxlanMode: "Always", natOutgoing: true },
    },
  ];
  for (const [name, order] of [["security", 100], ["platform", 500]] as const) {
    docs.push({
      apiVersion: "projectcalico.org/v3",
      kind: "Tier",
      metadata: { name },
      spec: { order },
    });
  }
  for (let n = 0; n < NAMESPACES; n++) {
    docs.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: `ns-${n}`, labels: { team: `team-${n % 10}`, env: ["a", "b"][n % 2]! } },
    });
  }
  for (let n = 1; n <= NODES; n++) docs.push(...nodeDocs(n));
  for (let s = 0; s < 500; s++) {
    docs.push({
      apiVersion: "projectcalico.org/v3",
      kind: "GlobalNetworkSet",
      metadata: { name: `set-${s}`, labels: { feed: `f-${s % 20}` } },
      spec: {
        nets: [0, 1, 2, 3].map((k) => `172.${16 + (s % 16)}.${(s >> 4) & 255}.${k * 64}/26`),
      },
    });
  }
  return docs;
}

function nodeDocs(n: number): Doc[] {
  const name = n === 1 ? HOSTNAME : `node-${n}`;
  return [{
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: {
        "projectcalico.org/IPv4Address": `192.168.${n >> 8}.${n & 255}/16`,
        "projectcalico.org/IPv4VXLANTunnelAddr": `10.200.${n}.0`,
      },
    },
    status: { addresses: [{ type: "InternalIP", address: `192.168.${n >> 8}.${n & 255}` }] },
  }];
}

/** A cluster of `endpoints` pods (`local` on node-1) as updates, in a syncer-like order. */
export function clusterUpdates(endpoints: number, local = 200): KVUpdate[] {
  const docs = [...BUILT_IN_DOCUMENTS, ...fixed()] as Doc[];
  for (let p = 0; p < 1000; p++) docs.push(policy(p));
  for (let i = 0; i < endpoints; i++) docs.push(pod(i, local));
  return convertAll(docs);
}

const convert = createResourceConverter();

/** Convert documents; throws on any that does not convert (the workload must be valid). */
export function convertAll(docs: readonly unknown[]): KVUpdate[] {
  const out: KVUpdate[] = [];
  for (const d of docs) {
    const c = convert(d);
    if (!c.ok) throw new TypeError(`Bench workload document does not convert: ${c.error.message}`);
    out.push(...c.updates);
  }
  return out;
}
