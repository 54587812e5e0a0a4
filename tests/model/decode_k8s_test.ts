/**
 * `decodeObject` on Kubernetes objects: NetworkPolicy checks, typed Pods, Services and slices,
 * internal kind names and the namespace default.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { decodeObject } from "../../src/model/decode.ts";

function knp(spec: unknown): Record<string, unknown> {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "np", namespace: "prod" },
    spec,
  };
}

function lines(raw: unknown): string[] {
  const result = decodeObject(raw);
  ok(!result.ok, "expected a decode error");
  return result.error.problems.map((p) => `${p.field}: ${p.reason}`);
}

Deno.test("decodeObject names Kubernetes NetworkPolicy errors with the internal kind", () => {
  const result = decodeObject(
    knp({ podSelector: {}, ingress: [{ ports: [{ protocol: "tcp" }] }] }),
  );
  ok(!result.ok);
  equal(
    result.error.message,
    'KubernetesNetworkPolicy "prod/np": spec.ingress[0].ports[0].protocol: "tcp" is not a valid ' +
      "protocol: must be one of TCP, UDP, SCTP",
  );
});

Deno.test("decodeObject checks Kubernetes NetworkPolicy ports and endPort", () => {
  deepEqual(
    lines(knp({
      podSelector: {},
      egress: [{
        ports: [
          { port: 0 },
          { port: "HTTP" },
          { port: "http", endPort: 90 },
          { port: 100, endPort: 99 },
          { port: 8.5 },
        ],
      }],
    })),
    [
      "spec.egress[0].ports[0].port: 0 is not a valid port: must be between 1 and 65535",
      'spec.egress[0].ports[1].port: "HTTP" is not a valid port name: must be 1-15 lower case ' +
      "alphanumeric characters or '-', with at least one letter, no '--', and no '-' at either end",
      "spec.egress[0].ports[2].endPort: endPort needs a numeric port",
      "spec.egress[0].ports[3].endPort: 99 is not a valid endPort: must be between 100 and 65535",
      "spec.egress[0].ports[4].port: expected an integer or a string, got number 8.5",
    ],
  );
});

Deno.test("decodeObject checks ipBlock CIDRs and that exceptions lie strictly inside", () => {
  deepEqual(
    lines(knp({
      podSelector: {},
      ingress: [{
        from: [
          { ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.0/8", "11.0.0.0/16", "10.1.0.0"] } },
          { ipBlock: { cidr: "10.0.0.1" } },
          { ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} },
          {},
        ],
      }],
    })),
    [
      'spec.ingress[0].from[0].ipBlock.except[0]: "10.0.0.0/8" is not strictly inside "10.0.0.0/8"',
      'spec.ingress[0].from[0].ipBlock.except[1]: "11.0.0.0/16" is not strictly inside "10.0.0.0/8"',
      'spec.ingress[0].from[0].ipBlock.except[2]: "10.1.0.0" is not a valid CIDR',
      'spec.ingress[0].from[1].ipBlock.cidr: "10.0.0.1" is not a valid CIDR',
      "spec.ingress[0].from[2].ipBlock: ipBlock cannot be combined with podSelector or " +
      "namespaceSelector",
      "spec.ingress[0].from[3]: must set podSelector, namespaceSelector or ipBlock",
    ],
  );
});

Deno.test("decodeObject checks label selector operators and values", () => {
  deepEqual(
    lines(knp({
      podSelector: {
        matchLabels: { "app/": "x" },
        matchExpressions: [
          { key: "a", operator: "In" },
          { key: "b", operator: "Exists", values: ["x"] },
          { key: "c", operator: "Equals", values: ["x"] },
          { key: "d", operator: "NotIn", values: ["bad value"] },
          { operator: "Exists" },
        ],
      },
    })),
    [
      'spec.podSelector.matchLabels["app/"]: "app/" is not a valid label key: name part must not ' +
      "be empty",
      "spec.podSelector.matchExpressions[0].values: must not be empty when operator is In",
      "spec.podSelector.matchExpressions[1].values: must be empty when operator is Exists",
      'spec.podSelector.matchExpressions[2].operator: "Equals" is not a valid operator: must be ' +
      "one of In, NotIn, Exists, DoesNotExist",
      'spec.podSelector.matchExpressions[3].values[0]: "bad value" is not a valid label value: ' +
      "must consist of alphanumeric characters, '-', '_' or '.', and start and end with an " +
      "alphanumeric character",
      "spec.podSelector.matchExpressions[4].key: missing required field",
    ],
  );
});

Deno.test("decodeObject decodes a Kubernetes NetworkPolicy without podSelector as selecting all", () => {
  const result = decodeObject(knp({ policyTypes: ["Egress"] }));
  ok(result.ok);
  deepEqual(result.object, {
    kind: "KubernetesNetworkPolicy",
    metadata: { name: "np", namespace: "prod" },
    spec: { podSelector: {}, policyTypes: ["Egress"] },
  });
});

Deno.test("decodeObject checks Pod field types", () => {
  deepEqual(
    lines({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: {
        nodeName: 5,
        hostNetwork: "false",
        containers: [{ name: "c", ports: [{ containerPort: "80" }, {}] }],
      },
      status: { podIPs: [{ ip: "10.0.0.1" }, "10.0.0.2"] },
    }),
    [
      "spec.nodeName: expected a string, got number 5",
      'spec.hostNetwork: expected a boolean, got string "false"',
      'spec.containers[0].ports[0].containerPort: expected an integer, got string "80"',
      "spec.containers[0].ports[1].containerPort: missing required field",
      'status.podIPs[1]: expected an object, got string "10.0.0.2"',
    ],
  );
});

Deno.test("decodeObject gives a Pod without a namespace the default namespace", () => {
  const result = decodeObject({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: {} });
  ok(result.ok);
  deepEqual(result.object, {
    kind: "Pod",
    metadata: { name: "p", namespace: "default" },
    spec: {},
  });
});

Deno.test("decodeObject rejects a namespace on a Kubernetes Node", () => {
  deepEqual(lines({ apiVersion: "v1", kind: "Node", metadata: { name: "n", namespace: "x" } }), [
    'metadata.namespace: "x" is not allowed: KubernetesNode is cluster-scoped',
  ]);
});

Deno.test("decodeObject checks Service ports and EndpointSlice required fields", () => {
  deepEqual(
    lines({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s", namespace: "prod" },
      spec: { ports: [{ name: "http", targetPort: true }] },
    }),
    [
      "spec.ports[0].port: missing required field",
      "spec.ports[0].targetPort: expected an integer or a string, got boolean true",
    ],
  );
  deepEqual(
    lines({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "e", namespace: "prod" },
      endpoints: [{ conditions: { ready: "yes" } }],
    }),
    [
      "addressType: missing required field",
      "endpoints[0].addresses: missing required field",
      'endpoints[0].conditions.ready: expected a boolean, got string "yes"',
    ],
  );
});
