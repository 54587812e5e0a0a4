/** Proto messages for the manager tests. */
import type { HostEndpoint, ToDataplane, WorkloadEndpoint } from "../../../src/proto/messages.ts";

/** A workload endpoint on interface `name` with `ipv4` (and `ipv6`) nets. */
export function wep(
  name: string,
  ipv4: readonly string[],
  ipv6: readonly string[] = [],
  over: Partial<WorkloadEndpoint> = {},
): WorkloadEndpoint {
  return {
    state: "active",
    name,
    mac: "",
    profileIds: ["kns.prod"],
    ipv4Nets: ipv4,
    ipv6Nets: ipv6,
    tiers: [],
    ipv4NAT: [],
    ipv6NAT: [],
    allowSpoofedSourcePrefixes: [],
    annotations: {},
    ...over,
  };
}

/** The update message of workload `workload` (orchestrator k8s, endpoint eth0). */
export function wepUpdate(workload: string, endpoint: WorkloadEndpoint): ToDataplane {
  return {
    type: "WorkloadEndpointUpdate",
    id: { orchestratorId: "k8s", workloadId: workload, endpointId: "eth0" },
    endpoint,
  };
}

/** The remove message of workload `workload`. */
export function wepRemove(workload: string): ToDataplane {
  return {
    type: "WorkloadEndpointRemove",
    id: { orchestratorId: "k8s", workloadId: workload, endpointId: "eth0" },
  };
}

/** A host endpoint on `name` (or by expected IPs when `name` is ""). */
export function hep(name: string, expectedIPv4Addrs: readonly string[] = []): HostEndpoint {
  return {
    name,
    profileIds: [],
    tiers: [],
    untrackedTiers: [],
    preDNATTiers: [],
    forwardTiers: [],
    expectedIPv4Addrs,
    expectedIPv6Addrs: [],
  };
}

export const IN_SYNC: ToDataplane = { type: "InSync" };
