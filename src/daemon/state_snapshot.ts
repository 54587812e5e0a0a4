/**
 * Applies the calc graph's messages to a plain model of the dataplane's desired state and renders
 * it as the `--once` JSON document: what a dataplane would program, keyed and sorted so that the
 * same cluster always prints the same bytes.
 *
 * @module
 */
import { assertNever } from "../lib/assert_never.ts";
import { sortedRecord } from "../lib/order.ts";
import type {
  HostEndpoint,
  IPAMPoolUpdate,
  IPSetType,
  Policy,
  RouteUpdate,
  TierInfo,
  ToDataplane,
  VXLANTunnelEndpointUpdate,
  WorkloadEndpoint,
} from "../proto/messages.ts";
import { policyIdString, RouteTypes } from "../proto/messages.ts";
import type { Rule } from "../proto/rule.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** What the dataplane backends hold, as text. */
export interface DataplaneText {
  /** The nftables ruleset (`table ip calico { ... }` then `table ip6 calico { ... }`). */
  readonly nftables: string;
}

/** One configuration parameter that differs from its default. */
export interface ConfigEntry {
  readonly value: string;
  readonly source: string;
}

/** A rule without its empty fields: easier to read, same meaning. */
function compactRule(rule: Rule): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(rule)) {
    if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    if (k === "ipVersion" && v === 0) continue;
    out[k] = v as Json;
  }
  return out;
}

function tiersJson(tiers: readonly TierInfo[]): Json[] {
  return tiers.map((t) => ({
    name: t.name,
    defaultAction: t.defaultAction === "" ? "Deny (no tier resource)" : t.defaultAction,
    ingress: t.ingressPolicies.map(policyIdString),
    egress: t.egressPolicies.map(policyIdString),
  }));
}

const ROUTE_TYPE_NAMES = Object.entries(RouteTypes).filter(([, bit]) => bit !== 0);

function routeTypes(bits: number): string[] {
  const names = ROUTE_TYPE_NAMES.filter(([, bit]) => (bits & bit) !== 0).map(([n]) => n);
  return names.length === 0 ? ["CIDR_INFO"] : names;
}

function policyJson(p: Policy): Json {
  return {
    tier: p.tier,
    ...(p.namespace === "" ? {} : { namespace: p.namespace }),
    selector: p.originalSelector,
    ...(p.untracked ? { untracked: true } : {}),
    ...(p.preDNAT ? { preDNAT: true } : {}),
    inboundRules: p.inboundRules.map(compactRule),
    outboundRules: p.outboundRules.map(compactRule),
  };
}

function endpointJson(e: WorkloadEndpoint): Json {
  return {
    interface: e.name,
    ...(e.mac === "" ? {} : { mac: e.mac }),
    ipv4Nets: [...e.ipv4Nets],
    ipv6Nets: [...e.ipv6Nets],
    tiers: tiersJson(e.tiers),
    profiles: [...e.profileIds],
  };
}

function hostEndpointJson(h: HostEndpoint): Json {
  return {
    interface: h.name,
    expectedIPv4Addrs: [...h.expectedIPv4Addrs],
    expectedIPv6Addrs: [...h.expectedIPv6Addrs],
    tiers: tiersJson(h.tiers),
    untrackedTiers: tiersJson(h.untrackedTiers),
    preDNATTiers: tiersJson(h.preDNATTiers),
    forwardTiers: tiersJson(h.forwardTiers),
    profiles: [...h.profileIds],
  };
}

function routeJson(r: RouteUpdate): Json {
  return {
    types: routeTypes(r.types),
    ipPoolType: r.ipPoolType,
    ...(r.dstNodeName === "" ? {} : { dstNodeName: r.dstNodeName }),
    ...(r.dstNodeIp === "" ? {} : { dstNodeIp: r.dstNodeIp }),
    ...(r.sameSubnet ? { sameSubnet: true } : {}),
    ...(r.natOutgoing ? { natOutgoing: true } : {}),
    ...(r.localWorkload ? { localWorkload: true } : {}),
    ...(r.borrowed ? { borrowed: true } : {}),
  };
}

function poolJson(p: IPAMPoolUpdate["pool"]): Json {
  return {
    cidr: p.cidr,
    masquerade: p.masquerade,
    ipipMode: p.ipipMode,
    vxlanMode: p.vxlanMode,
    allowedUses: [...p.allowedUses],
  };
}

function vtepJson(v: VXLANTunnelEndpointUpdate): Json {
  return {
    mac: v.mac,
    ipv4Addr: v.ipv4Addr,
    parentDeviceIp: v.parentDeviceIp,
    ...(v.ipv6Addr === "" ? {} : {
      macV6: v.macV6,
      ipv6Addr: v.ipv6Addr,
      parentDeviceIpv6: v.parentDeviceIpv6,
    }),
  };
}

/** The dataplane's desired state as messages describe it. */
export class DataplaneSnapshot {
  readonly #ipSets = new Map<string, { type: IPSetType; members: Set<string> }>();
  readonly #policies = new Map<string, Policy>();
  readonly #profiles = new Map<string, { inbound: readonly Rule[]; outbound: readonly Rule[] }>();
  readonly #weps = new Map<string, WorkloadEndpoint>();
  readonly #heps = new Map<string, HostEndpoint>();
  readonly #routes = new Map<string, RouteUpdate>();
  readonly #vteps = new Map<string, VXLANTunnelEndpointUpdate>();
  readonly #pools = new Map<string, IPAMPoolUpdate["pool"]>();
  #encap: Json = null;
  #inSync = false;

