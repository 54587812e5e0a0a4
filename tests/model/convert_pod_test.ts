import { deepEqual, equal, ok } from "node:assert/strict";
import {
  convertPod,
  podInterfaceName,
  podPorts,
  podToWorkloadEndpoint,
  podWorkloadEndpointName,
} from "../../src/model/convert_pod.ts";
import type { Pod } from "../../src/model/k8s.ts";
import { keyPath } from "../../src/model/keys.ts";
import type { WorkloadEndpoint as V3WEP } from "../../src/model/v3_resources.ts";
import type { WorkloadEndpoint } from "../../src/model/values.ts";

type PodPatch = {
  metadata?: Partial<Pod["metadata"]>;
  spec?: Pod["spec"];
  status?: Pod["status"];
};

function pod(patch: PodPatch = {}): Pod {
  return {
    kind: "Pod",
    metadata: {
      name: "simplePod",
      namespace: "testNamespace",
      resourceVersion: "1234",
      ...patch.metadata,
    },
    spec: patch.spec ?? { nodeName: "test-node" },
    status: patch.status ?? { phase: "Running", podIP: "192.168.1.1" },
  };
}

function endpointOf(p: Pod, prefix?: string): V3WEP {
  const c = podToWorkloadEndpoint(p, prefix === undefined ? {} : { interfacePrefix: prefix });
  if (c.kind !== "endpoint") throw new Error(`expected an endpoint, got ${c.kind}: ${c.reason}`);
  return c.endpoint;
}

Deno.test("podInterfaceName matches upstream's fixtures", () => {
  const cases: [string, string, string][] = [
    ["default", "podA", "cali7f94ce7c295"],
    ["default", "podB", "cali92cf1f5e9f6"],
    ["testNamespace", "simplePod", "caliedff4356bd6"],
    ["testNamespace", "simplePod2", "cali4274eb44391"],
    ["testNamespace", "termPod", "calidfce31fd9be"],
    ["testNamespace", "termPod2", "cali9591578421e"],
  ];
  for (const [ns, name, want] of cases) equal(podInterfaceName(ns, name), want);
  equal(podInterfaceName("default", "podA", "tap"), "tap7f94ce7c295");
});

Deno.test("podWorkloadEndpointName doubles dashes in node and pod names", () => {
  equal(podWorkloadEndpointName("test-node", "simplePod"), "test--node-k8s-simplePod-eth0");
  equal(podWorkloadEndpointName("worker-1", "frontend-abc"), "worker--1-k8s-frontend--abc-eth0");
});

Deno.test("podToWorkloadEndpoint builds the v3 endpoint of a running pod", () => {
  const wep = endpointOf(pod({
    metadata: {
      labels: { app: "web" },
      generateName: "simple-",
      uid: "u1",
      annotations: {
        "cni.projectcalico.org/containerID": "abc123",
        "k8s.v1.cni.cncf.io/network-status": "[]",
        "other": "x",
      },
    },
    spec: { nodeName: "test-node", serviceAccountName: "sa1" },
  }));
  deepEqual(wep, {
    kind: "WorkloadEndpoint",
    metadata: {
      name: "test--node-k8s-simplePod-eth0",
      namespace: "testNamespace",
      labels: {
        app: "web",
        "projectcalico.org/namespace": "testNamespace",
        "projectcalico.org/orchestrator": "k8s",
        "projectcalico.org/serviceaccount": "sa1",
      },
      annotations: { "k8s.v1.cni.cncf.io/network-status": "[]" },
      resourceVersion: "1234",
      uid: "u1",
      generateName: "simple-",
    },
    spec: {
      orchestrator: "k8s",
      node: "test-node",
      pod: "simplePod",
      endpoint: "eth0",
      containerID: "abc123",
      serviceAccountName: "sa1",
      ipNetworks: ["192.168.1.1/32"],
      profiles: ["kns.testNamespace", "ksa.testNamespace.sa1"],
      interfaceName: "caliedff4356bd6",
      ports: [],
    },
  });
});

Deno.test("podToWorkloadEndpoint leaves out the SA label for a name of 63 characters or more", () => {
  const sa = "s".repeat(63);
  const wep = endpointOf(pod({ spec: { nodeName: "n", serviceAccountName: sa } }));
  equal(wep.metadata.labels?.["projectcalico.org/serviceaccount"], undefined);
  deepEqual(wep.spec.profiles, ["kns.testNamespace", `ksa.testNamespace.${sa}`]);
});

Deno.test("podToWorkloadEndpoint uses the interface prefix option", () => {
  equal(endpointOf(pod(), "tap").spec.interfaceName, "tapedff4356bd6");
});

