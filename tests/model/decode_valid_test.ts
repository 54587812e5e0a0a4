/**
 * `decodeObject` on one valid example of every kind: the exact typed object, no warnings, and
 * a JSON round trip (`toManifest` -> `JSON.stringify` -> `decodeObject`) that changes nothing.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { decodeObject } from "../../src/model/decode.ts";
import { type DecodedObject, KINDS, toManifest } from "../../src/model/json_kinds.ts";
import type { Rule } from "../../src/model/v3_policy.ts";

interface Example {
  readonly raw: Record<string, unknown>;
  readonly expected: DecodedObject;
}

const V3 = "projectcalico.org/v3";

const RULE_IN = {
  action: "Allow",
  protocol: "tcp",
  source: { selector: "role == 'frontend'", namespaceSelector: "global()" },
  destination: { ports: [80, "443", "8000:8080", "http-alt"], nets: ["10.0.0.0/8"] },
  metadata: { annotations: { "example.com/why": "web" } },
};
const RULE_IN_DECODED: Rule = { ...RULE_IN, action: "Allow", protocol: "TCP" };

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `base` with `changes` merged in: objects merge key by key; anything else, arrays too, replaces. */
function merged(base: Json, changes: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(changes)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? merged(b, v) : v;
  }
  return out;
}

/**
 * An example whose raw manifest is `expected` with `apiVersion` added and `rawChanges` merged in:
 * what the decoder drops or rewrites. A deep copy, so that a decoder mutating its input could not
 * also change `expected`.
 */
function example(expected: DecodedObject, apiVersion = V3, rawChanges: Json = {}): Example {
  return { raw: structuredClone(merged({ apiVersion, ...expected }, rawChanges)), expected };
}

