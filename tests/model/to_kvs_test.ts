import { deepEqual, equal } from "node:assert/strict";
import type { KubernetesObject } from "../../src/model/k8s.ts";
import { keyPath } from "../../src/model/keys.ts";
import { kv, type KVUpdate } from "../../src/model/kv.ts";
import type { CalicoResource, FelixConfiguration } from "../../src/model/v3_resources.ts";
import {
  type ConversionContext,
  deletionKVs,
  keysOf,
  objectToKVs,
} from "../../src/model/to_kvs.ts";

const seen: FelixConfiguration[] = [];
const ctx: ConversionContext = {
  interfacePrefix: "tap",
  felixConfigurationToKVs(fc: FelixConfiguration): readonly KVUpdate[] {
    seen.push(fc);
    return [
      kv({ kind: "GlobalConfig", name: "LogSeverityScreen" }, String(fc.spec.logSeverityScreen)),
    ];
  },
};

function paths(obj: CalicoResource | KubernetesObject): string[] {
  return objectToKVs(obj, ctx).updates.map((u) => keyPath(u.key));
}

const runningPod: KubernetesObject = {
  kind: "Pod",
  metadata: { name: "podA", namespace: "default", resourceVersion: "3" },
  spec: { nodeName: "worker-1" },
  status: { podIP: "10.0.0.1" },
};

Deno.test("objectToKVs converts a pod with the context's interface prefix", () => {
  const r = objectToKVs(runningPod, ctx);
  deepEqual(r.problems, []);
  equal(
    keyPath(r.updates[0]!.key),
    "/calico/v1/host/worker-1/workload/k8s/default%2fpodA/endpoint/eth0",
  );
  equal((r.updates[0]!.value as { name: string }).name, "tap7f94ce7c295");
});

Deno.test("objectToKVs dispatches every Calico kind to its conversion", () => {
  deepEqual(paths({ kind: "NetworkPolicy", metadata: { name: "a", namespace: "n" }, spec: {} }), [
    "/calico/v1/policy/NetworkPolicy/n/a",
  ]);
  deepEqual(paths({ kind: "GlobalNetworkPolicy", metadata: { name: "g" }, spec: {} }), [
    "/calico/v1/policy/GlobalNetworkPolicy//g",
  ]);
  deepEqual(paths({ kind: "Tier", metadata: { name: "t" }, spec: {} }), [
    "/calico/v1/policy/tier/t/metadata",
  ]);
  deepEqual(paths({ kind: "Profile", metadata: { name: "p" }, spec: {} }), [
    "/calico/v1/policy/profile/p/rules",
    "/calico/v1/policy/profile/p/labels",
  ]);
  deepEqual(paths({ kind: "GlobalNetworkSet", metadata: { name: "s" }, spec: {} }), [
    "/calico/v1/netset/s",
  ]);
  deepEqual(paths({ kind: "HostEndpoint", metadata: { name: "h" }, spec: { node: "n1" } }), [
    "/calico/v1/host/n1/endpoint/h",
  ]);
  deepEqual(paths({ kind: "IPPool", metadata: { name: "p" }, spec: { cidr: "10.0.0.0/16" } }), [
    "/calico/v1/ipam/v4/pool/10.0.0.0-16",
  ]);
  deepEqual(paths({ kind: "IPAMBlock", metadata: { name: "b" }, spec: { cidr: "10.0.0.0/26" } }), [
    "/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26",
  ]);
  deepEqual(
    paths({ kind: "ClusterInformation", metadata: { name: "default" }, spec: {} }).length,
    5,
  );
});

Deno.test("objectToKVs hands FelixConfiguration to the injected converter", () => {
  seen.length = 0;
  const fc: FelixConfiguration = {
    kind: "FelixConfiguration",
    metadata: { name: "default" },
    spec: { logSeverityScreen: "Debug" },
  };
  const r = objectToKVs(fc, ctx);
  equal(seen[0], fc);
  deepEqual(r.updates.map((u) => [keyPath(u.key), u.value]), [[
    "/calico/v1/config/LogSeverityScreen",
    "Debug",
  ]]);
});

