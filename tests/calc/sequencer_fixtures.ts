/**
 * Proto messages as the event-sequencer tests build them: one global policy per name whose
 * inbound rule uses the given IP sets, workload endpoints in tier `default`, and routes, VTEPs,
 * pools, hosts and encapsulation flags with fixed neutral values.
 *
 * @module
 */
import type {
  EncapsulationUpdate,
  HostEndpoint,
  HostMetadataUpdate,
  IPAMPoolUpdate,
  Policy,
  PolicyID,
  RouteUpdate,
  VXLANTunnelEndpointUpdate,
  WorkloadEndpoint,
  WorkloadEndpointID,
} from "../../src/proto/messages.ts";
import { blankRule, type Rule } from "../../src/proto/rule.ts";

/** A rule allowing traffic from the given IP sets (any traffic when none). */
export function rule(srcIPSetIds: readonly string[] = [], action: Rule["action"] = "allow"): Rule {
  return { ...blankRule(action), srcIPSetIds, ruleId: "" };
}

/** The id of global network policy `name`. */
export function pid(name: string): PolicyID {
  return { kind: "GlobalNetworkPolicy", namespace: "", name };
}

/** A global policy in tier `default` with one inbound `rule(sets, action)`. */
export function policy(sets: readonly string[] = [], action: Rule["action"] = "allow"): Policy {
  return {
    tier: "default",
    namespace: "",
    inboundRules: [rule(sets, action)],
    outboundRules: [],
    untracked: false,
    preDNAT: false,
    originalSelector: "all()",
    performanceHints: [],
  };
}

/** The id of workload `workload`'s `eth0`. */
export function wepId(workload: string): WorkloadEndpointID {
  return { orchestratorId: "k8s", workloadId: workload, endpointId: "eth0" };
}

/** Endpoint `cali1` (10.0.0.1/32) with these policies in tier `default` and these profiles. */
export function wep(
  policies: readonly string[],
  profiles: readonly string[] = [],
): WorkloadEndpoint {
  return {
    state: "active",
    name: "cali1",
    mac: "",
    profileIds: profiles,
    ipv4Nets: ["10.0.0.1/32"],
    ipv6Nets: [],
    tiers: policies.length === 0 ? [] : [{
      name: "default",
      ingressPolicies: policies.map(pid),
      egressPolicies: [],
      defaultAction: "Deny",
    }],
    ipv4NAT: [],
    ipv6NAT: [],
    allowSpoofedSourcePrefixes: [],
    annotations: {},
  };
}

/** Host endpoint `eth0` with these policies in tier `default`. */
export function hep(policies: readonly string[]): HostEndpoint {
  const tiers = policies.length === 0 ? [] : [{
    name: "default",
    ingressPolicies: policies.map(pid),
    egressPolicies: [],
    defaultAction: "" as const,
  }];
  return {
    name: "eth0",
    profileIds: [],
    tiers,
    untrackedTiers: [],
    preDNATTiers: [],
    forwardTiers: [],
    expectedIPv4Addrs: [],
    expectedIPv6Addrs: [],
  };
}

/** A remote VXLAN workload route to `dst` via `node`. */
export function route(dst: string, node = "node-b"): RouteUpdate {
  return {
    type: "RouteUpdate",
    types: 1,
    ipPoolType: "vxlan",
    dst,
    dstNodeName: node,
    dstNodeIp: "192.168.0.2",
    sameSubnet: false,
    natOutgoing: false,
    localWorkload: false,
    tunnelType: { ipip: false, vxlan: true, wireguard: false },
    borrowed: false,
  };
}

/** `node`'s IPv4 VTEP with this MAC. */
export function vtep(node: string, mac = "66:00:00:00:00:01"): VXLANTunnelEndpointUpdate {
  return {
    type: "VXLANTunnelEndpointUpdate" as const,
    node,
    mac,
    ipv4Addr: "10.65.0.1",
    parentDeviceIp: "192.168.0.2",
    macV6: "",
    ipv6Addr: "",
    parentDeviceIpv6: "",
  };
}

/** A VXLAN pool with NAT. */
export function pool(cidr: string): IPAMPoolUpdate {
  return {
    type: "IPAMPoolUpdate" as const,
    id: cidr.replace("/", "-"),
    pool: { cidr, masquerade: true, ipipMode: "Never", vxlanMode: "Always", allowedUses: [] },
  };
}

/** Host metadata with only an IPv4 address. */
export function host(hostname: string, ipv4Addr = "192.168.0.2"): HostMetadataUpdate {
  return {
    type: "HostMetadataUpdate" as const,
    hostname,
    ipv4Addr,
    ipv6Addr: "",
    asNumber: "",
    labels: {},
  };
}

/** Encapsulation flags with only IPv4 VXLAN possibly on. */
export function encap(vxlanEnabled: boolean): EncapsulationUpdate {
  return {
    type: "EncapsulationUpdate" as const,
    ipipEnabled: false,
    vxlanEnabled,
    vxlanEnabledV6: false,
    noEncapEnabled: false,
  };
}
