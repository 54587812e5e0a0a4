/**
 * `decodeObject` on v3 rules: protocol normalisation, ports vs protocol, ICMP, address families,
 * selectors and `global()`, HTTP and services placement.
 */
import { deepEqual, ok } from "node:assert/strict";
import { decodeObject } from "../../src/model/decode.ts";
import type { FieldProblem } from "../../src/model/resource_error.ts";
import type { Rule } from "../../src/model/v3_policy.ts";

type Spec = Record<string, unknown>;

function policy(spec: Spec, kind = "GlobalNetworkPolicy"): Record<string, unknown> {
  return { apiVersion: "projectcalico.org/v3", kind, metadata: { name: "p" }, spec };
}

/** Decodes a GNP with one ingress rule; returns the decoded rule. */
function ruleOf(rule: Spec): Rule {
  const result = decodeObject(policy({ ingress: [rule] }));
  ok(result.ok, result.ok ? "" : result.error.message);
  ok(result.object.kind === "GlobalNetworkPolicy");
  return result.object.spec.ingress![0]!;
}

function problemsOf(raw: unknown): readonly FieldProblem[] {
  const result = decodeObject(raw);
  ok(!result.ok, "expected a decode error");
  return result.error.problems;
}

/** Problems of a GNP with one rule in `direction`, as `field: reason` lines. */
function ruleProblems(rule: Spec, direction = "ingress", kind = "GlobalNetworkPolicy"): string[] {
  return problemsOf(policy({ [direction]: [rule] }, kind)).map((p) => `${p.field}: ${p.reason}`);
}

Deno.test("decodeObject canonicalises protocol names case-insensitively", () => {
  const names = ["tcp", "Udp", "icmp", "icmpV6", "sctp", "udplite"].map((p) =>
    ruleOf({ action: "Allow", protocol: p }).protocol
  );
  deepEqual(names, ["TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite"]);
});

Deno.test("decodeObject turns numeric protocol strings into numbers", () => {
  deepEqual(ruleOf({ action: "Allow", protocol: "6", notProtocol: "017" }), {
    action: "Allow",
    protocol: 6,
    notProtocol: 17,
  });
});

Deno.test("decodeObject rejects protocol 0, 256, and unknown names", () => {
  deepEqual(ruleProblems({ action: "Allow", protocol: 0, notProtocol: "256" }), [
    "spec.ingress[0].protocol: 0 is not a valid protocol number: must be 1-255",
    'spec.ingress[0].notProtocol: "256" is not a valid protocol: must be one of TCP, UDP, ICMP, ' +
    "ICMPv6, SCTP, UDPLite or a number 1-255",
  ]);
  deepEqual(ruleProblems({ action: "Allow", protocol: "0" }), [
    "spec.ingress[0].protocol: 0 is not a valid protocol number: must be 1-255",
  ]);
});

Deno.test("decodeObject requires a port protocol for numeric ports", () => {
  deepEqual(ruleProblems({ action: "Allow", destination: { ports: [80] } }), [
    "spec.ingress[0].destination.ports: numeric ports need protocol TCP, UDP or SCTP",
  ]);
  deepEqual(ruleProblems({ action: "Allow", protocol: "ICMP", source: { notPorts: ["http"] } }), [
    'spec.ingress[0].source.notPorts: ports need protocol TCP, UDP or SCTP, not "ICMP"',
  ]);
});

Deno.test("decodeObject allows named-only ports without a protocol", () => {
  deepEqual(ruleOf({ action: "Allow", destination: { ports: ["http", "metrics"] } }), {
    action: "Allow",
    destination: { ports: ["http", "metrics"] },
  });
  deepEqual(ruleOf({ action: "Allow", protocol: 132, destination: { ports: ["1:65535"] } }), {
    action: "Allow",
    protocol: 132,
    destination: { ports: ["1:65535"] },
  });
});

