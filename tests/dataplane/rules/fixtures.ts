/**
 * Builders for render inputs in the rules and nftables renderer tests.
 *
 * @module
 */
import type {
  HostEndpoint,
  IPAMPoolUpdate,
  Policy,
  PolicyID,
  TierInfo,
  WorkloadEndpoint,
} from "../../../src/proto/messages.ts";
import { blankRule, type Rule } from "../../../src/proto/rule.ts";
import type {
  RenderHostEndpoint,
  RenderInput,
  RenderIPSet,
  RenderProfile,
  RulesConfig,
} from "../../../src/dataplane/rules/render_input.ts";

/** Felix's defaults for the rule config. */
export const DEFAULT_CONFIG: RulesConfig = {
  interfacePrefixes: ["cali"],
  markMask: 0xffff0000,
  defaultEndpointToHostAction: "DROP",
  filterAllowAction: "ACCEPT",
  mangleAllowAction: "ACCEPT",
  filterDenyAction: "DROP",
  failsafeInbound: [
    { protocol: "tcp", port: 22 },
    { protocol: "udp", port: 68 },
    { protocol: "tcp", port: 179 },
    { protocol: "tcp", port: 2379 },
    { protocol: "tcp", port: 2380 },
    { protocol: "tcp", port: 5473 },
    { protocol: "tcp", port: 6443 },
    { protocol: "tcp", port: 6666 },
    { protocol: "tcp", port: 6667 },
  ],
  failsafeOutbound: [
    { protocol: "udp", port: 53 },
    { protocol: "udp", port: 67 },
    { protocol: "tcp", port: 179 },
    { protocol: "tcp", port: 2379 },
    { protocol: "tcp", port: 2380 },
    { protocol: "tcp", port: 5473 },
    { protocol: "tcp", port: 6443 },
    { protocol: "tcp", port: 6666 },
    { protocol: "tcp", port: 6667 },
  ],
  ipv6Enabled: false,
  ipipEnabled: false,
  vxlanEnabled: false,
  vxlanEnabledV6: false,
  vxlanPort: 4789,
  allowVXLANPacketsFromWorkloads: false,
  allowIPIPPacketsFromWorkloads: false,
  disableConntrackInvalidCheck: false,
  natOutgoingAddress: "",
  natPortRange: undefined,
  natOutgoingExclusions: "IPPoolsOnly",
  natRandomFully: true,
  serviceLoopPrevention: "Drop",
  blockedCIDRs: [],
  natOutgoingInterfaceFilter: "",
  logPrefix: "calico-packet",
  ipipTunnelAddress: "",
  vxlanTunnelAddress: "",
  vxlanTunnelAddressV6: "",
};

/** A rule with the given action and fields (ruleId fixed). */
export function protoRule(action: Rule["action"], fields: Partial<Rule> = {}): Rule {
  return { ...blankRule(action), ruleId: "rule-id-0000000", ...fields };
}

/** A policy with the given rules. */
export function policy(fields: Partial<Policy> = {}): Policy {
  return {
    tier: "default",
    namespace: "",
    inboundRules: [],
    outboundRules: [],
    untracked: false,
    preDNAT: false,
    originalSelector: "all()",
    performanceHints: [],
    ...fields,
  };
}

/** A tier. */
export function tier(
  name: string,
  ingress: PolicyID[],
  egress: PolicyID[],
  defaultAction: TierInfo["defaultAction"] = "",
): TierInfo {
  return { name, ingressPolicies: ingress, egressPolicies: egress, defaultAction };
}

/** A workload endpoint on `iface`. */
export function wep(iface: string, fields: Partial<WorkloadEndpoint> = {}): WorkloadEndpoint {
  return {
    state: "active",
    name: iface,
    mac: "",
    profileIds: [],
    ipv4Nets: [],
    ipv6Nets: [],
    tiers: [],
    ipv4NAT: [],
    ipv6NAT: [],
    allowSpoofedSourcePrefixes: [],
    annotations: {},
    ...fields,
  };
}