Deno.test("podToWorkloadEndpoint skips host-networked and unscheduled pods", () => {
  deepEqual(podToWorkloadEndpoint(pod({ spec: { nodeName: "n", hostNetwork: true } })), {
    kind: "skipped",
    reason: "it uses the host network",
  });
  deepEqual(podToWorkloadEndpoint(pod({ spec: {} })), {
    kind: "skipped",
    reason: "it is not scheduled to a node",
  });
  deepEqual(convertPod(pod({ spec: { hostNetwork: true, nodeName: "n" } })), {
    updates: [],
    problems: [],
  });
});

Deno.test("podToWorkloadEndpoint takes IPs from the first non-empty source", () => {
  const ann = (a: Record<string, string>) => ({ annotations: a });
  const ips = (p: Pod) => endpointOf(p).spec.ipNetworks;
  deepEqual(
    ips(pod({ status: { podIPs: [{ ip: "10.0.0.1" }, { ip: "fd00::1" }], podIP: "10.9.9.9" } })),
    [
      "10.0.0.1/32",
      "fd00::1/128",
    ],
  );
  deepEqual(ips(pod({ status: { podIP: "10.0.0.2" } })), ["10.0.0.2/32"]);
  const noStatus = { status: { phase: "Running", podIP: "" } };
  deepEqual(
    ips(pod({
      ...noStatus,
      metadata: ann({
        "cni.projectcalico.org/podIPs": "10.0.0.3,fd00::3",
        "cni.projectcalico.org/podIP": "10.0.0.4",
      }),
    })),
    ["10.0.0.3/32", "fd00::3/128"],
  );
  deepEqual(
    ips(pod({ ...noStatus, metadata: ann({ "cni.projectcalico.org/podIP": "10.0.0.4/32" }) })),
    [
      "10.0.0.4/32",
    ],
  );
  deepEqual(ips(pod({ ...noStatus, metadata: ann({ "vpc.amazonaws.com/pod-ips": "10.0.0.5" }) })), [
    "10.0.0.5/32",
  ]);
});

Deno.test("convertPod deletes the endpoint key of a pod with no IP", () => {
  const p = pod({ status: { phase: "Pending" } });
  const c = podToWorkloadEndpoint(p);
  equal(c.kind === "endpoint" && c.noIPsReason, "it has no IP yet");
  const r = convertPod(p);
  deepEqual(r.problems, []);
  equal(r.updates.length, 1);
  equal(
    keyPath(r.updates[0]!.key),
    "/calico/v1/host/test-node/workload/k8s/testNamespace%2fsimplePod/endpoint/eth0",
  );
  equal(r.updates[0]!.value, null);
  equal(r.updates[0]!.revision, "1234");
});

Deno.test("convertPod deletes the endpoint key of a finished pod", () => {
  for (const phase of ["Failed", "Succeeded", "Completed"]) {
    const p = pod({ metadata: { name: "termPod" }, status: { phase, podIP: "10.0.0.1" } });
    const c = podToWorkloadEndpoint(p);
    equal(c.kind === "endpoint" && c.noIPsReason, `its phase is "${phase}"`);
    equal(c.kind === "endpoint" && c.endpoint.spec.interfaceName, "calidfce31fd9be");
    deepEqual(convertPod(p).updates.map((u) => u.value), [null]);
  }
});

Deno.test("convertPod deletes a terminating pod once the CNI cleared its IP annotation", () => {
  const terminating = (a: Record<string, string>) =>
    pod({
      metadata: { name: "termPod2", deletionTimestamp: "2024-01-01T00:00:00Z", annotations: a },
    });
  const calico = podToWorkloadEndpoint(terminating({ "cni.projectcalico.org/podIP": "" }));
  equal(
    calico.kind === "endpoint" && calico.noIPsReason,
    'it is being deleted and annotation "cni.projectcalico.org/podIP" is empty',
  );
  equal(calico.kind === "endpoint" && calico.endpoint.spec.interfaceName, "cali9591578421e");
  deepEqual(
    convertPod(terminating({ "vpc.amazonaws.com/pod-ips": "" })).updates.map((u) => u.value),
    [null],
  );
  const stillUp = convertPod(terminating({ "cni.projectcalico.org/podIP": "10.0.0.1" }));
  ok(stillUp.updates[0]!.value !== null);
  ok(
    convertPod(pod({ metadata: { annotations: { "cni.projectcalico.org/podIP": "" } } }))
      .updates[0]!.value !== null,
  );
});

Deno.test("podToWorkloadEndpoint collects named and host ports from containers and init containers", () => {
  deepEqual(
    podPorts(pod({
      spec: {
        nodeName: "n",
        containers: [{
          name: "c",
          ports: [
            { name: "http", containerPort: 80 },
            { containerPort: 81 },
            { containerPort: 82, hostPort: 8082, hostIP: "1.2.3.4", protocol: "UDP" },
            { name: "weird", containerPort: 83, protocol: "ICMP" },
            { name: "zero", containerPort: 0 },
          ],
        }],
        initContainers: [{
          name: "i",
          ports: [{ name: "sctp", containerPort: 90, protocol: "SCTP" }],
        }],
      },
    })),
    [
      { name: "http", protocol: "TCP", port: 80 },
      { name: "", protocol: "UDP", port: 82, hostPort: 8082, hostIP: "1.2.3.4" },
      { name: "sctp", protocol: "SCTP", port: 90 },
    ],
  );
});

