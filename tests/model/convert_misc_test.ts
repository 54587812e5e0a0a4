import { deepEqual } from "node:assert/strict";
import {
  convertClusterInformation,
  convertPassThrough,
  convertTier,
} from "../../src/model/convert_misc.ts";
import { keyPath } from "../../src/model/keys.ts";

Deno.test("convertTier copies the order and keeps Pass only when explicit", () => {
  const tier = (spec: { order?: number; defaultAction?: "Deny" | "Pass" }) =>
    convertTier({ kind: "Tier", metadata: { name: "t" }, spec }).updates[0]!;
  deepEqual(keyPath(tier({}).key), "/calico/v1/policy/tier/t/metadata");
  deepEqual(tier({}).value, { order: null, defaultAction: "Deny" });
  deepEqual(tier({ order: 100, defaultAction: "Pass" }).value, {
    order: 100,
    defaultAction: "Pass",
  });
  deepEqual(tier({ defaultAction: "Deny" }).value, { order: null, defaultAction: "Deny" });
});

Deno.test("convertClusterInformation emits the four global config keys and the ready flag", () => {
  const r = convertClusterInformation({
    kind: "ClusterInformation",
    metadata: { name: "default", resourceVersion: "12" },
    spec: {
      clusterGUID: "abc",
      clusterType: "k8s,bgp",
      calicoVersion: "v3.31.0",
      datastoreReady: true,
    },
  });
  deepEqual(r.updates.map((u) => [keyPath(u.key), u.value, u.revision]), [
    ["/calico/v1/config/ClusterGUID", "abc", "12"],
    ["/calico/v1/config/ClusterType", "k8s,bgp", "12"],
    ["/calico/v1/config/CalicoVersion", "v3.31.0", "12"],
    ["/calico/v1/config/Variant", null, "12"],
    ["/calico/v1/Ready", true, "12"],
  ]);
});

Deno.test("convertClusterInformation treats a missing datastoreReady as not ready", () => {
  const r = convertClusterInformation({
    kind: "ClusterInformation",
    metadata: { name: "default" },
    spec: {},
  });
  deepEqual(r.updates[4]!.value, false);
});

Deno.test("convertClusterInformation ignores names other than default", () => {
  deepEqual(
    convertClusterInformation({ kind: "ClusterInformation", metadata: { name: "x" }, spec: {} }),
    {
      updates: [],
      problems: ['Ignored ClusterInformation "x": only "default" is read'],
    },
  );
});

Deno.test("convertPassThrough passes Services and EndpointSlices through whole", () => {
  const svc = {
    kind: "KubernetesService" as const,
    metadata: { name: "kubernetes", namespace: "default", resourceVersion: "1" },
    spec: { clusterIP: "10.96.0.1", ports: [{ port: 443 }] },
  };
  const r = convertPassThrough(svc);
  deepEqual(
    keyPath(r.updates[0]!.key),
    "/calico/resources/v3/projectcalico.org/kubernetesservice/default/kubernetes",
  );
  deepEqual(r.updates[0]!.value, svc);
  const slice = {
    kind: "KubernetesEndpointSlice" as const,
    metadata: { name: "kubernetes-abc", namespace: "default" },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.0.0.1"] }],
  };
  deepEqual(convertPassThrough(slice).updates[0]!.key, {
    kind: "Resource",
    resourceKind: "KubernetesEndpointSlice",
    namespace: "default",
    name: "kubernetes-abc",
  });
});