  /** Whether `InSync` has been applied. */
  get inSync(): boolean {
    return this.#inSync;
  }

  /** Apply a batch of messages in order. */
  applyAll(msgs: readonly ToDataplane[]): void {
    for (const m of msgs) this.apply(m);
  }

  /** Apply one message. */
  apply(m: ToDataplane): void {
    switch (m.type) {
      case "InSync":
        this.#inSync = true;
        return;
      case "IPSetUpdate":
        this.#ipSets.set(m.id, { type: m.ipSetType, members: new Set(m.members) });
        return;
      case "IPSetDeltaUpdate": {
        const s = this.#ipSets.get(m.id);
        if (s === undefined) return;
        for (const x of m.removedMembers) s.members.delete(x);
        for (const x of m.addedMembers) s.members.add(x);
        return;
      }
      case "IPSetRemove":
        this.#ipSets.delete(m.id);
        return;
      case "ActivePolicyUpdate":
        this.#policies.set(policyIdString(m.id), m.policy);
        return;
      case "ActivePolicyRemove":
        this.#policies.delete(policyIdString(m.id));
        return;
      case "ActiveProfileUpdate":
        this.#profiles.set(m.id, { inbound: m.inboundRules, outbound: m.outboundRules });
        return;
      case "ActiveProfileRemove":
        this.#profiles.delete(m.id);
        return;
      case "WorkloadEndpointUpdate":
        this.#weps.set(`${m.id.workloadId}/${m.id.endpointId}`, m.endpoint);
        return;
      case "WorkloadEndpointRemove":
        this.#weps.delete(`${m.id.workloadId}/${m.id.endpointId}`);
        return;
      case "HostEndpointUpdate":
        this.#heps.set(m.id, m.endpoint);
        return;
      case "HostEndpointRemove":
        this.#heps.delete(m.id);
        return;
      default:
        this.#applyRouting(m);
    }
  }

  #applyRouting(m: ToDataplane): void {
    switch (m.type) {
      case "RouteUpdate":
        this.#routes.set(m.dst, m);
        return;
      case "RouteRemove":
        this.#routes.delete(m.dst);
        return;
      case "VXLANTunnelEndpointUpdate":
        this.#vteps.set(m.node, m);
        return;
      case "VXLANTunnelEndpointRemove":
        this.#vteps.delete(m.node);
        return;
      case "IPAMPoolUpdate":
        this.#pools.set(m.id, m.pool);
        return;
      case "IPAMPoolRemove":
        this.#pools.delete(m.id);
        return;
      case "EncapsulationUpdate":
        this.#encap = {
          ipipEnabled: m.ipipEnabled,
          vxlanEnabled: m.vxlanEnabled,
          vxlanEnabledV6: m.vxlanEnabledV6,
          noEncapEnabled: m.noEncapEnabled,
        };
        return;
      case "ConfigUpdate":
      case "HostMetadataUpdate":
      case "HostMetadataRemove":
      case "NamespaceUpdate":
      case "NamespaceRemove":
      case "ServiceAccountUpdate":
      case "ServiceAccountRemove":
        return; // Not part of the printed state.
      case "InSync":
      case "IPSetUpdate":
      case "IPSetDeltaUpdate":
      case "IPSetRemove":
      case "ActivePolicyUpdate":
      case "ActivePolicyRemove":
      case "ActiveProfileUpdate":
      case "ActiveProfileRemove":
      case "WorkloadEndpointUpdate":
      case "WorkloadEndpointRemove":
      case "HostEndpointUpdate":
      case "HostEndpointRemove":
        return this.apply(m);
      default:
        assertNever(m, "message");
    }
  }

  /** The `--once` document; `dataplane` (the backends' text) comes last when given. */
  render(
    hostname: string,
    config: ReadonlyMap<string, ConfigEntry>,
    dataplane?: DataplaneText,
  ): { [k: string]: Json } {
    return {
      hostname,
      config: sortedRecord(config, (e) => ({ value: e.value, source: e.source })),
      ipSets: sortedRecord(this.#ipSets, (s) => ({ type: s.type, members: [...s.members].sort() })),
      policies: sortedRecord(this.#policies, policyJson),
      profiles: sortedRecord(this.#profiles, (p) => ({
        inboundRules: p.inbound.map(compactRule),
        outboundRules: p.outbound.map(compactRule),
      })),
      endpoints: sortedRecord(this.#weps, endpointJson),
      hostEndpoints: sortedRecord(this.#heps, hostEndpointJson),
      routes: sortedRecord(this.#routes, routeJson),
      vteps: sortedRecord(this.#vteps, vtepJson),
      ipPools: sortedRecord(this.#pools, poolJson),
      encapsulation: this.#encap,
      ...(dataplane === undefined ? {} : { dataplane: { nftables: dataplane.nftables } }),
    };
  }
}
