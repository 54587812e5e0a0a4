import { deepEqual, equal, ok } from "node:assert/strict";
import {
  convertAction,
  convertProtocol,
  convertRule,
  convertRules,
  normaliseNets,
  splitPorts,
} from "../../src/model/convert_rule.ts";
import type { Rule } from "../../src/model/values.ts";

function rule(r: Parameters<typeof convertRule>[0], ns = ""): Rule {
  const c = convertRule(r, ns, "spec.ingress[0]");
  if (!c.ok) throw new Error(c.reason);
  return c.rule;
}

Deno.test("convertAction maps Pass to next-tier and lower-cases the others", () => {
  deepEqual(
    (["Allow", "Deny", "Log", "Pass"] as const).map(convertAction),
    ["allow", "deny", "log", "next-tier"],
  );
});

Deno.test("convertProtocol lower-cases names and keeps numbers", () => {
  equal(convertProtocol("TCP"), "tcp");
  equal(convertProtocol("ICMPv6"), "icmpv6");
  equal(convertProtocol("UDPLite"), "udplite");
  equal(convertProtocol(132), 132);
  equal(convertProtocol("17"), 17);
});

Deno.test("splitPorts separates numbers, ranges and named ports", () => {
  deepEqual(splitPorts([80, "443", "1000:2000", "http"]), {
    ranges: [{ first: 80, last: 80 }, { first: 443, last: 443 }, { first: 1000, last: 2000 }],
    named: ["http"],
  });
  deepEqual(splitPorts(undefined), { ranges: [], named: [] });
});

Deno.test("splitPorts rejects a reversed range and an out-of-range port", () => {
  equal((splitPorts(["90:80"]) as Error).message, 'port range "90:80" is not a valid range');
  equal((splitPorts([70000]) as Error).message, "port 70000 is out of range");
  equal((splitPorts(["a b"]) as Error).message, 'port "a b" is not a number, range or port name');
});

Deno.test("normaliseNets masks to the network address and drops unparsable nets", () => {
  deepEqual(normaliseNets(["10.1.2.3/8", "10.0.0.1", "fd00::1/64", "bogus", "::1"]), [
    "10.0.0.0/8",
    "10.0.0.1/32",
    "fd00::/64",
    "::1/128",
  ]);
});

Deno.test("convertRule fills both sides, keeps notSelector raw and the original selectors", () => {
  const r = rule({
    action: "Allow",
    protocol: "TCP",
    source: {
      selector: "app == 'a'",
      notSelector: "has(x)",
      nets: ["192.168.1.7/24"],
      notNets: ["192.168.1.128/25"],
      notPorts: [22, "ssh"],
    },
    destination: { ports: [80, "8080:8090", "web"] },
  }, "ns1");
  equal(r.action, "allow");
  equal(r.protocol, "tcp");
  deepEqual(r.src, {
    nets: ["192.168.1.0/24"],
    selector: "(projectcalico.org/namespace == 'ns1') && (app == 'a')",
    ports: [],
    namedPorts: [],
    notNets: ["192.168.1.128/25"],
    notSelector: "has(x)",
    notPorts: [{ first: 22, last: 22 }],
    notNamedPorts: ["ssh"],
    originalSelector: "app == 'a'",
    originalNotSelector: "has(x)",
    originalNamespaceSelector: "",
    originalServiceAccountNames: [],
    originalServiceAccountSelector: "",
  });
  deepEqual(r.dst.ports, [{ first: 80, last: 80 }, { first: 8080, last: 8090 }]);
  deepEqual(r.dst.namedPorts, ["web"]);
  equal(r.dst.selector, "");
});

Deno.test("convertRule defaults a service's namespace to the policy namespace", () => {
  const r = rule({ action: "Allow", destination: { services: { name: "kube-dns" } } }, "ns1");
  equal(r.dst.serviceName, "kube-dns");
  equal(r.dst.serviceNamespace, "ns1");
  const g = rule(
    { action: "Deny", source: { services: { name: "s", namespace: "other" } } },
    "ns1",
  );
  equal(g.src.serviceNamespace, "other");
  ok(!("serviceName" in g.dst));
});

Deno.test("convertRule carries ICMP, HTTP, ipVersion, notProtocol and annotations", () => {
  const r = rule({
    action: "Log",
    ipVersion: 4,
    protocol: "ICMP",
    notProtocol: "UDP",
    icmp: { type: 8, code: 0 },
    notICMP: { type: 3 },
    http: { methods: ["GET"], paths: [{ exact: "/a" }, { prefix: "/b" }] },
    metadata: { annotations: { owner: "me" } },
  });
  equal(r.ipVersion, 4);
  equal(r.protocol, "icmp");
  equal(r.notProtocol, "udp");
  deepEqual(r.icmp, { type: 8, code: 0 });
  deepEqual(r.notICMP, { type: 3 });
  deepEqual(r.httpMethods, ["GET"]);
  deepEqual(r.httpPaths, [{ exact: "/a" }, { prefix: "/b" }]);
  deepEqual(r.annotations, { owner: "me" });
  ok(!("icmp" in rule({ action: "Allow" })));
});

Deno.test("convertRule reports a bad port with its field path", () => {
  const c = convertRule({ action: "Allow", destination: { ports: ["9:1"] } }, "", "spec.egress[3]");
  deepEqual(c, {
    ok: false,
    reason: 'spec.egress[3].destination.ports: port range "9:1" is not a valid range',
  });
});

Deno.test("convertRules fails on the first bad rule and names its index", () => {
  const c = convertRules(
    [{ action: "Allow" }, { action: "Deny", source: { notPorts: ["x y"] } }],
    "",
    "spec.ingress",
  );
  deepEqual(c, {
    ok: false,
    reason: 'spec.ingress[1].source.notPorts: port "x y" is not a number, range or port name',
  });
});
