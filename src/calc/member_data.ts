/**
 * What the IP-set member index needs from an endpoint or network set update: labels, parents,
 * addresses and named ports. Host endpoints contribute their expected IPs as /32 or /128.
 *
 * @module
 */
import { isKV, type KVUpdate } from "../model/kv.ts";
import type { EndpointPort, Labels } from "../model/values.ts";

/** Member-relevant data of a workload or host endpoint. */
export interface EndpointMemberData {
  readonly labels: Labels;
  readonly profileIds: readonly string[];
  readonly ipv4Nets: readonly string[];
  readonly ipv6Nets: readonly string[];
  readonly ports: readonly EndpointPort[];
}

/** Member-relevant data of a network set. */
export interface NetworkSetMemberData {
  readonly labels: Labels;
  readonly profileIds: readonly string[];
  readonly nets: readonly string[];
}

function hostNets(addrs: readonly string[], bits: number): string[] {
  return addrs.map((a) => (a.includes("/") ? a : `${a}/${bits}`));
}

/** Data for an endpoint update; undefined for a deletion or another kind. */
export function endpointMemberData(u: KVUpdate): EndpointMemberData | undefined {
  if (isKV(u, "WorkloadEndpoint") && u.value !== null) {
    const v = u.value;
    return {
      labels: v.labels,
      profileIds: v.profileIds,
      ipv4Nets: v.ipv4Nets,
      ipv6Nets: v.ipv6Nets,
      ports: v.ports,
    };
  }
  if (isKV(u, "HostEndpoint") && u.value !== null) {
    const v = u.value;
    return {
      labels: v.labels,
      profileIds: v.profileIds,
      ipv4Nets: hostNets(v.expectedIPv4Addrs, 32),
      ipv6Nets: hostNets(v.expectedIPv6Addrs, 128),
      ports: v.ports,
    };
  }
  return undefined;
}

/** Data for a network set update; undefined for a deletion or another kind. */
export function networkSetMemberData(u: KVUpdate): NetworkSetMemberData | undefined {
  if (!isKV(u, "NetworkSet") || u.value === null) return undefined;
  return { labels: u.value.labels, profileIds: u.value.profileIds, nets: u.value.nets };
}
