/** Proto messages for the manager tests. */
import type {
  EncapsulationUpdate,
  HostEndpoint,
  ToDataplane,
  WorkloadEndpoint,
} from "../../../src/proto/messages.ts";
import { wep as bareWep } from "../rules/fixtures.ts";

/** A workload endpoint on interface `name` with `ipv4` (and `ipv6`) nets, in profile kns.prod. */
export function wep(
  name: string,
  ipv4: readonly string[],
  ipv6: readonly string[] = [],
  over: Partial<WorkloadEndpoint> = {},
): WorkloadEndpoint {
  return bareWep(name, { profileIds: ["kns.prod"], ipv4Nets: ipv4, ipv6Nets: ipv6, ...over });
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

/** An `EncapsulationUpdate` with every encapsulation off but those `on` turns on. */
export function encapUpdate(
  on: Partial<Omit<EncapsulationUpdate, "type">> = {},
): EncapsulationUpdate {
  return {
    type: "EncapsulationUpdate",
    ipipEnabled: false,
    vxlanEnabled: false,
    vxlanEnabledV6: false,
    noEncapEnabled: false,
    ...on,
  };
}
