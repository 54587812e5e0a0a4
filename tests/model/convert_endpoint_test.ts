import { deepEqual, equal } from "node:assert/strict";
import {
  convertHostEndpoint,
  convertWorkloadEndpoint,
  parseWorkloadEndpointName,
  workloadEndpointKeyOf,
} from "../../src/model/convert_endpoint.ts";
import { keyPath } from "../../src/model/keys.ts";
import type { WorkloadEndpoint as V3WEP } from "../../src/model/v3_resources.ts";
import type { HostEndpoint, WorkloadEndpoint } from "../../src/model/values.ts";

function wep(spec: V3WEP["spec"], name = "worker--1-k8s-frontend--abc-eth0", labels = {}): V3WEP {
  return {
    kind: "WorkloadEndpoint",
    metadata: { name, namespace: "prod", labels, resourceVersion: "8" },
    spec,
  };
}

Deno.test("parseWorkloadEndpointName splits on single dashes and unescapes double dashes", () => {
  deepEqual(parseWorkloadEndpointName("worker--1-k8s-frontend--abc-eth0"), {
    node: "worker-1",
    orchestrator: "k8s",
    workload: "frontend-abc",
    endpoint: "eth0",
  });
  deepEqual(parseWorkloadEndpointName("test--node-k8s-simplePod-eth0"), {
    node: "test-node",
    orchestrator: "k8s",
    workload: "simplePod",
    endpoint: "eth0",
  });
  deepEqual(parseWorkloadEndpointName("a---b-c-d")?.node, "a-");
  equal(parseWorkloadEndpointName("a-b-c"), undefined);
  equal(parseWorkloadEndpointName("a-b-c-d-e"), undefined);
  equal(parseWorkloadEndpointName("a--b-c-d"), undefined);
});

Deno.test("workloadEndpointKeyOf gives the worked example's key path", () => {
  const key = workloadEndpointKeyOf(wep({ ipNetworks: ["10.0.0.1"] }));
  deepEqual(key, {
    kind: "WorkloadEndpoint",
    hostname: "worker-1",
    orchestratorId: "k8s",
    workloadId: "prod/frontend-abc",
    endpointId: "eth0",
  });
  equal(
    keyPath(key as Exclude<typeof key, Error>),
    "/calico/v1/host/worker-1/workload/k8s/prod%2ffrontend-abc/endpoint/eth0",
  );
});

Deno.test("workloadEndpointKeyOf prefers spec fields over the name", () => {
  const key = workloadEndpointKeyOf(
    wep({ node: "n-2", orchestrator: "cni", workload: "w", endpoint: "eth1" }, "x"),
  );
  deepEqual(key, {
    kind: "WorkloadEndpoint",
    hostname: "n-2",
    orchestratorId: "cni",
    workloadId: "prod/w",
    endpointId: "eth1",
  });
  const fromPod = workloadEndpointKeyOf(wep({ node: "other", pod: "p-1" }));
  deepEqual(fromPod, {
    kind: "WorkloadEndpoint",
    hostname: "other",
    orchestratorId: "k8s",
    workloadId: "prod/p-1",
    endpointId: "eth0",
  });
});

Deno.test("convertWorkloadEndpoint reports a name that yields no key", () => {
  deepEqual(convertWorkloadEndpoint(wep({ ipNetworks: ["10.0.0.1"] }, "bad")), {
    updates: [],
    problems: [
      'Cannot convert WorkloadEndpoint "prod/bad": name "bad" is not ' +
      "<node>-<orchestrator>-<workload>-<endpoint> and the spec does not name all four",
    ],
  });
});

Deno.test("convertWorkloadEndpoint deletes the key of an endpoint without ipNetworks", () => {
  const r = convertWorkloadEndpoint(wep({ interfaceName: "cali1" }));
  deepEqual(r.updates.map((u) => [keyPath(u.key), u.value, u.revision]), [
    ["/calico/v1/host/worker-1/workload/k8s/prod%2ffrontend-abc/endpoint/eth0", null, "8"],
  ]);
});

