/**
 * Reading a calc FV dataplane snapshot in a scenario's checks: endpoints, their tiers as short
 * summaries, policies and rules by id, IP set ids and members; and the VTEPs and MACs the
 * resolvers derive.
 *
 * @module
 */
import { fail } from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  namedPortIPSetId,
  type NamedPortProtocol,
  selectorIPSetId,
} from "../../src/calc/ip_set_ids.ts";
import {
  type HostEndpoint,
  type Policy,
  policyIdString,
  type TierInfo,
  type VXLANTunnelEndpointUpdate,
  type WorkloadEndpoint,
} from "../../src/proto/messages.ts";
import type { Rule } from "../../src/proto/rule.ts";
import { parseSelector } from "../../src/selector/mod.ts";
import type { DataplaneSnapshot } from "./checking_dataplane.ts";

/** A tier as a check states it: name, default action, and policy ids (`policyIdString`). */
export interface TierSummary {
  readonly tier: string;
  readonly action: TierInfo["defaultAction"];
  readonly ingress: readonly string[];
  readonly egress: readonly string[];
}

/** The tiers of an endpoint, in order, as summaries. */
export function summarise(tiers: readonly TierInfo[]): TierSummary[] {
  return tiers.map((t) => ({
    tier: t.name,
    action: t.defaultAction,
    ingress: t.ingressPolicies.map(policyIdString),
    egress: t.egressPolicies.map(policyIdString),
  }));
}

/** The workload endpoint `id` (`k8s/<ns>/<pod>/eth0`); fails when absent. */
export function wepOf(snap: DataplaneSnapshot, id: string): WorkloadEndpoint {
  return snap.workloadEndpoints[id] ?? fail(`workload endpoint "${id}" is not present`);
}

/** The host endpoint `id`; fails when absent. */
export function hepOf(snap: DataplaneSnapshot, id: string): HostEndpoint {
  return snap.hostEndpoints[id] ?? fail(`host endpoint "${id}" is not present`);
}

/** The tiers of workload endpoint `id`, as summaries; fails when the endpoint is absent. */
export function wepTiers(snap: DataplaneSnapshot, id: string): TierSummary[] {
  return summarise(wepOf(snap, id).tiers);
}

/** The pod's workload endpoint id on this node: `k8s/<ns>/<pod>/eth0`. */
export function podId(ns: string, pod: string): string {
  return `k8s/${ns}/${pod}/eth0`;
}

/** The active policy `id` (`policyIdString`); fails when absent. */
export function policyOf(snap: DataplaneSnapshot, id: string): Policy {
  return snap.policies[id] ?? fail(`policy "${id}" is not present`);
}

/** Rule `index` of a policy's inbound or outbound rules; fails when absent. */
export function ruleOf(
  snap: DataplaneSnapshot,
  policyId: string,
  direction: "inbound" | "outbound",
  index: number,
): Rule {
  const rules = direction === "inbound"
    ? policyOf(snap, policyId).inboundRules
    : policyOf(snap, policyId).outboundRules;
  return rules[index] ?? fail(`policy "${policyId}" has no ${direction} rule ${index}`);
}

/** The sorted members of IP set `id`; fails when the set is absent. */
export function membersOf(snap: DataplaneSnapshot, id: string): readonly string[] {
  return (snap.ipSets[id] ?? fail(`IP set "${id}" is not present`)).members;
}

/** The id of the NET set of a selector (its `uniqueId()`). */
export function selectorSet(selector: string): string {
  return selectorIPSetId(parseSelector(selector));
}

/** The id of a named-port set. */
export function namedPortSet(selector: string, protocol: NamedPortProtocol, port: string): string {
  return namedPortIPSetId(parseSelector(selector), protocol, port);
}

/** The MAC Felix derives for a node without a configured one: 0x66 + SHA-1(name)[0:5]. */
export function derivedMac(name: string): string {
  const bytes = [0x66, ...createHash("sha1").update(name).digest().subarray(0, 5)];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** A VTEP with only IPv4 fields (IPv6 ones ""). */
export function vtepV4(
  node: string,
  mac: string,
  ipv4Addr: string,
  parentDeviceIp: string,
): VXLANTunnelEndpointUpdate {
  const none = { macV6: "", ipv6Addr: "", parentDeviceIpv6: "" };
  return { type: "VXLANTunnelEndpointUpdate", node, mac, ipv4Addr, parentDeviceIp, ...none };
}

/** A VTEP with only IPv6 fields (IPv4 ones ""). */
export function vtepV6(
  node: string,
  macV6: string,
  ipv6Addr: string,
  parentDeviceIpv6: string,
): VXLANTunnelEndpointUpdate {
  const none = { mac: "", ipv4Addr: "", parentDeviceIp: "" };
  return { type: "VXLANTunnelEndpointUpdate", node, ...none, macV6, ipv6Addr, parentDeviceIpv6 };
}
