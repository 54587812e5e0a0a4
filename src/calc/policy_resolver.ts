/**
 * The policy resolver: for each local endpoint, the ordered tiers of the policies that select it
 * (`reference/selectors-policy.md` §4.4). It learns matches from the active rules calculator,
 * policy metadata and tiers from the dispatcher, and emits whole endpoint updates at flush time,
 * only once the datastore is in sync (§5.3).
 *
 * @module
 */
import { deepEqual } from "../lib/deep_equal.ts";
import {
  type HostEndpointKey,
  keyPath,
  type PolicyKey,
  type WorkloadEndpointKey,
} from "../model/keys.ts";
import type {
  HostEndpoint as ModelHostEndpoint,
  Policy,
  Tier,
  WorkloadEndpoint as ModelWorkloadEndpoint,
} from "../model/values.ts";
import type {
  HostEndpoint,
  TierInfo,
  WorkloadEndpoint,
  WorkloadEndpointID,
} from "../proto/messages.ts";
import { addToSet, deleteFromSet } from "../lib/multidict.ts";
import { hostTiers, workloadTiers } from "./endpoint_tiers.ts";
import { PolicySorter, type SortedTier } from "./policy_sorter.ts";
import type { CalcSink, EndpointId, PolicyMatchListener } from "./sinks.ts";

/** The part of the event sequencer the resolver talks to. */
export type EndpointSink = Pick<
  CalcSink,
  | "onWorkloadEndpointUpdate"
  | "onWorkloadEndpointRemove"
  | "onHostEndpointUpdate"
  | "onHostEndpointRemove"
>;

export interface PolicyResolverOptions {
  readonly sink: EndpointSink;
}

type EndpointEntry =
  | {
    readonly kind: "wep";
    readonly key: WorkloadEndpointKey;
    readonly value: ModelWorkloadEndpoint;
  }
  | { readonly kind: "hep"; readonly key: HostEndpointKey; readonly value: ModelHostEndpoint };

export class PolicyResolver implements PolicyMatchListener {
  readonly #sink: EndpointSink;
  readonly #sorter = new PolicySorter();
  /** Local endpoints by `keyPath`. */
  readonly #endpoints = new Map<EndpointId, EndpointEntry>();
  /** Matches both ways, policies by `keyPath`. */
  readonly #policiesOf = new Map<EndpointId, Set<string>>();
  readonly #endpointsOf = new Map<string, Set<EndpointId>>();
  /** Endpoints last sent as an update (so a removal is only sent for those). */
  readonly #sent = new Map<EndpointId, WorkloadEndpointKey | HostEndpointKey>();
  readonly #dirty = new Set<EndpointId>();
  #inSync = false;

  constructor(options: PolicyResolverOptions) {
    this.#sink = options.sink;
  }

  /** A policy's metadata changed (or it went away): its matching endpoints are dirty. */
  updatePolicy(key: PolicyKey, policy: Policy | undefined): void {
    if (!this.#sorter.updatePolicy(key, policy)) return;
    for (const id of this.#endpointsOf.get(keyPath(key)) ?? []) this.#dirty.add(id);
  }

  /** Any tier change makes every endpoint dirty. */
  updateTier(name: string, tier: Tier | undefined): void {
    if (!this.#sorter.updateTier(name, tier)) return;
    for (const id of this.#endpoints.keys()) this.#dirty.add(id);
  }

  updateWorkloadEndpoint(key: WorkloadEndpointKey, wep: ModelWorkloadEndpoint | undefined): void {
    this.#updateEndpoint(keyPath(key), wep && { kind: "wep", key, value: wep });
  }

  updateHostEndpoint(key: HostEndpointKey, hep: ModelHostEndpoint | undefined): void {
    this.#updateEndpoint(keyPath(key), hep && { kind: "hep", key, value: hep });
  }

  onPolicyMatch(policy: PolicyKey, endpointId: EndpointId): void {
    const policyId = keyPath(policy);
    addToSet(this.#policiesOf, endpointId, policyId);
    addToSet(this.#endpointsOf, policyId, endpointId);
    this.#dirty.add(endpointId);
  }

  onPolicyMatchStopped(policy: PolicyKey, endpointId: EndpointId): void {
    const policyId = keyPath(policy);
    deleteFromSet(this.#policiesOf, endpointId, policyId);
    deleteFromSet(this.#endpointsOf, policyId, endpointId);
    this.#dirty.add(endpointId);
  }

  /**
   * Emits every dirty endpoint. Does nothing until called with `inSync` true; from then on it
   * stays in sync (a later `false` does not hold endpoints back again).
   */
  flush(inSync: boolean): void {
    this.#inSync ||= inSync;
    if (!this.#inSync) return;
    for (const id of this.#dirty) this.#emit(id);
    this.#dirty.clear();
  }

  #updateEndpoint(id: EndpointId, entry: EndpointEntry | undefined): void {
    const old = this.#endpoints.get(id);
    if (entry === undefined) {
      if (old === undefined) return;
      this.#endpoints.delete(id);
    } else {
      if (old !== undefined && deepEqual(old.value, entry.value)) return;
      this.#endpoints.set(id, entry);
    }
    this.#dirty.add(id);
  }

  #emit(id: EndpointId): void {
    const entry = this.#endpoints.get(id);
    if (entry === undefined) {
      const key = this.#sent.get(id);
      if (key === undefined) return;
      this.#sent.delete(id);
      if (key.kind === "WorkloadEndpoint") this.#sink.onWorkloadEndpointRemove(workloadId(key));
      else this.#sink.onHostEndpointRemove(key.endpointId);
      return;
    }
    const sorted = this.#sorter.sortTiers(this.#policiesOf.get(id) ?? []);
    this.#sent.set(id, entry.key);
    if (entry.kind === "wep") {
      const endpoint = workloadMessage(entry.value, workloadTiers(sorted));
      this.#sink.onWorkloadEndpointUpdate(workloadId(entry.key), endpoint);
    } else {
      this.#sink.onHostEndpointUpdate(entry.key.endpointId, hostMessage(entry.value, sorted));
    }
  }
}

function workloadId(key: WorkloadEndpointKey): WorkloadEndpointID {
  return {
    orchestratorId: key.orchestratorId,
    workloadId: key.workloadId,
    endpointId: key.endpointId,
  };
}

function workloadMessage(
  wep: ModelWorkloadEndpoint,
  tiers: readonly TierInfo[],
): WorkloadEndpoint {
  return {
    state: wep.state,
    name: wep.name,
    mac: wep.mac ?? "",
    profileIds: wep.profileIds,
    ipv4Nets: wep.ipv4Nets,
    ipv6Nets: wep.ipv6Nets,
    tiers,
    ipv4NAT: wep.ipv4NAT,
    ipv6NAT: wep.ipv6NAT,
    allowSpoofedSourcePrefixes: wep.allowSpoofedSourcePrefixes,
    annotations: wep.annotations ?? {},
  };
}

function hostMessage(
  hep: ModelHostEndpoint,
  sorted: readonly SortedTier[],
): HostEndpoint {
  return {
    name: hep.name,
    profileIds: hep.profileIds,
    ...hostTiers(sorted),
    expectedIPv4Addrs: hep.expectedIPv4Addrs,
    expectedIPv6Addrs: hep.expectedIPv6Addrs,
  };
}
