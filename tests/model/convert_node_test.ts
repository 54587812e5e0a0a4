import { deepEqual, equal } from "node:assert/strict";
import { k8sNodeToV3 } from "../../src/model/convert_k8s_node.ts";
import { convertNode, nodeHostIPs, normaliseMAC } from "../../src/model/convert_node.ts";
import type { KubernetesNode } from "../../src/model/k8s.ts";
import { keyPath } from "../../src/model/keys.ts";
import type { Node } from "../../src/model/v3_resources.ts";

const annotated: KubernetesNode = {
  kind: "KubernetesNode",
  metadata: {
    name: "node-1",
    resourceVersion: "77",
    labels: { "kubernetes.io/hostname": "node-1", zone: "a" },
    annotations: {
      "projectcalico.org/IPv4Address": "10.0.0.5/24",
      "projectcalico.org/IPv6Address": "fd00::5/64",
      "projectcalico.org/ASNumber": "64512",
      "projectcalico.org/IPv4IPIPTunnelAddr": "192.168.10.1",
      "projectcalico.org/IPv4VXLANTunnelAddr": "192.168.10.2",
      "projectcalico.org/VXLANTunnelMACAddr": "66:AA:bb:cc:dd:ee",
      "projectcalico.org/IPv6VXLANTunnelAddr": "fd10::2",
      "projectcalico.org/VXLANTunnelMACAddrV6": "66:aa:bb:cc:dd:ef",
      "projectcalico.org/IPv4WireguardInterfaceAddr": "192.168.10.3",
      "projectcalico.org/WireguardPublicKey": "pubkey4=",
      "projectcalico.org/labels": '{"zone":"b","calico":"yes"}',
    },
  },
  spec: { podCIDRs: ["10.244.1.0/24"] },
  status: {
    addresses: [
      { type: "Hostname", address: "node-1" },
      { type: "InternalIP", address: "10.0.0.5" },
      { type: "ExternalIP", address: "203.0.113.5" },
    ],
  },
};

Deno.test("k8sNodeToV3 reads Calico's annotations, labels, addresses and pod CIDRs", () => {
  const { node, problems } = k8sNodeToV3(annotated);
  deepEqual(problems, []);
  deepEqual(node.metadata.labels, { "kubernetes.io/hostname": "node-1", zone: "b", calico: "yes" });
  deepEqual(node.spec, {
    bgp: {
      asNumber: 64512,
      ipv4Address: "10.0.0.5/24",
      ipv6Address: "fd00::5/64",
      ipv4IPIPTunnelAddr: "192.168.10.1",
    },
    ipv4VXLANTunnelAddr: "192.168.10.2",
    vxlanTunnelMACAddr: "66:AA:bb:cc:dd:ee",
    ipv6VXLANTunnelAddr: "fd10::2",
    vxlanTunnelMACAddrV6: "66:aa:bb:cc:dd:ef",
    wireguard: { interfaceIPv4Address: "192.168.10.3" },
    orchRefs: [{ nodeName: "node-1", orchestrator: "k8s" }],
    addresses: [
      { address: "10.0.0.5/24", type: "CalicoNodeIP" },
      { address: "fd00::5/64", type: "CalicoNodeIP" },
      { address: "10.0.0.5", type: "InternalIP" },
      { address: "203.0.113.5", type: "ExternalIP" },
    ],
  });
  deepEqual(node.status, { wireguardPublicKey: "pubkey4=", podCIDRs: ["10.244.1.0/24"] });
});

Deno.test("k8sNodeToV3 drops and reports invalid annotation values", () => {
  const { node, problems } = k8sNodeToV3({
    kind: "KubernetesNode",
    metadata: {
      name: "n",
      labels: { a: "1" },
      annotations: {
        "projectcalico.org/IPv4Address": "10.0.0.5",
        "projectcalico.org/VXLANTunnelMACAddr": "zz",
        "projectcalico.org/labels": "{not json",
      },
    },
  });
  deepEqual(node.spec, { orchRefs: [{ nodeName: "n", orchestrator: "k8s" }] });
  deepEqual(node.metadata.labels, { a: "1" });
  deepEqual(problems, [
    'Ignored annotation "projectcalico.org/labels" of Node "n": not a JSON map of strings',
    'Ignored annotation "projectcalico.org/IPv4Address" of Node "n": "10.0.0.5" is not an IPv4 CIDR',
    'Ignored annotation "projectcalico.org/VXLANTunnelMACAddr" of Node "n": "zz" is not a MAC address',
  ]);
});