Deno.test("podToWorkloadEndpoint maps floating IPs to the pod IP of the same family", () => {
  const wep = endpointOf(pod({
    metadata: {
      annotations: { "cni.projectcalico.org/floatingIPs": '["1.1.1.1", "2001::1", "1.1.1.2"]' },
    },
    status: { podIPs: [{ ip: "10.0.0.1" }] },
  }));
  deepEqual(wep.spec.ipNATs, [
    { internalIP: "10.0.0.1", externalIP: "1.1.1.1" },
    { internalIP: "10.0.0.1", externalIP: "1.1.1.2" },
  ]);
});

Deno.test("convertPod fails a pod with malformed floating-IP JSON and deletes its key", () => {
  const r = convertPod(
    pod({ metadata: { annotations: { "cni.projectcalico.org/floatingIPs": "[1.1.1.1" } } }),
  );
  deepEqual(r.updates.map((u) => [keyPath(u.key), u.value]), [
    ["/calico/v1/host/test-node/workload/k8s/testNamespace%2fsimplePod/endpoint/eth0", null],
  ]);
  equal(r.problems.length, 1);
  ok(r.problems[0]!.startsWith(
    'Cannot convert Pod "testNamespace/simplePod": annotation "cni.projectcalico.org/floatingIPs" is not valid JSON: ',
  ));
});

Deno.test("podToWorkloadEndpoint fails floating IPs on a pod IP that is not a /32", () => {
  const c = podToWorkloadEndpoint(pod({
    metadata: {
      annotations: {
        "cni.projectcalico.org/floatingIPs": '["1.1.1.1"]',
        "cni.projectcalico.org/podIP": "10.0.0.0/24",
      },
    },
    status: { podIP: "" },
  }));
  deepEqual(
    c.kind === "failed" && c.reason,
    'pod IP "10.0.0.0/24" must be a /32 to carry floating IPs',
  );
});

Deno.test("podToWorkloadEndpoint normalises allowed source prefixes and fails on a bad one", () => {
  const ok1 = endpointOf(pod({
    metadata: {
      annotations: { "cni.projectcalico.org/allowedSourcePrefixes": '["10.1.2.3/16", "fd00::5"]' },
    },
  }));
  deepEqual(ok1.spec.allowSpoofedSourcePrefixes, ["10.1.0.0/16", "fd00::5/128"]);
  const bad = podToWorkloadEndpoint(pod({
    metadata: { annotations: { "cni.projectcalico.org/allowedSourcePrefixes": '["nope"]' } },
  }));
  equal(
    bad.kind === "failed" && bad.reason,
    'annotation "cni.projectcalico.org/allowedSourcePrefixes" holds "nope", which is not a CIDR',
  );
  const notList = podToWorkloadEndpoint(pod({
    metadata: { annotations: { "cni.projectcalico.org/allowedSourcePrefixes": '{"a": 1}' } },
  }));
  equal(
    notList.kind === "failed" && notList.reason,
    'annotation "cni.projectcalico.org/allowedSourcePrefixes" must be a JSON list of strings',
  );
});

Deno.test("podToWorkloadEndpoint fails a pod whose IP does not parse", () => {
  const c = podToWorkloadEndpoint(pod({ status: { podIP: "10.0.0.300" } }));
  equal(
    c.kind === "failed" && c.reason,
    'status.podIP holds "10.0.0.300", which is not an IP or CIDR',
  );
});

Deno.test("convertPod produces the internal endpoint with a serviceaccount label and named ports", () => {
  const r = convertPod(pod({
    metadata: { labels: { app: "web", "pcns.fake": "x" } },
    spec: {
      nodeName: "test-node",
      serviceAccountName: "sa1",
      containers: [{
        name: "c",
        ports: [{ name: "http", containerPort: 80 }, { containerPort: 81, hostPort: 81 }],
      }],
    },
  }));
  const v = r.updates[0]!.value as WorkloadEndpoint;
  equal(v.name, "caliedff4356bd6");
  deepEqual(v.ipv4Nets, ["192.168.1.1/32"]);
  deepEqual(v.ports, [{ name: "http", protocol: "tcp", port: 80 }]);
  deepEqual(v.labels, {
    app: "web",
    "projectcalico.org/namespace": "testNamespace",
    "projectcalico.org/orchestrator": "k8s",
    "projectcalico.org/serviceaccount": "sa1",
  });
  deepEqual(v.profileIds, ["kns.testNamespace", "ksa.testNamespace.sa1"]);
});