const EXAMPLES: Readonly<Record<string, Example>> = {
  NetworkPolicy: example(
    {
      kind: "NetworkPolicy",
      metadata: { name: "allow-web", namespace: "prod", labels: { team: "web" } },
      spec: {
        tier: "default",
        order: 100.5,
        selector: "app == 'web'",
        types: ["Ingress", "Egress"],
        ingress: [RULE_IN_DECODED],
        egress: [{ action: "Deny", protocol: 17, destination: { notNets: ["192.168.0.0/16"] } }],
        serviceAccountSelector: "role == 'api'",
        performanceHints: ["AssumeNeededOnEveryNode"],
      },
    },
    V3,
    {
      spec: {
        ingress: [RULE_IN],
        egress: [{ action: "Deny", protocol: "17", destination: { notNets: ["192.168.0.0/16"] } }],
      },
    },
  ),
  GlobalNetworkPolicy: example({
    kind: "GlobalNetworkPolicy",
    metadata: { name: "security.deny-metadata", uid: "u-1", resourceVersion: "42" },
    spec: {
      tier: "security",
      order: 10,
      selector: "all()",
      namespaceSelector: "env == 'prod'",
      doNotTrack: true,
      applyOnForward: true,
      ingress: [{ action: "Pass", ipVersion: 6, protocol: "ICMPv6", icmp: { type: 128 } }],
      egress: [{ action: "Log" }],
    },
  }),
  StagedNetworkPolicy: {
    raw: {
      apiVersion: V3,
      kind: "StagedNetworkPolicy",
      metadata: { name: "try-deny" },
      spec: { stagedAction: "Set", selector: "has(app)", ingress: [{ action: "Deny" }] },
    },
    expected: {
      kind: "StagedNetworkPolicy",
      metadata: { name: "try-deny", namespace: "default" },
      spec: { stagedAction: "Set", selector: "has(app)", ingress: [{ action: "Deny" }] },
    },
  },
  StagedGlobalNetworkPolicy: example({
    kind: "StagedGlobalNetworkPolicy",
    metadata: { name: "default.try-prednat" },
    spec: {
      stagedAction: "Learn",
      preDNAT: true,
      applyOnForward: true,
      types: ["Ingress"],
      ingress: [{ action: "Deny", protocol: 6, destination: { ports: ["22"] } }],
    },
  }, "crd.projectcalico.org/v1"),
  Tier: example({
    kind: "Tier",
    metadata: { name: "security" },
    spec: { order: 100, defaultAction: "Pass" },
  }),
  Profile: example({
    kind: "Profile",
    metadata: { name: "kns.prod" },
    spec: {
      ingress: [{ action: "Allow" }],
      egress: [{ action: "Allow" }],
      labelsToApply: { "pcns.env": "prod" },
    },
  }),
  GlobalNetworkSet: example({
    kind: "GlobalNetworkSet",
    metadata: { name: "blocklist", labels: { "threat-feed": "true" } },
    spec: { nets: ["198.51.100.0/24", "2001:db8::/32", "203.0.113.7"] },
  }),
  NetworkSet: example({
    kind: "NetworkSet",
    metadata: { name: "partners", namespace: "prod" },
    spec: { nets: ["10.1.2.3/8"] },
  }),
  HostEndpoint: example(
    {
      kind: "HostEndpoint",
      metadata: { name: "worker-1-eth0", labels: { role: "worker" } },
      spec: {
        node: "worker-1",
        interfaceName: "eth0",
        expectedIPs: ["192.168.1.10", "fd00::10"],
        profiles: ["projectcalico-default-allow"],
        ports: [{ name: "ssh", protocol: "TCP", port: 22 }],
      },
    },
    V3,
    { spec: { ports: [{ name: "ssh", protocol: "tcp", port: 22 }] } },
  ),
  WorkloadEndpoint: example({
    kind: "WorkloadEndpoint",
    metadata: { name: "worker--1-k8s-frontend--abc-eth0", namespace: "prod" },
    spec: {
      orchestrator: "k8s",
      workload: "",
      node: "worker-1",
      containerID: "abc123",
      pod: "frontend-abc",
      endpoint: "eth0",
      serviceAccountName: "web",
      ipNetworks: ["10.244.1.5/32", "fd00:1::5"],
      ipNATs: [{ internalIP: "10.244.1.5", externalIP: "172.16.0.5" }],
      ipv4Gateway: "169.254.1.1",
      profiles: ["kns.prod", "ksa.prod.web"],
      interfaceName: "cali7f94ce7c295",
      mac: "ee:ee:ee:ee:ee:ee",
      ports: [{ name: "http", protocol: "TCP", port: 8080 }, {
        name: "",
        protocol: "UDP",
        port: 53,
        hostPort: 5353,
      }],
      allowSpoofedSourcePrefixes: ["192.0.2.0/24"],
      qosControls: { ingressBandwidth: 1000000 },
    },
  }),
  IPPool: example({
    kind: "IPPool",
    metadata: { name: "default-ipv4-ippool" },
    spec: {
      cidr: "10.244.0.0/16",
      vxlanMode: "CrossSubnet",
      ipipMode: "Never",
      natOutgoing: true,
      blockSize: 26,
      nodeSelector: "all()",
      allowedUses: ["Workload", "Tunnel"],
      assignmentMode: "Automatic",
    },
  }),
  FelixConfiguration: example({
    kind: "FelixConfiguration",
    metadata: { name: "node.worker-1" },
    spec: { logSeverityScreen: "Debug", bpfEnabled: false, routeTableRanges: [{ min: 1 }] },
  }),
  ClusterInformation: example({
    kind: "ClusterInformation",
    metadata: { name: "default" },
    spec: { clusterGUID: "abc", clusterType: "k8s,bgp", datastoreReady: true },
  }),
  Node: example(
    {
      kind: "Node",
      metadata: { name: "worker-1" },
      spec: {
        bgp: { asNumber: 65546, ipv4Address: "10.0.0.5/24", ipv4IPIPTunnelAddr: "10.244.1.1" },
        ipv4VXLANTunnelAddr: "10.244.1.0",
        vxlanTunnelMACAddr: "66:cf:5c:22:0b:01",
        wireguard: { interfaceIPv4Address: "10.244.1.2" },
        orchRefs: [{ nodeName: "worker-1", orchestrator: "k8s" }],
        addresses: [{ address: "10.0.0.5/24", type: "CalicoNodeIP" }, { address: "10.0.0.5" }],
      },
      status: {
        wireguardPublicKey: "jlkVyQYooZYzI2wFfNhSZez5eWh44yfq1wKVjLvSXgY=",
        podCIDRs: ["10.244.1.0/24"],
      },
    },
    V3,
    { spec: { bgp: { asNumber: "1.10" } } },
  ),
  IPAMBlock: example(
    {
      kind: "IPAMBlock",
      metadata: { name: "10-244-1-0-30" },
      spec: {
        cidr: "10.244.1.0/30",
        affinity: "host:worker-1",
        allocations: [0, null, 1, null],
        deleted: false,
      },
    },
    "crd.projectcalico.org/v1",
    {
      spec: { unallocated: [1, 3], attributes: [{ handle_id: "h" }], strictAffinity: false },
    },
  ),
  Pod: example(
    {
      kind: "Pod",
      metadata: {
        name: "frontend-abc",
        namespace: "prod",
        labels: { app: "web" },
        annotations: { "cni.projectcalico.org/podIP": "10.244.1.5/32" },
        creationTimestamp: "2024-01-01T00:00:00Z",
      },
      spec: {
        nodeName: "worker-1",
        serviceAccountName: "web",
        containers: [{
          name: "web",
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
        }],
      },
      status: { phase: "Running", podIP: "10.244.1.5", podIPs: [{ ip: "10.244.1.5" }] },
    },
    "v1",
    {
      metadata: { ownerReferences: [{ kind: "ReplicaSet" }] },
      spec: {
        containers: [{
          name: "web",
          image: "nginx",
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
        }],
        dnsPolicy: "ClusterFirst",
      },
    },
  ),
  Namespace: example(
    { kind: "Namespace", metadata: { name: "prod", labels: { env: "prod" } } },
    "v1",
    { spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } },
  ),
  ServiceAccount: example(
    { kind: "ServiceAccount", metadata: { name: "web", namespace: "prod" } },
    "v1",
  ),
  KubernetesNode: example(
    {
      kind: "KubernetesNode",
      metadata: {
        name: "worker-1",
        annotations: { "projectcalico.org/IPv4Address": "10.0.0.5/24" },
      },
      spec: { podCIDR: "10.244.1.0/24", podCIDRs: ["10.244.1.0/24"] },
      status: { addresses: [{ type: "InternalIP", address: "10.0.0.5" }] },
    },
    "v1",
    { kind: "Node", spec: { providerID: "x" }, status: { capacity: {} } },
  ),
  KubernetesService: example(
    {
      kind: "KubernetesService",
      metadata: { name: "web", namespace: "prod" },
      spec: {
        type: "LoadBalancer",
        clusterIP: "10.96.0.10",
        clusterIPs: ["10.96.0.10"],
        externalIPs: ["192.0.2.10"],
        ports: [{ name: "http", protocol: "TCP", port: 80, targetPort: "http", nodePort: 30080 }],
      },
      status: { loadBalancer: { ingress: [{ ip: "192.0.2.20" }] } },
    },
    "v1",
    { kind: "Service", spec: { selector: { app: "web" } } },
  ),
  KubernetesNetworkPolicy: example(
    {
      kind: "KubernetesNetworkPolicy",
      metadata: { name: "allow-db", namespace: "prod" },
      spec: {
        podSelector: { matchLabels: { app: "db" } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{
          from: [
            {
              podSelector: {
                matchExpressions: [{ key: "role", operator: "In", values: ["api", "web"] }],
              },
              namespaceSelector: {},
            },
            { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } },
          ],
          ports: [{ protocol: "TCP", port: 5432 }, { port: "metrics" }, {
            port: 6000,
            endPort: 6010,
          }],
        }],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { env: "prod" } } }] }],
      },
    },
    "networking.k8s.io/v1",
    { kind: "NetworkPolicy" },
  ),
  KubernetesEndpointSlice: example(
    {
      kind: "KubernetesEndpointSlice",
      metadata: {
        name: "web-abcde",
        namespace: "prod",
        labels: { "kubernetes.io/service-name": "web" },
      },
      addressType: "IPv4",
      endpoints: [{ addresses: ["10.244.1.5"], conditions: { ready: true }, nodeName: "worker-1" }],
      ports: [{ name: "http", protocol: "TCP", port: 8080 }, { name: "" }],
    },
    "discovery.k8s.io/v1",
    {
      kind: "EndpointSlice",
      endpoints: [{
        addresses: ["10.244.1.5"],
        conditions: { ready: true, serving: true },
        nodeName: "worker-1",
        targetRef: { kind: "Pod" },
      }],
      ports: [{ name: "http", protocol: "TCP", port: 8080 }, { name: "", port: null }],
    },
  ),
};