Deno.test("convertNode emits the tunnel HostConfig keys, the Resource key and WireGuard", () => {
  const { node } = k8sNodeToV3(annotated);
  const r = convertNode(node);
  deepEqual(r.problems, []);
  deepEqual(
    r.updates.map((
      u,
    ) => [keyPath(u.key), u.key.kind === "Resource" ? "(node)" : u.value, u.revision]),
    [
      ["/calico/v1/host/node-1/config/IpInIpTunnelAddr", "192.168.10.1", "77"],
      ["/calico/v1/host/node-1/config/IPv4VXLANTunnelAddr", "192.168.10.2", "77"],
      ["/calico/v1/host/node-1/config/VXLANTunnelMACAddr", "66:aa:bb:cc:dd:ee", "77"],
      ["/calico/v1/host/node-1/config/IPv6VXLANTunnelAddr", "fd10::2", "77"],
      ["/calico/v1/host/node-1/config/VXLANTunnelMACAddrV6", "66:aa:bb:cc:dd:ef", "77"],
      ["/calico/resources/v3/projectcalico.org/node/node-1", "(node)", "77"],
      ["/calico/v1/host/node-1/wireguard", {
        interfaceIPv4Addr: "192.168.10.3",
        publicKey: "pubkey4=",
      }, "77"],
    ],
  );
  equal(r.updates[5]!.value, node);
});

Deno.test("convertNode deletes unset tunnel keys and the WireGuard key of a bare node", () => {
  const bare: Node = {
    kind: "Node",
    metadata: { name: "n2" },
    spec: { ipv4VXLANTunnelAddr: "bogus" },
  };
  const r = convertNode(bare);
  deepEqual(r.updates.map((u) => u.key.kind === "Resource" ? "(node)" : u.value), [
    null,
    null,
    null,
    null,
    null,
    "(node)",
    null,
  ]);
});

Deno.test("normaliseMAC lower-cases and accepts dash and dotted forms", () => {
  equal(normaliseMAC("AA-BB-CC-DD-EE-FF"), "aa:bb:cc:dd:ee:ff");
  equal(normaliseMAC("aabb.ccdd.eeff"), "aa:bb:cc:dd:ee:ff");
  equal(normaliseMAC("aa:bb:cc:dd:ee"), undefined);
});

Deno.test("nodeHostIPs prefers the BGP address in CIDR form and keeps host bits", () => {
  deepEqual(nodeHostIPs(k8sNodeToV3(annotated).node), { ipv4: "10.0.0.5/24", ipv6: "fd00::5/64" });
});

Deno.test("nodeHostIPs falls back to InternalIP then ExternalIP, ignoring a bare BGP IP", () => {
  const node = (spec: Node["spec"]): Node => ({ kind: "Node", metadata: { name: "n" }, spec });
  deepEqual(
    nodeHostIPs(node({
      bgp: { ipv4Address: "10.0.0.9" },
      addresses: [
        { address: "203.0.113.5", type: "ExternalIP" },
        { address: "10.0.0.5", type: "InternalIP" },
        { address: "2001:db8::5", type: "ExternalIP" },
      ],
    })),
    { ipv4: "10.0.0.5/32", ipv6: "2001:db8::5/128" },
  );
  deepEqual(nodeHostIPs(node({ addresses: [{ address: "203.0.113.5", type: "ExternalIP" }] })), {
    ipv4: "203.0.113.5/32",
  });
  deepEqual(nodeHostIPs(node({})), {});
});

Deno.test("nodeHostIPs treats a present but entirely empty BGP spec as no node", () => {
  deepEqual(
    nodeHostIPs({
      kind: "Node",
      metadata: { name: "n" },
      spec: { bgp: {}, addresses: [{ address: "10.0.0.5", type: "InternalIP" }] },
    }),
    {},
  );
});

Deno.test("normaliseMAC rejects mixed separators and lengths other than 6 octets, as isMAC does", () => {
  equal(normaliseMAC("aa:bb-cc:dd-ee:ff"), undefined);
  equal(normaliseMAC("aa:bb:cc:dd:ee:ff:00:11"), undefined);
  equal(normaliseMAC("AA:BB:CC:DD:EE:0F"), "aa:bb:cc:dd:ee:0f");
});
