/**
 * `decodeObject` on tiers, network sets, endpoints, pools, nodes and IPAM blocks.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { decodeObject } from "../../src/model/decode.ts";
import { isMAC } from "../../src/model/validate_net.ts";

function resource(kind: string, spec: unknown, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: kind === "IPAMBlock" ? "crd.projectcalico.org/v1" : "projectcalico.org/v3",
    kind,
    metadata: { name: "r1", ...(kind === "WorkloadEndpoint" ? { namespace: "prod" } : {}) },
    spec,
    ...extra,
  };
}

function lines(raw: unknown): string[] {
  const result = decodeObject(raw);
  ok(!result.ok, "expected a decode error");
  return result.error.problems.map((p) => `${p.field}: ${p.reason}`);
}

Deno.test("decodeObject checks a Tier's defaultAction and order", () => {
  deepEqual(lines(resource("Tier", { order: "1", defaultAction: "Allow" })), [
    'spec.order: expected a number, got string "1"',
    'spec.defaultAction: "Allow" is not a valid default action: must be one of Deny, Pass',
  ]);
});

Deno.test("decodeObject checks network set nets", () => {
  deepEqual(lines(resource("GlobalNetworkSet", { nets: ["10.0.0.0/33", "host"] })), [
    'spec.nets[0]: "10.0.0.0/33" is not a valid CIDR',
    'spec.nets[1]: "host" is not a valid CIDR',
  ]);
});

Deno.test("decodeObject rejects an IPPool with both IPIP and VXLAN enabled", () => {
  deepEqual(
    lines(
      resource("IPPool", { cidr: "10.0.0.0/16", ipipMode: "Always", vxlanMode: "CrossSubnet" }),
    ),
    ["spec.ipipMode: ipipMode and vxlanMode cannot both be enabled"],
  );
});

Deno.test("decodeObject checks IPPool modes, block sizes and selectors", () => {
  deepEqual(
    lines(resource("IPPool", {
      cidr: "fd00::/48",
      ipipMode: "Always",
      vxlanMode: "always",
      blockSize: 26,
      nodeSelector: "global()",
      allowedUses: ["Workload", "Pods"],
    })),
    [
      'spec.vxlanMode: "always" is not a valid VXLAN mode: must be one of Never, Always, CrossSubnet',
      'spec.nodeSelector: "global()" uses global(), which is only allowed alone in a rule\'s ' +
      "namespaceSelector",
      'spec.allowedUses[1]: "Pods" is not a valid allowed use: must be one of Workload, Tunnel, ' +
      "LoadBalancer",
      "spec.ipipMode: IPIP is not supported on an IPv6 pool: must be Never",
      "spec.blockSize: 26 is not a valid blockSize for an IPv6 pool: must be between 116 and 128",
    ],
  );
  deepEqual(lines(resource("IPPool", { cidr: "10.0.0.0/8", blockSize: 19 })), [
    "spec.blockSize: 19 is not a valid blockSize for an IPv4 pool: must be between 20 and 32",
  ]);
  deepEqual(lines(resource("IPPool", { cidr: "10.0.0/8" })), [
    'spec.cidr: "10.0.0/8" is not a valid CIDR',
  ]);
});

Deno.test("decodeObject keeps an unmasked IPPool CIDR as written", () => {
  const result = decodeObject(resource("IPPool", { cidr: "10.1.2.3/16" }));
  ok(result.ok);
  deepEqual(result.object.kind === "IPPool" && result.object.spec, { cidr: "10.1.2.3/16" });
});

Deno.test("decodeObject requires a HostEndpoint node and an interface or expected IPs", () => {
  deepEqual(lines(resource("HostEndpoint", {})), [
    "spec.node: missing required field",
    "spec.interfaceName: set interfaceName, expectedIPs or both",
  ]);
  deepEqual(
    lines(
      resource("HostEndpoint", { node: "n", interfaceName: "*", expectedIPs: ["10.0.0.1/32"] }),
    ),
    ['spec.expectedIPs[0]: "10.0.0.1/32" is not a valid IP address'],
  );
});

Deno.test("decodeObject checks HostEndpoint ports", () => {
  deepEqual(
    lines(resource("HostEndpoint", {
      node: "n",
      interfaceName: "eth0",
      ports: [{ name: "SSH", protocol: "ICMP", port: 0 }, { protocol: "TCP" }],
    })),
    [
      'spec.ports[0].name: "SSH" is not a valid port name: must be 1-15 lower case alphanumeric ' +
      "characters or '-', with at least one letter, no '--', and no '-' at either end",
      'spec.ports[0].protocol: "ICMP" has no ports: must be TCP, UDP or SCTP',
      "spec.ports[0].port: 0 is out of range: must be between 1 and 65535",
      "spec.ports[1].name: missing required field",
      "spec.ports[1].port: missing required field",
    ],
  );
});

Deno.test("decodeObject checks WorkloadEndpoint addresses, MAC and interface name", () => {
  deepEqual(
    lines(resource("WorkloadEndpoint", {
      ipNetworks: ["10.0.0.0/24", "10.0.0.7"],
      ipNATs: [{ internalIP: "10.9.9.9", externalIP: "fd00::1" }],
      ipv4Gateway: "fd00::1",
      interfaceName: "cali0123456789abcdef",
      mac: "ee:ee:ee",
      containerID: "-abc",
    })),
    [
      'spec.containerID: "-abc" is not a valid container ID',
      "spec.ipNATs[0].externalIP: internalIP and externalIP must be of the same IP version",
      'spec.ipv4Gateway: "fd00::1" is not a valid IPv4 address',
      'spec.interfaceName: "cali0123456789abcdef" is not a valid interface name: must be 1-15 ' +
      "characters from a-z, A-Z, 0-9, '_', '.' and '-'",
      'spec.mac: "ee:ee:ee" is not a valid MAC address',
      'spec.ipNetworks[0]: "10.0.0.0/24" has more than one address: must be /32 or /128',
      'spec.ipNATs[0].internalIP: "10.9.9.9" is not one of the endpoint\'s ipNetworks',
    ],
  );
});

Deno.test("decodeObject requires a name or hostPort on WorkloadEndpoint ports", () => {
  deepEqual(lines(resource("WorkloadEndpoint", { ports: [{ protocol: "UDP", port: 53 }] })), [
    "spec.ports[0].name: missing required field: a port without a hostPort needs a name",
  ]);
});

Deno.test("decodeObject checks Node addresses, BGP and WireGuard fields", () => {
  deepEqual(
    lines(resource("Node", {
      bgp: { ipv4Address: "fd00::1/64", asNumber: "x" },
      ipv6VXLANTunnelAddr: "10.0.0.1",
      vxlanTunnelMACAddr: "zz:ee:ee:ee:ee:ee",
      orchRefs: [{ nodeName: "n" }],
      addresses: [{ address: "10.0.0.5/24", type: "Public" }],
    }, { status: { wireguardPublicKey: "short" } })),
    [
      'spec.bgp.asNumber: "x" is not a valid AS number',
      'spec.bgp.ipv4Address: "fd00::1/64" is not a valid IPv4 CIDR',
      'spec.vxlanTunnelMACAddr: "zz:ee:ee:ee:ee:ee" is not a valid MAC address',
      'spec.ipv6VXLANTunnelAddr: "10.0.0.1" is not a valid IPv6 address',
      "spec.orchRefs[0].orchestrator: missing required field",
      'spec.addresses[0].type: "Public" is not a valid address type: must be one of CalicoNodeIP, ' +
      "InternalIP, ExternalIP",
      'status.wireguardPublicKey: "short" is not a valid WireGuard public key: must be 32 bytes ' +
      "in base64",
    ],
  );
});

Deno.test("decodeObject rejects an empty Node BGP spec", () => {
  deepEqual(lines(resource("Node", { bgp: {} })), [
    "spec.bgp: must not be empty: omit bgp instead",
  ]);
});

Deno.test("decodeObject checks IPAMBlock cidr, affinity and allocations", () => {
  deepEqual(lines(resource("IPAMBlock", { affinity: "worker-1", allocations: [0, -1, "x"] })), [
    "spec.cidr: missing required field",
    'spec.affinity: "worker-1" is not a valid affinity: must be "host:<node>"',
    "spec.allocations[1]: -1 is not a valid allocation index",
    'spec.allocations[2]: expected an integer, got string "x"',
  ]);
});

Deno.test("decodeObject copies FelixConfiguration values and checks its nodeSelector", () => {
  const spec = { ipipEnabled: true, nested: { a: [1, 2] }, nodeSelector: "has(x" };
  deepEqual(lines(resource("FelixConfiguration", spec)), [
    'spec.nodeSelector: "has(x" is not a valid selector: expected ")" to close has( at column 6',
  ]);
  const result = decodeObject(resource("FelixConfiguration", { nested: { a: [1] } }));
  ok(result.ok);
  ok(result.object.kind === "FelixConfiguration");
  deepEqual(result.object.spec, { nested: { a: [1] } });
});

Deno.test("decodeObject checks ClusterInformation field types", () => {
  deepEqual(lines(resource("ClusterInformation", { datastoreReady: "true" })), [
    'spec.datastoreReady: expected a boolean, got string "true"',
  ]);
});

Deno.test("isMAC accepts the forms Go's net.ParseMAC accepts", () => {
  for (
    const good of [
      "ee:ee:ee:ee:ee:ee",
      "EE-EE-EE-EE-EE-EE",
      "0000.5e00.5301",
      "02:00:5e:10:00:00:00:01",
    ]
  ) {
    equal(isMAC(good), true, good);
  }
  for (const bad of ["ee:ee:ee:ee:ee", "ee:ee-ee:ee:ee:ee", "eeee.eeee", "e:ee:ee:ee:ee:ee"]) {
    equal(isMAC(bad), false, bad);
  }
});
