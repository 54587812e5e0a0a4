/**
 * `decodeObject` on metadata: names per kind, namespaces, labels and annotations.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { decodeObject } from "../../src/model/decode.ts";
import {
  labelValueProblem,
  nameProblem,
  portNameProblem,
  qualifiedNameProblem,
} from "../../src/model/validate_meta.ts";

function meta(
  kind: string,
  metadata: Record<string, unknown>,
  apiVersion = "projectcalico.org/v3",
) {
  return { apiVersion, kind, metadata, spec: {} };
}

function lines(raw: unknown): string[] {
  const result = decodeObject(raw);
  ok(!result.ok, "expected a decode error");
  return result.error.problems.map((p) => `${p.field}: ${p.reason}`);
}

const SUBDOMAIN_RULE = "must consist of lower case alphanumeric characters, '-' or '.', and " +
  "start and end with an alphanumeric character";

Deno.test("decodeObject rejects names that are not DNS-1123 subdomains", () => {
  deepEqual(lines(meta("Profile", { name: "Web_Profile" })), [
    `metadata.name: "Web_Profile" is not a valid name: ${SUBDOMAIN_RULE}`,
  ]);
  const long = "a".repeat(254);
  deepEqual(lines(meta("Profile", { name: long })), [
    `metadata.name: "${long}" is not a valid name: must be no more than 253 characters`,
  ]);
});

Deno.test("decodeObject gives tiers DNS label names (no dots)", () => {
  deepEqual(lines(meta("Tier", { name: "sec.ops" })), [
    'metadata.name: "sec.ops" is not a valid name: must consist of lower case alphanumeric ' +
    "characters or '-', and start and end with an alphanumeric character",
  ]);
});

Deno.test("nameProblem allows one dot in policy names and knp.default. prefixes", () => {
  equal(nameProblem("allow-web", "policy"), undefined);
  equal(nameProblem("default.allow-web", "policy"), undefined);
  equal(nameProblem("knp.default.deny.all", "policy"), undefined);
  equal(nameProblem("security.deny-all", "globalPolicy"), undefined);
  equal(
    nameProblem("a.b.c", "globalPolicy"),
    "must consist of lower case alphanumeric characters or '-', and start and end with an " +
      "alphanumeric character, with at most one '.' (as in \"tier.name\")",
  );
  equal(nameProblem("knp.default.x", "globalPolicy") !== undefined, true);
});

Deno.test("decodeObject defaults a namespaced kind's namespace to default", () => {
  const result = decodeObject(meta("NetworkSet", { name: "partners" }));
  ok(result.ok);
  deepEqual(result.object.metadata, { name: "partners", namespace: "default" });
  const empty = decodeObject(meta("NetworkSet", { name: "partners", namespace: "" }));
  ok(empty.ok);
  equal(empty.object.metadata.namespace, "default");
});

Deno.test("decodeObject rejects a namespace that is not a DNS label", () => {
  deepEqual(lines(meta("NetworkPolicy", { name: "p", namespace: "Prod" })), [
    'metadata.namespace: "Prod" is not a valid namespace: must consist of lower case ' +
    "alphanumeric characters or '-', and start and end with an alphanumeric character",
  ]);
});

Deno.test("decodeObject checks label keys and values", () => {
  deepEqual(
    lines(meta("GlobalNetworkSet", {
      name: "s",
      labels: { "example.com/ok": "yes", "-bad": "ok", good: "bad value", n: 5 },
    })),
    [
      "metadata.labels.n: expected a string, got number 5",
      'metadata.labels["-bad"]: "-bad" is not a valid label key: name part must consist of ' +
      "alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character",
      'metadata.labels.good: "bad value" is not a valid label value: must consist of ' +
      "alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character",
    ],
  );
});

Deno.test("decodeObject forbids the projectcalico.org/namespace label on network sets", () => {
  deepEqual(
    lines(meta("NetworkSet", { name: "s", labels: { "projectcalico.org/namespace": "prod" } })),
    [
      'metadata.labels["projectcalico.org/namespace"]: "projectcalico.org/namespace" is ' +
      "reserved: Calico sets it from the namespace",
    ],
  );
});

Deno.test("decodeObject caps the total size of annotations at 256 KiB", () => {
  const big = "x".repeat(256 * 1024);
  deepEqual(lines(meta("Profile", { name: "p", annotations: { a: big } })), [
    "metadata.annotations: total size is 262145 bytes, more than the maximum of 262144",
  ]);
});

Deno.test("decodeObject keeps the metadata fields it models and drops the rest", () => {
  const result = decodeObject(meta("Profile", {
    name: "p",
    uid: "u",
    resourceVersion: "7",
    creationTimestamp: "2024-01-01T00:00:00Z",
    deletionTimestamp: "2024-01-02T00:00:00Z",
    generateName: "p-",
    finalizers: ["x"],
    generation: 3,
    annotations: { "projectcalico.org/metadata": "{}" },
  }));
  ok(result.ok);
  deepEqual(result.warnings, []);
  deepEqual(result.object.metadata, {
    name: "p",
    uid: "u",
    resourceVersion: "7",
    creationTimestamp: "2024-01-01T00:00:00Z",
    deletionTimestamp: "2024-01-02T00:00:00Z",
    generateName: "p-",
    annotations: { "projectcalico.org/metadata": "{}" },
  });
});

Deno.test("qualifiedNameProblem and labelValueProblem follow the Kubernetes rules", () => {
  equal(qualifiedNameProblem("kubernetes.io/hostname"), undefined);
  equal(qualifiedNameProblem("a/b/c") !== undefined, true);
  equal(qualifiedNameProblem("/x"), "prefix part must not be empty");
  equal(qualifiedNameProblem("x/"), "name part must not be empty");
  equal(qualifiedNameProblem("a".repeat(64)), "name part must be no more than 63 characters");
  equal(labelValueProblem(""), undefined);
  equal(labelValueProblem("A_b.c-1"), undefined);
  equal(labelValueProblem("a".repeat(64)), "must be no more than 63 characters");
});

Deno.test("portNameProblem follows the IANA service name rules", () => {
  equal(portNameProblem("http-alt"), undefined);
  for (const bad of ["HTTP", "80", "a--b", "-a", "a-", "abcdefghijklmnop"]) {
    equal(portNameProblem(bad) !== undefined, true, bad);
  }
});
