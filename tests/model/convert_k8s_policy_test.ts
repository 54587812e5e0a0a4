import { deepEqual, equal } from "node:assert/strict";
import {
  convertK8sNetworkPolicy,
  k8sNetworkPolicyToV3,
  namespaceSelectorToCalico,
  podSelectorToCalico,
} from "../../src/model/convert_k8s_policy.ts";
import { groupPorts, simplifyPorts } from "../../src/model/convert_k8s_ports.ts";
import type { KubernetesNetworkPolicy } from "../../src/model/k8s.ts";
import { keyPath } from "../../src/model/keys.ts";
import type { Policy } from "../../src/model/values.ts";

function knp(
  spec: KubernetesNetworkPolicy["spec"],
  namespace = "default",
): KubernetesNetworkPolicy {
  return {
    kind: "KubernetesNetworkPolicy",
    metadata: { name: "np", namespace, resourceVersion: "9" },
    spec,
  };
}

function internal(np: KubernetesNetworkPolicy): Policy {
  return convertK8sNetworkPolicy(np).updates[0]!.value as Policy;
}

Deno.test("podSelectorToCalico sorts matchLabels and keeps matchExpressions in order", () => {
  equal(podSelectorToCalico(undefined), "projectcalico.org/orchestrator == 'k8s'");
  equal(
    podSelectorToCalico({
      matchLabels: { role: "db", app: "x" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["a", "b"] },
        { key: "env", operator: "NotIn", values: ["prod"] },
        { key: "k", operator: "Exists" },
        { key: "q", operator: "DoesNotExist" },
      ],
    }),
    "projectcalico.org/orchestrator == 'k8s' && app == 'x' && role == 'db' && " +
      "tier in { 'a', 'b' } && env not in { 'prod' } && has(k) && ! has(q)",
  );
});

Deno.test("namespaceSelectorToCalico gives all() for an empty selector and nothing when absent", () => {
  equal(namespaceSelectorToCalico(undefined), "");
  equal(namespaceSelectorToCalico({}), "all()");
  equal(namespaceSelectorToCalico({ matchLabels: { team: "a" } }), "team == 'a'");
});

Deno.test("simplifyPorts merges [80, 81, 82, 9090, foo] into 80:82, 9090, foo", () => {
  deepEqual(simplifyPorts([80, 81, 82, 9090, "foo"]), ["80:82", 9090, "foo"]);
  deepEqual(simplifyPorts([9090, "foo", 82, 80, 81, "foo"]), ["80:82", 9090, "foo"]);
  deepEqual(simplifyPorts(["100:200", 150, 201, "300:400", 50]), [50, "100:201", "300:400"]);
});

Deno.test("groupPorts defaults to TCP, collapses to any, and keeps all-ports per protocol", () => {
  deepEqual([
    ...(groupPorts([{ port: 80 }, { protocol: "UDP", port: 53 }]) as Map<string, unknown>),
  ], [
    ["TCP", [80]],
    ["UDP", [53]],
  ]);
  deepEqual([...(groupPorts([{ port: 80 }, {}, { protocol: "UDP" }]) as Map<string, unknown>)], [[
    "",
    null,
  ]]);
  deepEqual([...(groupPorts(undefined) as Map<string, unknown>)], [["", null]]);
  deepEqual([
    ...(groupPorts([{ port: 80 }, { protocol: "TCP" }, { port: 81 }]) as Map<string, unknown>),
  ], [
    ["TCP", null],
  ]);
  deepEqual([
    ...(groupPorts([{ port: 80, endPort: 90 }, { port: "http" }]) as Map<string, unknown>),
  ], [
    ["TCP", ["80:90", "http"]],
  ]);
});

Deno.test("groupPorts rejects endPort below port and endPort with a named port", () => {
  equal(
    (groupPorts([{ port: 90, endPort: 80 }]) as Error).message,
    "ports[0]: endPort 80 is not in 90-65535",
  );
  equal(
    (groupPorts([{ port: 1 }, { port: "web", endPort: 8 }]) as Error).message,
    'ports[1]: endPort 8 cannot be combined with named port "web"',
  );
});

Deno.test("k8sNetworkPolicyToV3 sets tier, order, selector and infers Ingress", () => {
  const { policy, problems } = k8sNetworkPolicyToV3(knp({ podSelector: {} }));
  deepEqual(problems, []);
  deepEqual(policy, {
    kind: "NetworkPolicy",
    metadata: { name: "np", namespace: "default", resourceVersion: "9" },
    spec: {
      tier: "default",
      order: 1000,
      selector: "projectcalico.org/orchestrator == 'k8s'",
      types: ["Ingress"],
      ingress: [],
      egress: [],
    },
  });
});

Deno.test("convertK8sNetworkPolicy keys by KubernetesNetworkPolicy and scopes an empty podSelector", () => {
  const r = convertK8sNetworkPolicy(knp({ podSelector: {} }));
  equal(keyPath(r.updates[0]!.key), "/calico/v1/policy/KubernetesNetworkPolicy/default/np");
  equal(r.updates[0]!.revision, "9");
  const p = r.updates[0]!.value as Policy;
  equal(
    p.selector,
    "(projectcalico.org/orchestrator == 'k8s') && projectcalico.org/namespace == 'default'",
  );
  equal(p.order, 1000);
  deepEqual(p.types, ["ingress"]);
});