Deno.test("decodeObject checks ICMP ranges and protocol", () => {
  deepEqual(ruleProblems({ action: "Allow", protocol: "ICMP", icmp: { type: 255, code: 256 } }), [
    "spec.ingress[0].icmp.type: 255 is out of range: must be between 0 and 254",
    "spec.ingress[0].icmp.code: 256 is out of range: must be between 0 and 255",
  ]);
  deepEqual(ruleProblems({ action: "Allow", protocol: "TCP", notICMP: { type: 8 } }), [
    "spec.ingress[0].notICMP: ICMP matches need protocol ICMP or ICMPv6",
  ]);
  deepEqual(ruleOf({ action: "Allow", protocol: 1, icmp: { type: 8, code: 0 } }).icmp, {
    type: 8,
    code: 0,
  });
});

Deno.test("decodeObject requires ipVersion 4 for ICMP and 6 for ICMPv6", () => {
  deepEqual(ruleProblems({ action: "Allow", ipVersion: 6, protocol: "ICMP" }), [
    'spec.ingress[0].ipVersion: ipVersion 6 does not match protocol "ICMP", which needs 4',
  ]);
  deepEqual(ruleProblems({ action: "Allow", ipVersion: 4, notProtocol: "icmpv6" }), [
    'spec.ingress[0].ipVersion: ipVersion 4 does not match protocol "ICMPv6", which needs 6',
  ]);
  deepEqual(ruleProblems({ action: "Allow", ipVersion: 5 }), [
    "spec.ingress[0].ipVersion: 5 is not a valid ipVersion: must be 4 or 6",
  ]);
});

Deno.test("decodeObject rejects 0.0.0.0/0 and ::/0 in notNets", () => {
  deepEqual(ruleProblems({ action: "Deny", destination: { notNets: ["0.0.0.0/0"] } }), [
    'spec.ingress[0].destination.notNets[0]: "0.0.0.0/0" matches every address, which notNets ' +
    "forbids",
  ]);
  deepEqual(ruleProblems({ action: "Deny", source: { notNets: ["::/0"] } }), [
    'spec.ingress[0].source.notNets[0]: "::/0" matches every address, which notNets forbids',
  ]);
  deepEqual(ruleOf({ action: "Deny", source: { nets: ["0.0.0.0/0"] } }).source, {
    nets: ["0.0.0.0/0"],
  });
});

Deno.test("decodeObject rejects a rule mixing IPv4 and IPv6 nets", () => {
  deepEqual(
    ruleProblems({
      action: "Allow",
      source: { nets: ["10.0.0.0/8"] },
      destination: { notNets: ["fd00::/64", "fd01::/64"] },
    }),
    [
      'spec.ingress[0].destination.notNets[0]: "fd00::/64" is an IPv6 CIDR but the rule also has ' +
      "IPv4 CIDRs",
    ],
  );
});

Deno.test("decodeObject rejects nets that disagree with ipVersion", () => {
  deepEqual(ruleProblems({ action: "Allow", ipVersion: 4, source: { nets: ["fd00::1"] } }), [
    'spec.ingress[0].source.nets[0]: "fd00::1" is an IPv6 CIDR but the rule\'s ipVersion is 4',
  ]);
});

Deno.test("decodeObject rejects global() in a policy or rule selector", () => {
  deepEqual(problemsOf(policy({ selector: "global()" })), [{
    field: "spec.selector",
    reason: '"global()" uses global(), which is only allowed alone in a rule\'s namespaceSelector',
  }]);
  deepEqual(ruleProblems({ action: "Allow", source: { selector: "global() || has(a)" } }), [
    'spec.ingress[0].source.selector: "global() || has(a)" uses global(), which is only allowed ' +
    "alone in a rule's namespaceSelector",
  ]);
});

Deno.test("decodeObject allows global() alone in a rule namespaceSelector", () => {
  deepEqual(ruleOf({ action: "Allow", source: { namespaceSelector: "  global( )\t" } }).source, {
    namespaceSelector: "  global( )\t",
  });
  deepEqual(ruleProblems({ action: "Allow", source: { namespaceSelector: "global() && all()" } }), [
    'spec.ingress[0].source.namespaceSelector: "global() && all()" combines global() with other ' +
    "selectors; global() must stand alone",
  ]);
});