Deno.test("objectToKVs dispatches every Kubernetes kind", () => {
  deepEqual(paths({ kind: "Namespace", metadata: { name: "n" } }), [
    "/calico/v1/policy/profile/kns.n/rules",
    "/calico/v1/policy/profile/kns.n/labels",
  ]);
  deepEqual(paths({ kind: "ServiceAccount", metadata: { name: "s", namespace: "n" } }), [
    "/calico/v1/policy/profile/ksa.n.s/rules",
    "/calico/v1/policy/profile/ksa.n.s/labels",
  ]);
  deepEqual(
    paths({
      kind: "KubernetesNetworkPolicy",
      metadata: { name: "k", namespace: "n" },
      spec: { podSelector: {} },
    }),
    [
      "/calico/v1/policy/KubernetesNetworkPolicy/n/k",
    ],
  );
  deepEqual(
    paths({ kind: "KubernetesService", metadata: { name: "s", namespace: "n" }, spec: {} }),
    [
      "/calico/resources/v3/projectcalico.org/kubernetesservice/n/s",
    ],
  );
  deepEqual(
    paths({
      kind: "KubernetesEndpointSlice",
      metadata: { name: "e", namespace: "n" },
      addressType: "IPv4",
    }),
    [
      "/calico/resources/v3/projectcalico.org/kubernetesendpointslice/n/e",
    ],
  );
});

Deno.test("objectToKVs forwards the problems of the Kubernetes Node conversion", () => {
  const r = objectToKVs({
    kind: "KubernetesNode",
    metadata: { name: "n1", annotations: { "projectcalico.org/IPv4IPIPTunnelAddr": "x" } },
  }, ctx);
  equal(r.updates.length, 7);
  deepEqual(r.problems, [
    'Ignored annotation "projectcalico.org/IPv4IPIPTunnelAddr" of Node "n1": "x" is not an IPv4 address',
  ]);
});

Deno.test("keysOf a pod is its endpoint key, whether or not it has an IP", () => {
  const expected = ["/calico/v1/host/worker-1/workload/k8s/default%2fpodA/endpoint/eth0"];
  deepEqual(keysOf(runningPod, ctx).map(keyPath), expected);
  const noIP: KubernetesObject = { ...runningPod, status: {} };
  deepEqual(keysOf(noIP, ctx).map(keyPath), expected);
  const hostNet: KubernetesObject = {
    ...runningPod,
    spec: { nodeName: "worker-1", hostNetwork: true },
  };
  deepEqual(keysOf(hostNet, ctx), []);
});

Deno.test("keysOf a node is its five tunnel keys, its Resource key and its WireGuard key", () => {
  deepEqual(keysOf({ kind: "KubernetesNode", metadata: { name: "n1" } }, ctx).map(keyPath), [
    "/calico/v1/host/n1/config/IpInIpTunnelAddr",
    "/calico/v1/host/n1/config/IPv4VXLANTunnelAddr",
    "/calico/v1/host/n1/config/VXLANTunnelMACAddr",
    "/calico/v1/host/n1/config/IPv6VXLANTunnelAddr",
    "/calico/v1/host/n1/config/VXLANTunnelMACAddrV6",
    "/calico/resources/v3/projectcalico.org/node/n1",
    "/calico/v1/host/n1/wireguard",
  ]);
});

Deno.test("keysOf a staged policy with action Delete still names its key", () => {
  deepEqual(
    keysOf({
      kind: "StagedNetworkPolicy",
      metadata: { name: "s", namespace: "n" },
      spec: { stagedAction: "Delete" },
    }, ctx)
      .map(keyPath),
    ["/calico/v1/policy/StagedNetworkPolicy/n/s"],
  );
});

Deno.test("deletionKVs deletes every key an object owns with the given revision", () => {
  deepEqual(deletionKVs({ kind: "Namespace", metadata: { name: "n" } }, ctx, "99"), [
    { key: { kind: "ProfileRules", name: "kns.n" }, value: null, revision: "99" },
    { key: { kind: "ProfileLabels", name: "kns.n" }, value: null, revision: "99" },
  ]);
});