Deno.test("convertWorkloadEndpoint splits and masks IPs, keeps named ports, filters labels", () => {
  const r = convertWorkloadEndpoint(wep(
    {
      interfaceName: "cali7f94ce7c295",
      mac: "ee:ee:ee:ee:ee:ee",
      ipNetworks: ["10.0.0.1", "fd00::1", "10.1.2.3/24"],
      ipNATs: [{ internalIP: "10.0.0.1", externalIP: "1.1.1.1" }, {
        internalIP: "fd00::1",
        externalIP: "2001::1",
      }],
      ipv4Gateway: "10.0.0.254",
      profiles: ["kns.prod", "ksa.prod.sa"],
      serviceAccountName: "sa",
      ports: [{ name: "http", protocol: "TCP", port: 80 }, {
        name: "",
        protocol: "UDP",
        port: 53,
        hostPort: 53,
      }],
      allowSpoofedSourcePrefixes: ["192.168.0.7/16"],
      qosControls: { ingressBandwidth: 1000 },
    },
    undefined,
    { app: "web", "pcns.team": "evil", "pcsa.role": "evil" },
  ));
  deepEqual(r.problems, []);
  deepEqual(r.updates[0]!.value as WorkloadEndpoint, {
    state: "active",
    name: "cali7f94ce7c295",
    mac: "ee:ee:ee:ee:ee:ee",
    profileIds: ["kns.prod", "ksa.prod.sa"],
    ipv4Nets: ["10.0.0.1/32", "10.1.2.0/24"],
    ipv6Nets: ["fd00::1/128"],
    ipv4NAT: [{ extIP: "1.1.1.1", intIP: "10.0.0.1" }],
    ipv6NAT: [{ extIP: "2001::1", intIP: "fd00::1" }],
    ipv4Gateway: "10.0.0.254",
    labels: { app: "web", "projectcalico.org/serviceaccount": "sa" },
    ports: [{ name: "http", protocol: "tcp", port: 80 }],
    allowSpoofedSourcePrefixes: ["192.168.0.0/16"],
    qosControls: { ingressBandwidth: 1000 },
  });
});

Deno.test("convertWorkloadEndpoint deletes and reports an endpoint with an unparsable IP", () => {
  const r = convertWorkloadEndpoint(wep({ ipNetworks: ["10.0.0.1", "nope"] }));
  equal(r.updates[0]!.value, null);
  deepEqual(r.problems, [
    'Cannot convert WorkloadEndpoint "prod/worker--1-k8s-frontend--abc-eth0": spec.ipNetworks ' +
    'holds an entry that is not an IP or CIDR: ["10.0.0.1","nope"]',
  ]);
});

Deno.test("convertHostEndpoint keys by node and name and keeps every port", () => {
  const r = convertHostEndpoint({
    kind: "HostEndpoint",
    metadata: { name: "n1-eth0", labels: { role: "gw" }, resourceVersion: "2" },
    spec: {
      node: "n1",
      interfaceName: "eth0",
      expectedIPs: ["10.0.0.5", "fd00:0::5", "bogus"],
      profiles: ["projectcalico-default-allow"],
      ports: [{ name: "", protocol: "UDP", port: 53 }, { name: "ssh", protocol: 6, port: 22 }],
    },
  });
  equal(keyPath(r.updates[0]!.key), "/calico/v1/host/n1/endpoint/n1-eth0");
  deepEqual(r.updates[0]!.value as HostEndpoint, {
    name: "eth0",
    expectedIPv4Addrs: ["10.0.0.5"],
    expectedIPv6Addrs: ["fd00::5"],
    labels: { role: "gw" },
    profileIds: ["projectcalico-default-allow"],
    ports: [{ name: "", protocol: "udp", port: 53 }, { name: "ssh", protocol: 6, port: 22 }],
  });
  deepEqual(r.problems, [
    'Ignored spec.expectedIPs[2] "bogus" of HostEndpoint "n1-eth0": not an IP',
  ]);
});

Deno.test("convertHostEndpoint reports a host endpoint without a node", () => {
  deepEqual(
    convertHostEndpoint({
      kind: "HostEndpoint",
      metadata: { name: "h" },
      spec: { interfaceName: "*" },
    }),
    {
      updates: [],
      problems: ['Cannot convert HostEndpoint "h": spec.node is empty'],
    },
  );
});

Deno.test("convertWorkloadEndpoint drops a NAT whose internal or external IP is not an IP", () => {
  const r = convertWorkloadEndpoint(wep({
    interfaceName: "cali7f94ce7c295",
    ipNetworks: ["10.0.0.1", "fd00::1"],
    ipNATs: [
      { internalIP: "10.0.0.1", externalIP: "not-an-ip" },
      { internalIP: "bogus", externalIP: "1.1.1.1" },
      { internalIP: "10.0.0.1", externalIP: "1.1.1.2" },
      { internalIP: "fd00::1", externalIP: "2001:0::0001" },
    ],
  }));
  const v = r.updates[0]!.value as WorkloadEndpoint;
  deepEqual(v.ipv4NAT, [{ extIP: "1.1.1.2", intIP: "10.0.0.1" }]);
  deepEqual(v.ipv6NAT, [{ extIP: "2001::1", intIP: "fd00::1" }]);
});