Deno.test("decodeObject rejects a selector longer than 1024 characters", () => {
  const long = `a == "${"x".repeat(1020)}"`;
  deepEqual(problemsOf(policy({ selector: long })), [{
    field: "spec.selector",
    reason: "selector is 1027 characters long, more than the maximum of 1024",
  }]);
});

Deno.test("decodeObject allows HTTP matches only on ingress Allow rules over TCP", () => {
  const http = { methods: ["GET"], paths: [{ prefix: "/api" }] };
  deepEqual(ruleOf({ action: "Allow", protocol: "TCP", http }).http, http);
  deepEqual(ruleProblems({ action: "Deny", protocol: "UDP", http }), [
    "spec.ingress[0].http: HTTP matches are only allowed on Allow rules",
    "spec.ingress[0].http: HTTP matches need protocol TCP or no protocol",
  ]);
  deepEqual(ruleProblems({ action: "Allow", http }, "egress"), [
    "spec.egress[0].http: HTTP matches are not allowed in egress rules",
  ]);
});

Deno.test("decodeObject checks HTTP methods and paths", () => {
  deepEqual(
    ruleProblems({
      action: "Allow",
      http: { methods: ["GET", "GET"], paths: [{ exact: "/a", prefix: "/b" }, { exact: "a?b" }] },
    }),
    [
      'spec.ingress[0].http.methods[1]: "GET" is listed more than once',
      "spec.ingress[0].http.paths[0]: set only one of exact and prefix",
      'spec.ingress[0].http.paths[1].exact: "a?b" is not a valid HTTP path: must start with "/", ' +
      'have no "?", "#" or spaces, and be no more than 1024 characters',
    ],
  );
});

Deno.test("decodeObject rejects services combined with selectors, nets or ports", () => {
  deepEqual(
    ruleProblems({
      action: "Allow",
      protocol: "TCP",
      destination: {
        services: { name: "web", namespace: "prod" },
        nets: ["10.0.0.1"],
        ports: [80],
      },
    }, "egress"),
    [
      "spec.egress[0].destination.services: services cannot be combined with nets",
      "spec.egress[0].destination.ports: ports cannot be combined with services",
    ],
  );
});

Deno.test("decodeObject places services by direction and needs a namespace in global policies", () => {
  deepEqual(ruleProblems({ action: "Allow", destination: { services: { name: "web" } } }), [
    "spec.ingress[0].destination.services: services are not allowed in the destination of an " +
    "ingress rule",
  ]);
  deepEqual(ruleProblems({ action: "Allow", source: { services: { name: "web" } } }), [
    "spec.ingress[0].source.services.namespace: missing required field: a global policy has no " +
    "namespace to default to",
  ]);
  deepEqual(
    ruleProblems({ action: "Allow", source: { services: {} } }, "ingress", "NetworkPolicy"),
    [
      "spec.ingress[0].source.services.name: missing required field",
    ],
  );
});

Deno.test("decodeObject limits rules to 1024 per direction and ports to 50 per list", () => {
  const rules = Array.from({ length: 1025 }, () => ({ action: "Allow" }));
  deepEqual(problemsOf(policy({ egress: rules })), [{
    field: "spec.egress",
    reason: "has 1025 items, more than the maximum of 1024",
  }]);
  const ports = Array.from({ length: 51 }, (_, i) => i + 1);
  deepEqual(ruleProblems({ action: "Allow", protocol: "TCP", destination: { ports } }), [
    "spec.ingress[0].destination.ports: has 51 items, more than the maximum of 50",
  ]);
});

Deno.test("decodeObject keeps rule metadata annotations and checks their keys", () => {
  deepEqual(ruleOf({ action: "Log", metadata: { annotations: { note: "x" } } }).metadata, {
    annotations: { note: "x" },
  });
  deepEqual(ruleProblems({ action: "Log", metadata: { annotations: { "bad key": "x" } } }), [
    'spec.ingress[0].metadata.annotations["bad key"]: "bad key" is not a valid annotation key: ' +
    "name part must consist of alphanumeric characters, '-', '_' or '.', and start and end with " +
    "an alphanumeric character",
  ]);
});