/** A host endpoint on `iface` (`*` = all interfaces). */
export function hep(iface: string, fields: Partial<HostEndpoint> = {}): RenderHostEndpoint {
  return {
    interfaceName: iface,
    endpoint: {
      name: iface,
      profileIds: [],
      tiers: [],
      untrackedTiers: [],
      preDNATTiers: [],
      forwardTiers: [],
      expectedIPv4Addrs: [],
      expectedIPv6Addrs: [],
      ...fields,
    },
  };
}

/** An IP pool. */
export function pool(cidr: string, masquerade: boolean): IPAMPoolUpdate["pool"] {
  return {
    cidr,
    masquerade,
    ipipMode: "Never",
    vxlanMode: "Never",
    allowedUses: ["Workload", "Tunnel"],
  };
}

/** A render input with defaults for everything not given. */
export function renderInput(fields: {
  config?: Partial<RulesConfig>;
  ipSets?: Record<string, RenderIPSet>;
  policies?: Record<string, Policy>;
  profiles?: Record<string, RenderProfile>;
  workloadEndpoints?: Record<string, WorkloadEndpoint>;
  hostEndpoints?: Record<string, RenderHostEndpoint>;
  ipPools?: Record<string, IPAMPoolUpdate["pool"]>;
  hostIPs?: string[];
  allHostsNets?: string[];
  vxlanHostNets?: string[];
} = {}): RenderInput {
  return {
    config: { ...DEFAULT_CONFIG, ...fields.config },
    ipSets: new Map(Object.entries(fields.ipSets ?? {})),
    policies: new Map(Object.entries(fields.policies ?? {})),
    profiles: new Map(Object.entries(fields.profiles ?? {})),
    workloadEndpoints: new Map(Object.entries(fields.workloadEndpoints ?? {})),
    hostEndpoints: new Map(Object.entries(fields.hostEndpoints ?? {})),
    ipPools: new Map(Object.entries(fields.ipPools ?? {})),
    hostIPs: fields.hostIPs ?? [],
    allHostsNets: fields.allHostsNets ?? [],
    vxlanHostNets: fields.vxlanHostNets ?? [],
  };
}

/** The worked example of reference/rules-rendering.md §10. */
export function workedExample(): RenderInput {
  const allowFrontend: PolicyID = {
    kind: "NetworkPolicy",
    namespace: "prod",
    name: "allow-frontend",
  };
  const setId = "s:m3eXIwiWO3PancqVUbrGUUHrl3pQMEvdNXCATw";
  const allow = [protoRule("allow")];
  return renderInput({
    ipSets: { [setId]: { type: "net", members: new Set(["10.65.0.10/32"]) } },
    policies: {
      "NetworkPolicy/prod/allow-frontend": policy({
        namespace: "prod",
        originalSelector: '(projectcalico.org/namespace == "prod" && role == "backend")',
        inboundRules: [
          protoRule("allow", {
            protocol: "tcp",
            srcIPSetIds: [setId],
            dstPorts: [{ first: 80, last: 80 }],
          }),
        ],
      }),
    },
    profiles: {
      "kns.prod": { inboundRules: allow, outboundRules: allow },
      "ksa.prod.default": { inboundRules: [], outboundRules: [] },
    },
    workloadEndpoints: {
      "k8s/prod.frontend/eth0": wep("cali1a2b3c4d5e6", {
        profileIds: ["kns.prod", "ksa.prod.default"],
        ipv4Nets: ["10.65.0.10/32"],
      }),
      "k8s/prod.backend/eth0": wep("cali7f8e9d0c1b2", {
        profileIds: ["kns.prod", "ksa.prod.default"],
        ipv4Nets: ["10.65.0.20/32"],
        tiers: [tier("default", [allowFrontend], [])],
      }),
    },
    ipPools: { "10.65.0.0-16": pool("10.65.0.0/16", true) },
    hostIPs: ["192.168.1.10"],
  });
}
