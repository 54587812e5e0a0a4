/**
 * `decodeObject` on malformed objects: the exact `ResourceError` text, fields and problem list.
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { decodeObject } from "../../src/model/decode.ts";
import { ResourceError } from "../../src/model/resource_error.ts";

const V3 = "projectcalico.org/v3";

function errorOf(raw: unknown): ResourceError {
  const result = decodeObject(raw);
  if (result.ok) throw new Error(`Expected a decode error, got ${JSON.stringify(result.object)}`);
  ok(result.error instanceof ResourceError);
  return result.error;
}

function gnp(spec: Record<string, unknown>, name = "deny-egress"): Record<string, unknown> {
  return { apiVersion: V3, kind: "GlobalNetworkPolicy", metadata: { name }, spec };
}

function ingressRule(rule: Record<string, unknown>): Record<string, unknown> {
  return gnp({ ingress: [rule] });
}

Deno.test("decodeObject rejects a bad CIDR in spec.ingress[0].source.nets[1]", () => {
  const e = errorOf(
    ingressRule({ action: "Allow", source: { nets: ["10.0.0.0/8", "10.0.0.300/8"] } }),
  );
  equal(
    e.message,
    'GlobalNetworkPolicy "deny-egress": spec.ingress[0].source.nets[1]: "10.0.0.300/8" is not a valid CIDR',
  );
  equal(e.kind, "GlobalNetworkPolicy");
  equal(e.resourceName, "deny-egress");
  equal(e.namespace, undefined);
  equal(e.field, "spec.ingress[0].source.nets[1]");
  equal(e.reason, '"10.0.0.300/8" is not a valid CIDR');
  equal(e.name, "ResourceError");
});

Deno.test("decodeObject names a namespaced resource as namespace/name", () => {
  const e = errorOf({
    apiVersion: V3,
    kind: "NetworkPolicy",
    metadata: { name: "allow-web", namespace: "prod" },
    spec: { ingress: [{ action: "allow" }] },
  });
  equal(
    e.message,
    'NetworkPolicy "prod/allow-web": spec.ingress[0].action: "allow" is not a valid action: ' +
      "must be one of Allow, Deny, Log, Pass",
  );
  equal(e.namespace, "prod");
});

Deno.test("decodeObject reports a missing metadata.name", () => {
  const e = errorOf({ apiVersion: V3, kind: "GlobalNetworkPolicy", metadata: {}, spec: {} });
  equal(e.message, "GlobalNetworkPolicy: metadata.name: missing required field");
  equal(e.resourceName, undefined);
});

Deno.test("decodeObject reports missing metadata as a missing metadata.name", () => {
  const e = errorOf({ apiVersion: V3, kind: "Tier", spec: {} });
  deepEqual(e.problems, [{ field: "metadata.name", reason: "missing required field" }]);
});

Deno.test("decodeObject reports a missing spec.cidr on an IPPool", () => {
  const e = errorOf({ apiVersion: V3, kind: "IPPool", metadata: { name: "pool-a" } });
  equal(e.message, 'IPPool "pool-a": spec.cidr: missing required field');
});

Deno.test("decodeObject reports a bad selector with its parse reason and field path", () => {
  const e = errorOf(gnp({ selector: "app = 'web'" }));
  equal(
    e.message,
    'GlobalNetworkPolicy "deny-egress": spec.selector: "app = \'web\'" is not a valid selector: ' +
      'expected "==" but found a lone "=" at column 5',
  );
});

Deno.test('decodeObject rejects port "99999" as out of range', () => {
  const e = errorOf(
    ingressRule({ action: "Allow", protocol: "TCP", destination: { ports: ["99999"] } }),
  );
  equal(
    e.message,
    'GlobalNetworkPolicy "deny-egress": spec.ingress[0].destination.ports[0]: "99999" is not a ' +
      "valid port: must be between 1 and 65535",
  );
});

Deno.test('decodeObject rejects the port range "10:5"', () => {
  const e = errorOf(ingressRule({ action: "Allow", protocol: "UDP", source: { ports: ["10:5"] } }));
  equal(
    e.message,
    'GlobalNetworkPolicy "deny-egress": spec.ingress[0].source.ports[0]: "10:5" is not a valid ' +
      "port range: the start is greater than the end",
  );
});

Deno.test('decodeObject rejects the named port "bad name!"', () => {
  const e = errorOf(
    ingressRule({ action: "Allow", protocol: "TCP", destination: { ports: ["bad name!"] } }),
  );
  equal(
    e.message,
    'GlobalNetworkPolicy "deny-egress": spec.ingress[0].destination.ports[0]: "bad name!" is not ' +
      "a valid port name: must be 1-128 characters from a-z, A-Z, 0-9, '_', '.' and '-'",
  );
});

Deno.test("decodeObject rejects a numeric port 0 and a fractional port", () => {
  const e = errorOf(
    ingressRule({ action: "Allow", protocol: "TCP", destination: { ports: [0, 8.5] } }),
  );
  deepEqual(e.problems, [
    {
      field: "spec.ingress[0].destination.ports[0]",
      reason: "0 is not a valid port: must be between 1 and 65535",
    },
    {
      field: "spec.ingress[0].destination.ports[1]",
      reason: "expected an integer or a string, got number 8.5",
    },
  ]);
});

Deno.test("decodeObject rejects an unknown action and a missing one", () => {
  const e = errorOf(gnp({ ingress: [{ action: "Reject" }], egress: [{}] }));
  deepEqual(e.problems, [
    {
      field: "spec.ingress[0].action",
      reason: '"Reject" is not a valid action: must be one of Allow, Deny, Log, Pass',
    },
    { field: "spec.egress[0].action", reason: "missing required field" },
  ]);
});

Deno.test("decodeObject rejects a string for spec.order", () => {
  const e = errorOf(gnp({ order: "10" }));
  equal(
    e.message,
    'GlobalNetworkPolicy "deny-egress": spec.order: expected a number, got string "10"',
  );
});

Deno.test("decodeObject rejects an object for nets", () => {
  const e = errorOf(ingressRule({ action: "Allow", source: { nets: { cidr: "10.0.0.0/8" } } }));
  equal(
    e.message,
    'GlobalNetworkPolicy "deny-egress": spec.ingress[0].source.nets: expected an array, got object',
  );
});

Deno.test("decodeObject names the JSON type of wrong values", () => {
  const e = errorOf(gnp({ preDNAT: "yes", doNotTrack: 1, ingress: {}, types: [true, null] }));
  deepEqual(e.problems.map((p) => `${p.field}: ${p.reason}`), [
    "spec.types[0]: expected a string, got boolean true",
    "spec.types[1]: expected a string, got null",
    "spec.ingress: expected an array, got object",
    "spec.doNotTrack: expected a boolean, got number 1",
    'spec.preDNAT: expected a boolean, got string "yes"',
  ]);
});

Deno.test("decodeObject rejects an ICMP code without a type", () => {
  const e = errorOf(ingressRule({ action: "Allow", protocol: "ICMP", icmp: { code: 3 } }));
  equal(
    e.message,
    'GlobalNetworkPolicy "deny-egress": spec.ingress[0].icmp.code: an ICMP code needs an ICMP type',
  );
});

Deno.test("decodeObject rejects a preDNAT policy with egress rules", () => {
  const e = errorOf(gnp({ preDNAT: true, applyOnForward: true, egress: [{ action: "Deny" }] }));
  equal(
    e.message,
    'GlobalNetworkPolicy "deny-egress": spec.egress: a preDNAT policy cannot have egress rules',
  );
});

Deno.test("decodeObject applies every GlobalNetworkPolicy flag rule", () => {
  const e = errorOf(gnp({ preDNAT: true, doNotTrack: true, types: ["Egress"] }));
  deepEqual(e.problems, [
    { field: "spec.preDNAT", reason: "preDNAT and doNotTrack cannot both be true" },
    { field: "spec.types", reason: "a preDNAT policy cannot have the Egress type" },
    {
      field: "spec.applyOnForward",
      reason: "applyOnForward must be true when preDNAT or doNotTrack is true",
    },
  ]);
});

Deno.test("decodeObject rejects an unknown kind in a known apiVersion", () => {
  const e = errorOf({ apiVersion: V3, kind: "BGPPeer", metadata: { name: "peer-1" }, spec: {} });
  equal(
    e.message,
    'BGPPeer "peer-1": kind: "BGPPeer" is not a known kind in apiVersion "projectcalico.org/v3"',
  );
  equal(e.kind, "BGPPeer");
});

Deno.test("decodeObject rejects an unknown apiVersion", () => {
  const e = errorOf({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } });
  equal(e.message, 'Widget "w": apiVersion: "example.com/v1" is not a known apiVersion');
});

Deno.test("decodeObject rejects a Calico kind written with the Kubernetes core apiVersion", () => {
  const e = errorOf({ apiVersion: "v1", kind: "GlobalNetworkPolicy", metadata: { name: "x" } });
  equal(e.reason, '"GlobalNetworkPolicy" is not a known kind in apiVersion "v1"');
});

Deno.test("decodeObject rejects a missing apiVersion, a missing kind and a non-object", () => {
  equal(errorOf({ kind: "Tier" }).message, "Tier: apiVersion: missing required field");
  equal(errorOf({ apiVersion: V3 }).message, "Object: kind: missing required field");
  equal(errorOf([1]).message, "Object: expected an object, got array");
  equal(errorOf("x").message, 'Object: expected an object, got string "x"');
});

Deno.test("decodeObject rejects a namespace on a cluster-scoped kind", () => {
  const e = errorOf({
    apiVersion: V3,
    kind: "Tier",
    metadata: { name: "security", namespace: "prod" },
  });
  equal(
    e.message,
    'Tier "security": metadata.namespace: "prod" is not allowed: Tier is cluster-scoped',
  );
});

Deno.test("decodeObject lists the first three problems and counts the rest", () => {
  const e = errorOf(gnp({
    order: "1",
    selector: "(",
    types: ["ingress"],
    ingress: [{ action: "x" }, { action: "y" }],
  }));
  equal(e.problems.length, 5);
  equal(
    e.message,
    'GlobalNetworkPolicy "deny-egress": spec.order: expected a number, got string "1"; ' +
      'spec.selector: "(" is not a valid selector: expected a label, has(), all(), global(), ' +
      '"!" or "(" but found the end of the selector at column 2; ' +
      'spec.types[0]: "ingress" is not a valid policy type: must be one of Ingress, Egress; ' +
      "and 2 more problems",
  );
});

Deno.test("decodeObject warns about unknown fields of Calico kinds with their paths", () => {
  const result = decodeObject(gnp({ ingress: [{ action: "Allow", verdict: "x" }], colour: "red" }));
  ok(result.ok);
  deepEqual(result.warnings, [
    'GlobalNetworkPolicy "deny-egress": spec.ingress[0].verdict: unknown field, ignored',
    'GlobalNetworkPolicy "deny-egress": spec.colour: unknown field, ignored',
  ]);
  deepEqual(result.object.kind === "GlobalNetworkPolicy" && result.object.spec, {
    ingress: [{ action: "Allow" }],
  });
});

Deno.test("decodeObject ignores unknown fields of Kubernetes objects silently", () => {
  const result = decodeObject({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "prod", somethingNew: 1 },
    spec: { x: 1 },
    extra: true,
  });
  ok(result.ok);
  deepEqual(result.warnings, []);
  deepEqual(result.object, { kind: "Namespace", metadata: { name: "prod" } });
});

Deno.test("decodeObject treats null as absent for optional fields", () => {
  const result = decodeObject({
    apiVersion: V3,
    kind: "Tier",
    metadata: { name: "t", labels: null, creationTimestamp: null },
    spec: { order: null },
  });
  ok(result.ok);
  deepEqual(result.object, { kind: "Tier", metadata: { name: "t" }, spec: {} });
});

Deno.test("ResourceError needs at least one problem", () => {
  throws(() => new ResourceError({ kind: "Tier" }, []), RangeError);
});
