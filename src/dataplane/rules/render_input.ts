/**
 * The render input contract: everything the rule renderer needs, as plain readonly data. The
 * linux managers build it from the proto messages (keyed for cheap updates) and hand it to a
 * pure renderer (`renderTables` in `src/dataplane/nftables/nft_renderer.ts`), which never mutates
 * it. The incremental `NftRenderer` remembers what it built from each value (policy, endpoint,
 * IP set, ...), so an input, and every value in it, must never change once handed out: a changed
 * value is a new object (the render state works this way).
 *
 * @module
 */
import type { ConfigValues } from "../../config/config_values.ts";
import type { NumRange, ProtoPort } from "../../config/param_types.ts";
import type {
  HostEndpoint,
  IPAMPoolUpdate,
  IPSetType,
  Policy,
  WorkloadEndpoint,
} from "../../proto/messages.ts";
import type { Rule } from "../../proto/rule.ts";

/** The key of `RenderInput.workloads`; defined with the proto messages, re-exported here. */
export { workloadEndpointIdString } from "../../proto/messages.ts";

/** The rule-relevant configuration, derived from `ConfigValues` by `rulesConfigFrom`. */
export interface RulesConfig {
  /** `InterfacePrefix`: workload interface prefixes (`cali`). */
  readonly interfacePrefixes: readonly string[];
  /** `NftablesMarkMask` (default `0xffff0000`): the mark bits are allocated from it. */
  readonly markMask: number;
  readonly defaultEndpointToHostAction: "DROP" | "RETURN" | "ACCEPT";
  readonly filterAllowAction: "ACCEPT" | "RETURN";
  readonly mangleAllowAction: "ACCEPT" | "RETURN";
  readonly filterDenyAction: "DROP" | "REJECT";
  readonly failsafeInbound: readonly ProtoPort[];
  readonly failsafeOutbound: readonly ProtoPort[];
  /** Whether the `ip6 calico` table is rendered (`Ipv6Support`). */
  readonly ipv6Enabled: boolean;
  /** IPIP on (v4 only): allow IPIP from known hosts in INPUT, drop the rest. */
  readonly ipipEnabled: boolean;
  /** VXLAN on for IPv4 / IPv6: allow VXLAN from known hosts in INPUT, drop the rest. */
  readonly vxlanEnabled: boolean;
  readonly vxlanEnabledV6: boolean;
  readonly vxlanPort: number;
  readonly allowVXLANPacketsFromWorkloads: boolean;
  readonly allowIPIPPacketsFromWorkloads: boolean;
  readonly disableConntrackInvalidCheck: boolean;
  /** `NATOutgoingAddress`: "" = masquerade, else SNAT to this address. */
  readonly natOutgoingAddress: string;
  readonly natPortRange: NumRange | undefined;
  /** `IPPoolsAndHostIPs` also excludes destinations in `all-hosts-net` from masquerade. */
  readonly natOutgoingExclusions: "IPPoolsOnly" | "IPPoolsAndHostIPs";
  /** Masquerade/SNAT with `fully-random` (upstream: when the kernel supports it). */
  readonly natRandomFully: boolean;
  /** `ServiceLoopPrevention`; with `blockedCIDRs` fills `cali-cidr-block`. */
  readonly serviceLoopPrevention: "Drop" | "Reject" | "Disabled";
  /** Service CIDRs that must not loop (empty: `cali-cidr-block` stays empty). */
  readonly blockedCIDRs: readonly string[];
  /** `IptablesNATOutgoingInterfaceFilter`: masquerade only out of this interface ("" = any). */
  readonly natOutgoingInterfaceFilter: string;
  /** `LogPrefix` for `log` rules (`%t` tier, `%k` kind, `%n` name, `%p` namespace/name). */
  readonly logPrefix: string;
  /** Tunnel addresses: when set (and the tunnel on), host traffic out of it is masqueraded. */
  readonly ipipTunnelAddress: string;
  readonly vxlanTunnelAddress: string;
  readonly vxlanTunnelAddressV6: string;
}

/** Encapsulation as the calc graph computed it (`EncapsulationUpdate`), for auto-enable. */
export interface EncapsulationState {
  readonly ipipEnabled: boolean;
  readonly vxlanEnabled: boolean;
  readonly vxlanEnabledV6: boolean;
}

/** One IP set by calc id (`s:...`, `n:...`, `svc:...`); members as the calc graph sent them. */
export interface RenderIPSet {
  readonly type: IPSetType;
  readonly members: ReadonlySet<string>;
}

/**
 * How an IP set differs from the object an earlier input held for it: `from`'s members without
 * `removed`, plus `added` (exact: every removed member was in `from`, no added one was).
 */
