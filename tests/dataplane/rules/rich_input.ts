/**
 * A rich render input: policies using every rule field, workloads in tiers with groups and Pass,
 * host endpoints of every kind (normal, forward, pre-DNAT, untracked, `*`), IP sets of every
 * type, natOutgoing with a port range, IPIP and VXLAN on, both IP families.
 *
 * @module
 */
import type { PolicyID } from "../../../src/proto/messages.ts";
import type { RenderInput } from "../../../src/dataplane/rules/render_input.ts";
import { hep, policy, pool, protoRule, renderInput, tier, wep } from "./fixtures.ts";

const gnp = (name: string): PolicyID => ({ kind: "GlobalNetworkPolicy", namespace: "", name });
const np = (name: string): PolicyID => ({ kind: "NetworkPolicy", namespace: "prod", name });
const range = (first: number, last = first) => ({ first, last });

const EVERY_FIELD = protoRule("allow", {
  protocol: "tcp",
  srcNet: ["10.1.0.0/16", "fd00:1::/64"],
  srcIPSetIds: ["s:src"],
  srcPorts: [range(1000, 2000), range(3000)],
  dstNet: ["10.2.0.0/16"],
  dstIPSetIds: ["s:dst"],
  dstIPPortSetIds: ["svc:web"],
  dstPorts: Array.from({ length: 20 }, (_, i) => range(8000 + i)),
  dstNamedPortIPSetIds: ["n:http"],
  notSrcNet: ["10.1.2.0/24", "10.1.3.0/24"],
  notSrcIPSetIds: ["s:bad"],
  notSrcPorts: [range(1500)],
  notSrcNamedPortIPSetIds: ["n:admin"],
  notDstNet: ["10.2.3.0/24"],
  notDstIPSetIds: ["s:baddst"],
  notDstPorts: [range(8005), range(9000, 9100)],
  notDstNamedPortIPSetIds: ["n:metrics"],
  annotations: { "owner": "team-a", "ticket": "SEC-1 (urgent)" },
});

const ICMP_RULES = [
  protoRule("allow", { protocol: "icmp", ipVersion: 4, icmp: { type: 8, code: 0 } }),
  protoRule("deny", { protocol: "icmp", ipVersion: 4, notICMP: { type: 3, code: 1 } }),
  protoRule("allow", { protocol: "icmpv6", ipVersion: 6, icmp: { type: 128 } }),
  protoRule("deny", { protocol: "icmpv6", ipVersion: 6, notICMP: { type: 1, code: 4 } }),
  protoRule("log", { protocol: 132, dstPorts: [range(5000)] }),
  protoRule("next-tier", { notProtocol: "udp" }),
  protoRule("deny", {
    protocol: 17,
    srcNamedPortIPSetIds: ["n:a", "n:b"],
    dstNet: ["fd00:2::/64", "fd00:3::/64"],
  }),
];