Deno.test("convertK8sNetworkPolicy turns from: [{namespaceSelector: {}}] into the upstream src selector", () => {
  const p = internal(knp({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }));
  equal(p.inboundRules.length, 1);
  equal(
    p.inboundRules[0]!.src.selector,
    "(has(projectcalico.org/namespace)) && (projectcalico.org/orchestrator == 'k8s')",
  );
});

Deno.test("convertK8sNetworkPolicy scopes a podSelector-only peer to the policy namespace", () => {
  const p = internal(
    knp(
      { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { a: "b" } } }] }] },
      "ns2",
    ),
  );
  equal(
    p.inboundRules[0]!.src.selector,
    "(projectcalico.org/namespace == 'ns2') && (projectcalico.org/orchestrator == 'k8s' && a == 'b')",
  );
});

Deno.test("k8sNetworkPolicyToV3 emits one rule per protocol x peer, protocols sorted", () => {
  const { policy } = k8sNetworkPolicyToV3(knp({
    podSelector: {},
    ingress: [{
      from: [{ podSelector: {} }, { ipBlock: { cidr: "10.1.2.3/16" } }],
      ports: [{ protocol: "UDP", port: 53 }, { port: 80 }, { port: 81 }, { port: 82 }, {
        port: 9090,
      }, { port: "foo" }],
    }],
  }));
  deepEqual(policy.spec.ingress, [
    {
      action: "Allow",
      protocol: "TCP",
      source: { selector: "projectcalico.org/orchestrator == 'k8s'" },
      destination: { ports: ["80:82", 9090, "foo"] },
    },
    {
      action: "Allow",
      protocol: "TCP",
      source: { nets: ["10.1.0.0/16"] },
      destination: { ports: ["80:82", 9090, "foo"] },
    },
    {
      action: "Allow",
      protocol: "UDP",
      source: { selector: "projectcalico.org/orchestrator == 'k8s'" },
      destination: { ports: [53] },
    },
    {
      action: "Allow",
      protocol: "UDP",
      source: { nets: ["10.1.0.0/16"] },
      destination: { ports: [53] },
    },
  ]);
});

Deno.test("k8sNetworkPolicyToV3 turns endPort into a range", () => {
  const { policy } = k8sNetworkPolicyToV3(knp({
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [{ ports: [{ protocol: "TCP", port: 32000, endPort: 32768 }] }],
  }));
  deepEqual(policy.spec.types, ["Egress"]);
  deepEqual(policy.spec.egress, [
    { action: "Allow", protocol: "TCP", destination: { ports: ["32000:32768"] } },
  ]);
});

Deno.test("k8sNetworkPolicyToV3 puts an egress ipBlock with except in destination nets/notNets", () => {
  const { policy } = k8sNetworkPolicyToV3(knp({
    podSelector: {},
    policyTypes: ["Ingress", "Egress"],
    egress: [{
      to: [{ ipBlock: { cidr: "172.17.0.0/16", except: ["172.17.1.0/24", "172.17.2.5/24"] } }],
      ports: [{ port: 443 }],
    }],
  }));
  deepEqual(policy.spec.egress, [{
    action: "Allow",
    protocol: "TCP",
    destination: {
      nets: ["172.17.0.0/16"],
      notNets: ["172.17.1.0/24", "172.17.2.0/24"],
      ports: [443],
    },
  }]);
});

Deno.test("k8sNetworkPolicyToV3 gives one match-all rule for a rule without peers or ports", () => {
  const { policy } = k8sNetworkPolicyToV3(knp({ podSelector: {}, ingress: [{}] }));
  deepEqual(policy.spec.ingress, [{ action: "Allow" }]);
});

Deno.test("k8sNetworkPolicyToV3 drops and reports a rule with a bad port, keeping the others", () => {
  const { policy, problems } = k8sNetworkPolicyToV3(knp({
    podSelector: {},
    ingress: [{ ports: [{ port: 70000 }] }, { ports: [{ port: 22 }] }],
  }));
  deepEqual(policy.spec.ingress, [{
    action: "Allow",
    protocol: "TCP",
    destination: { ports: [22] },
  }]);
  deepEqual(problems, [
    'Dropped a rule of Kubernetes NetworkPolicy "default/np": spec.ingress[0].ports[0]: ' +
    "port 70000 is not in 1-65535",
  ]);
});

Deno.test("k8sNetworkPolicyToV3 warns about egress rules without the Egress type", () => {
  const { policy, problems } = k8sNetworkPolicyToV3(knp({ podSelector: {}, egress: [{}] }));
  deepEqual(policy.spec.types, ["Ingress"]);
  deepEqual(policy.spec.egress, [{ action: "Allow" }]);
  deepEqual(problems, [
    'Kubernetes NetworkPolicy "default/np" has egress rules but no Egress policy type: they have no effect',
  ]);
});