export interface IPSetChange {
  readonly from: RenderIPSet;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** One active profile's rules. */
export interface RenderProfile {
  readonly inboundRules: readonly Rule[];
  readonly outboundRules: readonly Rule[];
}

/** One local host endpoint with its resolved interface (`*` = every interface). */
export interface RenderHostEndpoint {
  readonly endpoint: HostEndpoint;
  /** The interface the endpoint applies to: a name, or `*` for all interfaces. */
  readonly interfaceName: string;
}

/** Everything the renderer needs. Maps are keyed so managers can update them cheaply. */
export interface RenderInput {
  readonly config: RulesConfig;
  /** By calc id. */
  readonly ipSets: ReadonlyMap<string, RenderIPSet>;
  /** By `policyIdString(PolicyID)` (`NetworkPolicy/prod/allow-frontend`). */
  readonly policies: ReadonlyMap<string, Policy>;
  /** By profile id (`kns.prod`). */
  readonly profiles: ReadonlyMap<string, RenderProfile>;
  /** By `workloadEndpointIdString(id)`. */
  readonly workloadEndpoints: ReadonlyMap<string, WorkloadEndpoint>;
  /** By host endpoint id. */
  readonly hostEndpoints: ReadonlyMap<string, RenderHostEndpoint>;
  /** By pool id (`10.65.0.0-16`). */
  readonly ipPools: ReadonlyMap<string, IPAMPoolUpdate["pool"]>;
  /** This host's own addresses (both families): the `this-host` set. */
  readonly hostIPs: readonly string[];
  /** Every Calico host's underlay addresses (both families): `all-hosts-net` (IPIP, NAT). */
  readonly allHostsNets: readonly string[];
  /** Every VTEP's parent-device address (both families): `all-vxlan-net` (VXLAN). */
  readonly vxlanHostNets: readonly string[];
  /**
   * Optional, by calc id: how IP sets changed by member deltas since the previous input of the
   * same source. A renderer that still holds what it built from `from` may patch it instead of
   * rebuilding the set; without this field (or its entry) it rebuilds.
   */
  readonly ipSetChanges?: ReadonlyMap<string, IPSetChange>;
}

/**
 * The rule config from the parsed parameters. `VXLANEnabled`/`IpInIpEnabled` left unset follow
 * the calc graph's encapsulation (`encap`), as upstream auto-enables them from the IP pools.
 */
export function rulesConfigFrom(values: ConfigValues, encap?: EncapsulationState): RulesConfig {
  return {
    interfacePrefixes: values.InterfacePrefix.length > 0 ? values.InterfacePrefix : ["cali"],
    markMask: values.NftablesMarkMask,
    defaultEndpointToHostAction: values.DefaultEndpointToHostAction,
    filterAllowAction: values.NftablesFilterAllowAction,
    mangleAllowAction: values.NftablesMangleAllowAction,
    filterDenyAction: values.NftablesFilterDenyAction,
    failsafeInbound: values.FailsafeInboundHostPorts,
    failsafeOutbound: values.FailsafeOutboundHostPorts,
    ipv6Enabled: values.Ipv6Support,
    ipipEnabled: values.IpInIpEnabled ?? encap?.ipipEnabled ?? false,
    vxlanEnabled: values.VXLANEnabled ?? encap?.vxlanEnabled ?? false,
    vxlanEnabledV6: values.VXLANEnabled ?? encap?.vxlanEnabledV6 ?? false,
    vxlanPort: values.VXLANPort,
    allowVXLANPacketsFromWorkloads: values.AllowVXLANPacketsFromWorkloads,
    allowIPIPPacketsFromWorkloads: values.AllowIPIPPacketsFromWorkloads,
    disableConntrackInvalidCheck: values.DisableConntrackInvalidCheck,
    natOutgoingAddress: values.NATOutgoingAddress,
    natPortRange: values.NATPortRange,
    natOutgoingExclusions: values.NATOutgoingExclusions === "IPPoolsAndHostIPs"
      ? "IPPoolsAndHostIPs"
      : "IPPoolsOnly",
    natRandomFully: true,
    serviceLoopPrevention: values.ServiceLoopPrevention === ""
      ? "Drop"
      : values.ServiceLoopPrevention,
    blockedCIDRs: [],
    natOutgoingInterfaceFilter: values.IptablesNATOutgoingInterfaceFilter,
    logPrefix: values.LogPrefix,
    ipipTunnelAddress: values.IpInIpTunnelAddr,
    vxlanTunnelAddress: values.IPv4VXLANTunnelAddr,
    vxlanTunnelAddressV6: values.IPv6VXLANTunnelAddr,
  };
}