/** The rich input. */
export function richInput(): RenderInput {
  const allow = [protoRule("allow")];
  return renderInput({
    config: {
      ipv6Enabled: true,
      ipipEnabled: true,
      vxlanEnabled: true,
      vxlanEnabledV6: true,
      natPortRange: { min: 1024, max: 65535 },
      natOutgoingExclusions: "IPPoolsAndHostIPs",
      ipipTunnelAddress: "10.65.0.1",
      vxlanTunnelAddress: "10.65.0.2",
      vxlanTunnelAddressV6: "fd00:65::1",
      interfacePrefixes: ["cali", "tap"],
      blockedCIDRs: ["10.96.0.0/12", "fd00:96::/108"],
      failsafeInbound: [{ protocol: "tcp", port: 22 }, {
        protocol: "tcp",
        port: 179,
        net: "192.168.0.0/16",
      }, { protocol: "udp", port: 68, net: "fd00::/8" }],
      failsafeOutbound: [{ protocol: "udp", port: 53 }, {
        protocol: "tcp",
        port: 6443,
        net: "192.168.1.1/32",
      }],
    },
    ipSets: {
      "s:src": {
        type: "net",
        members: new Set(["10.1.0.5/32", "10.1.0.0/24", "fd00:1::5/128", "10.0.0.0/8"]),
      },
      "s:dst": { type: "net", members: new Set(["10.2.0.7/32", "fd00:2::7/128"]) },
      "s:bad": { type: "net", members: new Set() },
      "svc:web": {
        type: "ip-and-port",
        members: new Set(["10.96.0.10,tcp:80", "fd00:96::10,tcp:80"]),
      },
      "n:http": {
        type: "ip-and-port",
        members: new Set(["10.2.0.7,tcp:8080", "10.2.0.8,udp:53", "fd00:2::7,sctp:9"]),
      },
      "n:admin": { type: "ip-and-port", members: new Set(["10.1.0.9,tcp:22"]) },
      "h:hosts": { type: "ip", members: new Set(["192.168.1.1", "fd00::1"]) },
    },
    policies: {
      "GlobalNetworkPolicy/every-field": policy({
        tier: "security",
        inboundRules: [EVERY_FIELD],
        outboundRules: ICMP_RULES,
      }),
      "GlobalNetworkPolicy/pass": policy({
        tier: "security",
        inboundRules: [protoRule("next-tier")],
      }),
      "NetworkPolicy/prod/a": policy({
        namespace: "prod",
        originalSelector: 'app == "a"',
        inboundRules: allow,
      }),
      "NetworkPolicy/prod/b": policy({
        namespace: "prod",
        originalSelector: 'app == "a"',
        inboundRules: [protoRule("deny", { protocol: "udp" })],
      }),
      "GlobalNetworkPolicy/host-deny": policy({
        inboundRules: [protoRule("deny")],
        outboundRules: [protoRule("deny")],
      }),
      "GlobalNetworkPolicy/untracked": policy({
        untracked: true,
        inboundRules: [protoRule("allow", { protocol: "udp", dstPorts: [range(53)] })],
      }),
      "GlobalNetworkPolicy/prednat": policy({
        preDNAT: true,
        inboundRules: [protoRule("deny", { protocol: "tcp", dstPorts: [range(30000, 32767)] })],
      }),
      "GlobalNetworkPolicy/forward": policy({ inboundRules: allow, outboundRules: allow }),
    },
    profiles: {
      "kns.prod": { inboundRules: allow, outboundRules: allow },
      "ksa.prod.default": { inboundRules: [], outboundRules: [] },
    },
    workloadEndpoints: {
      "k8s/prod.a/eth0": wep("cali0a1b2c3d4e5", {
        profileIds: ["kns.prod", "ksa.prod.default"],
        ipv4Nets: ["10.65.0.10/32"],
        ipv6Nets: ["fd00:65::10/128"],
        allowSpoofedSourcePrefixes: ["10.99.0.0/16", "fd00:99::/64"],
        tiers: [
          tier("security", [gnp("every-field"), gnp("pass")], [gnp("every-field")], "Pass"),
          tier("default", [np("a"), np("b")], []),
        ],
      }),
      "k8s/prod.b/eth0": wep("cali9f8e7d6c5b4", { profileIds: ["kns.prod"], state: "down" }),
      "openstack/vm/tap": wep("tap1234", { profileIds: ["kns.prod"] }),
    },
    hostEndpoints: {
      "eth0": hep("eth0", {
        profileIds: ["kns.prod"],
        tiers: [tier("default", [gnp("host-deny")], [gnp("host-deny")])],
        untrackedTiers: [tier("default", [gnp("untracked")], [])],
        preDNATTiers: [tier("default", [gnp("prednat")], [])],
        forwardTiers: [tier("default", [gnp("forward")], [gnp("forward")])],
      }),
      "eth1": hep("eth1"),
      "odd": hep("1wan+1#x", { untrackedTiers: [tier("default", [gnp("untracked")], [])] }),
      "bond0.100": hep("bond0.100", { untrackedTiers: [tier("default", [gnp("untracked")], [])] }),
      "all": hep("*", {
        tiers: [tier("default", [gnp("host-deny")], [])],
        preDNATTiers: [tier("default", [gnp("prednat")], [])],
      }),
    },
    ipPools: {
      "10.65.0.0-16": pool("10.65.0.0/16", true),
      "10.66.0.0-16": pool("10.66.0.0/16", false),
      "fd00:65::-64": pool("fd00:65::/64", true),
    },
    hostIPs: ["192.168.1.10", "fd00::10"],
    allHostsNets: ["192.168.1.10", "192.168.1.11", "fd00::10"],
    vxlanHostNets: ["192.168.1.11", "fd00::11"],
  });
}
