import { deepEqual, equal } from "node:assert/strict";
import { convertPolicy, policyKeyOf, policyTypes } from "../../src/model/convert_policy.ts";
import { keyPath } from "../../src/model/keys.ts";
import type { KVUpdate } from "../../src/model/kv.ts";
import type { Policy } from "../../src/model/values.ts";

function onlyValue(updates: readonly KVUpdate[]): Policy | null {
  equal(updates.length, 1);
  return updates[0]!.value as Policy | null;
}

Deno.test("convertPolicy converts a NetworkPolicy with defaults and the namespace clause", () => {
  const r = convertPolicy({
    kind: "NetworkPolicy",
    metadata: { name: "np1", namespace: "ns1", resourceVersion: "42" },
    spec: { selector: "app == 'web'", ingress: [{ action: "Pass" }] },
  });
  deepEqual(r.problems, []);
  equal(keyPath(r.updates[0]!.key), "/calico/v1/policy/NetworkPolicy/ns1/np1");
  equal(r.updates[0]!.revision, "42");
  const p = onlyValue(r.updates)!;
  equal(p.tier, "default");
  equal(p.order, null);
  equal(p.selector, "(app == 'web') && projectcalico.org/namespace == 'ns1'");
  equal(p.originalSelector, '(app == "web" && projectcalico.org/namespace == "ns1")');
  equal(p.namespace, "ns1");
  deepEqual(p.types, ["ingress"]);
  equal(p.inboundRules[0]!.action, "next-tier");
  deepEqual(p.outboundRules, []);
  deepEqual([p.untracked, p.preDNAT, p.applyOnForward], [false, false, false]);
  deepEqual(p.performanceHints, []);
  equal("stagedAction" in p, false);
});

Deno.test("convertPolicy converts a GlobalNetworkPolicy's host flags and selectors", () => {
  const r = convertPolicy({
    kind: "GlobalNetworkPolicy",
    metadata: { name: "gnp1" },
    spec: {
      tier: "security",
      order: 10.5,
      selector: "all()",
      namespaceSelector: "team == 'a'",
      types: ["Egress", "Ingress"],
      doNotTrack: true,
      applyOnForward: true,
      performanceHints: ["AssumeNeededOnEveryNode"],
    },
  });
  equal(keyPath(r.updates[0]!.key), "/calico/v1/policy/GlobalNetworkPolicy//gnp1");
  const p = onlyValue(r.updates)!;
  equal(p.tier, "security");
  equal(p.order, 10.5);
  equal(p.selector, '(has(projectcalico.org/namespace)) && pcns.team == "a"');
  equal(p.originalSelector, '(has(projectcalico.org/namespace) && pcns.team == "a")');
  equal(p.namespace, "");
  deepEqual(p.types, ["egress", "ingress"]);
  deepEqual([p.untracked, p.preDNAT, p.applyOnForward], [true, false, true]);
  deepEqual(p.performanceHints, ["AssumeNeededOnEveryNode"]);
});

Deno.test("convertPolicy gives an empty GNP selector's originalSelector as all()", () => {
  const p = onlyValue(
    convertPolicy({ kind: "GlobalNetworkPolicy", metadata: { name: "g" }, spec: {} }).updates,
  )!;
  equal(p.selector, "");
  equal(p.originalSelector, "all()");
});

Deno.test("convertPolicy scopes rule selectors to the policy namespace", () => {
  const p = onlyValue(
    convertPolicy({
      kind: "NetworkPolicy",
      metadata: { name: "n", namespace: "namespace2" },
      spec: {
        ingress: [{
          action: "Allow",
          source: { selector: "mylabel = value1" },
          destination: { notSelector: "has(x)" },
        }],
      },
    }).updates,
  )!;
  equal(
    p.inboundRules[0]!.src.selector,
    "(projectcalico.org/namespace == 'namespace2') && (mylabel = value1)",
  );
  equal(p.inboundRules[0]!.dst.selector, "projectcalico.org/namespace == 'namespace2'");
  equal(p.inboundRules[0]!.dst.notSelector, "has(x)");
});

Deno.test("policyTypes infers directions from the rules when types is empty", () => {
  deepEqual(policyTypes({}), ["ingress"]);
  deepEqual(policyTypes({ ingress: [{ action: "Allow" }] }), ["ingress"]);
  deepEqual(policyTypes({ egress: [{ action: "Allow" }] }), ["egress"]);
  deepEqual(policyTypes({ ingress: [{ action: "Allow" }], egress: [{ action: "Deny" }] }), [
    "ingress",
    "egress",
  ]);
  deepEqual(policyTypes({ types: [], egress: [{ action: "Allow" }] }), ["egress"]);
  deepEqual(policyTypes({ types: ["Egress"], ingress: [{ action: "Allow" }] }), ["egress"]);
});

Deno.test("convertPolicy keys staged kinds by their kind and carries stagedAction", () => {
  const r = convertPolicy({
    kind: "StagedNetworkPolicy",
    metadata: { name: "s", namespace: "ns" },
    spec: { stagedAction: "Learn" },
  });
  equal(keyPath(r.updates[0]!.key), "/calico/v1/policy/StagedNetworkPolicy/ns/s");
  equal(onlyValue(r.updates)!.stagedAction, "Learn");
  const g = convertPolicy({ kind: "StagedGlobalNetworkPolicy", metadata: { name: "g" }, spec: {} });
  equal(onlyValue(g.updates)!.stagedAction, "Set");
});

Deno.test("convertPolicy deletes the key of a staged policy whose action is Delete", () => {
  const r = convertPolicy({
    kind: "StagedGlobalNetworkPolicy",
    metadata: { name: "g", resourceVersion: "7" },
    spec: { stagedAction: "Delete", selector: "has(a)" },
  });
  deepEqual(r, {
    updates: [{
      key: { kind: "Policy", policyKind: "StagedGlobalNetworkPolicy", namespace: "", name: "g" },
      value: null,
      revision: "7",
    }],
    problems: [],
  });
});

Deno.test("convertPolicy deletes the key and reports a policy whose rule cannot convert", () => {
  const r = convertPolicy({
    kind: "NetworkPolicy",
    metadata: { name: "bad", namespace: "ns" },
    spec: { egress: [{ action: "Allow", destination: { ports: ["2:1"] } }] },
  });
  equal(onlyValue(r.updates), null);
  deepEqual(r.problems, [
    'Cannot convert NetworkPolicy "ns/bad": spec.egress[0].destination.ports: ' +
    'port range "2:1" is not a valid range',
  ]);
});

Deno.test("policyKeyOf lets the caller override the policy kind", () => {
  deepEqual(
    policyKeyOf(
      { kind: "NetworkPolicy", metadata: { name: "x", namespace: "n" }, spec: {} },
      "KubernetesNetworkPolicy",
    ),
    { kind: "Policy", policyKind: "KubernetesNetworkPolicy", namespace: "n", name: "x" },
  );
});