for (const [name, example] of Object.entries(EXAMPLES)) {
  Deno.test(`decodeObject decodes a valid ${name} to the exact typed object`, () => {
    const result = decodeObject(example.raw);
    ok(result.ok, result.ok ? "" : result.error.message);
    deepEqual(result.object, example.expected);
    deepEqual(result.warnings, []);
  });
}

Deno.test("decodeObject fixtures cover every kind", () => {
  deepEqual(Object.keys(EXAMPLES).sort(), KINDS.map((k) => k.kind).sort());
});

Deno.test("decodeObject round-trips every valid example through toManifest and JSON", () => {
  for (const [name, example] of Object.entries(EXAMPLES)) {
    const first = decodeObject(example.raw);
    ok(first.ok, name);
    const again = decodeObject(JSON.parse(JSON.stringify(toManifest(first.object))));
    ok(again.ok, again.ok ? name : `${name}: ${again.error.message}`);
    deepEqual(again.object, first.object, name);
    deepEqual(again.warnings, [], name);
  }
});

Deno.test("decodeObject does not alias or mutate its input", () => {
  const raw = structuredClone(EXAMPLES["NetworkPolicy"]!.raw);
  const before = JSON.stringify(raw);
  const result = decodeObject(raw);
  ok(result.ok);
  equal(JSON.stringify(raw), before);
  const spec = raw["spec"] as { ingress: { destination: { ports: unknown[] } }[] };
  spec.ingress[0]!.destination.ports.push(9999);
  deepEqual(result.object, EXAMPLES["NetworkPolicy"]!.expected);
});

Deno.test("toManifest writes the Kubernetes kind and apiVersion for internal kinds", () => {
  const m = toManifest({ kind: "KubernetesNode", metadata: { name: "n1" } });
  deepEqual(m, { kind: "Node", apiVersion: "v1", metadata: { name: "n1" } });
});
