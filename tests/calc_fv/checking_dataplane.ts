/**
 * A fake dataplane for the calc FV tests. It applies `ToDataplane` messages to a state model and
 * throws a `ContractViolation` at the first message that breaks the event sequencer's contract
 * (`src/calc/DESIGN.md`, "Event sequencer"): a reference to an absent IP set, policy or profile;
 * a removal of something still referenced or absent; an IP-set delta that does not fit the set;
 * an endpoint before the in-sync flush; a second `InSync`; two messages for one object in one
 * flush; or a flush out of the contract order. `snapshot()` is the resulting state as plain data.
 *
 * @module
 */
import { serviceAccountIdString } from "../../src/calc/event_sequencer.ts";
import { assertNever } from "../../src/lib/assert_never.ts";
import { addToSet, deleteFromSet } from "../../src/lib/multidict.ts";
import { sortedRecord } from "../../src/lib/order.ts";
import {
  type ActivePolicyUpdate,
  type ActiveProfileUpdate,
  type ConfigUpdate,
  type EncapsulationUpdate,
  type HostEndpoint,
  type HostEndpointUpdate,
  type HostMetadataUpdate,
  type IPAMPoolUpdate,
  type IPSetDeltaUpdate,
  type IPSetType,
  type IPSetUpdate,
  type MessageType,
  type NamespaceUpdate,
  type Policy,
  policyIdString,
  type RouteUpdate,
  type ServiceAccountUpdate,
  type TierInfo,
  type ToDataplane,
  type VXLANTunnelEndpointUpdate,
  type WorkloadEndpoint,
  workloadEndpointIdString,
  type WorkloadEndpointUpdate,
} from "../../src/proto/messages.ts";
import type { Rule } from "../../src/proto/rule.ts";

/** A message broke the dataplane contract. */
export class ContractViolation extends Error {
  override readonly name = "ContractViolation";
}

/**
 * Where each message type may appear in a flush: ranks never decrease within one flush. This is
 * the contract of `src/calc/DESIGN.md` ("Event sequencer"), written out independently of the
 * sequencer's code.
 */
export const FLUSH_RANK: Readonly<Record<MessageType, number>> = {
  ConfigUpdate: 0,
  IPSetUpdate: 1,
  IPSetDeltaUpdate: 2,
  ActivePolicyUpdate: 3,
  ActiveProfileUpdate: 4,
  WorkloadEndpointUpdate: 5,
  HostEndpointUpdate: 5,
  WorkloadEndpointRemove: 6,
  HostEndpointRemove: 6,
  ActiveProfileRemove: 7,
  ActivePolicyRemove: 8,
  IPSetRemove: 9,
  ServiceAccountRemove: 10,
  ServiceAccountUpdate: 11,
  NamespaceRemove: 12,
  NamespaceUpdate: 13,
  RouteRemove: 14,
  VXLANTunnelEndpointRemove: 15,
  VXLANTunnelEndpointUpdate: 16,
  RouteUpdate: 17,
  HostMetadataRemove: 18,
  HostMetadataUpdate: 19,
  IPAMPoolRemove: 20,
  IPAMPoolUpdate: 21,
  EncapsulationUpdate: 22,
  InSync: 23,
};

/** An IP set as the snapshot shows it. */
export interface IPSetState {
  readonly type: IPSetType;
  readonly members: readonly string[];
}

/** A profile's rules as the snapshot shows them. */
export interface ProfileState {
  readonly inboundRules: readonly Rule[];
  readonly outboundRules: readonly Rule[];
}

type Dict<V> = Readonly<Record<string, V>>;

/** The messages that neither name nor are named by others. */
type ClusterData = Extract<
  ToDataplane,
  {
    readonly type:
      | "RouteUpdate"
      | "RouteRemove"
      | "VXLANTunnelEndpointUpdate"
      | "VXLANTunnelEndpointRemove"
      | "IPAMPoolUpdate"
      | "IPAMPoolRemove"
      | "HostMetadataUpdate"
      | "HostMetadataRemove"
      | "NamespaceUpdate"
      | "NamespaceRemove"
      | "ServiceAccountUpdate"
      | "ServiceAccountRemove"
      | "EncapsulationUpdate";
  }
>;

/** The dataplane's state as plain data; every record's keys are sorted. */
export interface DataplaneSnapshot {
  readonly ipSets: Dict<IPSetState>;
  readonly policies: Dict<Policy>;
  readonly profiles: Dict<ProfileState>;
  readonly workloadEndpoints: Dict<WorkloadEndpoint>;
  readonly hostEndpoints: Dict<HostEndpoint>;
  readonly routes: Dict<RouteUpdate>;
  readonly vteps: Dict<VXLANTunnelEndpointUpdate>;
  readonly ipPools: Dict<IPAMPoolUpdate["pool"]>;
  readonly hostMetadata: Dict<HostMetadataUpdate>;
  readonly encapsulation: EncapsulationUpdate | null;
  readonly namespaces: Dict<Dict<string>>;
  readonly serviceAccounts: Dict<Dict<string>>;
  readonly config: ConfigUpdate | null;
  readonly inSync: boolean;
}

/** A reference from a policy, profile or endpoint to an IP set, policy or profile. */
interface Ref {
  /** The referent, as `describe` names it: `IP set "s:abc"`. */
  readonly referent: string;
  readonly present: boolean;
  /** Where in the message the reference is: `policy.inboundRules[0].srcIPSetIds[1]`. */
  readonly path: string;
}

const RULE_SET_FIELDS = [
  "srcIPSetIds",
  "srcNamedPortIPSetIds",
  "notSrcIPSetIds",
  "notSrcNamedPortIPSetIds",
  "dstIPSetIds",
  "dstNamedPortIPSetIds",
  "dstIPPortSetIds",
  "notDstIPSetIds",
  "notDstNamedPortIPSetIds",
] as const;

const ENDPOINT_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  "WorkloadEndpointUpdate",
  "WorkloadEndpointRemove",
  "HostEndpointUpdate",
  "HostEndpointRemove",
]);

const HEP_TIER_FIELDS = ["tiers", "untrackedTiers", "preDNATTiers", "forwardTiers"] as const;

/**
 * Names the object a message is about (`IP set "s:abc"`), as error texts and the one-per-flush
 * check use it; "" for the messages that are about the node as a whole.
 */
export function describe(msg: ToDataplane): string {
  switch (msg.type) {
    case "ConfigUpdate":
    case "InSync":
    case "EncapsulationUpdate":
      return "";
    case "IPSetUpdate":
    case "IPSetDeltaUpdate":
    case "IPSetRemove":
      return `IP set "${msg.id}"`;
    case "ActivePolicyUpdate":
    case "ActivePolicyRemove":
      return `policy "${policyIdString(msg.id)}"`;
    case "ActiveProfileUpdate":
    case "ActiveProfileRemove":
      return `profile "${msg.id}"`;
    case "WorkloadEndpointUpdate":
    case "WorkloadEndpointRemove":
      return `workload endpoint "${workloadEndpointIdString(msg.id)}"`;
    case "HostEndpointUpdate":
    case "HostEndpointRemove":
      return `host endpoint "${msg.id}"`;
    case "RouteUpdate":
    case "RouteRemove":
      return `route "${msg.dst}"`;
    case "VXLANTunnelEndpointUpdate":
    case "VXLANTunnelEndpointRemove":
      return `VTEP "${msg.node}"`;
    case "IPAMPoolUpdate":
    case "IPAMPoolRemove":
      return `IP pool "${msg.id}"`;
    case "HostMetadataUpdate":
    case "HostMetadataRemove":
      return `host "${msg.hostname}"`;
    case "NamespaceUpdate":
    case "NamespaceRemove":
      return `namespace "${msg.name}"`;
    case "ServiceAccountUpdate":
    case "ServiceAccountRemove":
      return `service account "${serviceAccountIdString(msg.namespace, msg.name)}"`;
    default:
      return assertNever(msg, "message");
  }
}

function fail(msg: ToDataplane, reason: string): never {
  const subject = describe(msg);
  const about = subject === "" ? "" : ` for ${subject}`;
  throw new ContractViolation(`Cannot apply ${msg.type}${about}: ${reason}`);
}

/** Applies flushes of messages and checks every one of them; see the module doc. */
export class CheckingDataplane {
  readonly #ipSets = new Map<string, { type: IPSetType; members: Set<string> }>();
  readonly #policies = new Map<string, ActivePolicyUpdate>();
  readonly #profiles = new Map<string, ActiveProfileUpdate>();
  readonly #weps = new Map<string, WorkloadEndpointUpdate>();
  readonly #heps = new Map<string, HostEndpointUpdate>();
  readonly #routes = new Map<string, RouteUpdate>();
  readonly #vteps = new Map<string, VXLANTunnelEndpointUpdate>();
  readonly #pools = new Map<string, IPAMPoolUpdate>();
  readonly #hosts = new Map<string, HostMetadataUpdate>();
  readonly #namespaces = new Map<string, NamespaceUpdate>();
  readonly #serviceAccounts = new Map<string, ServiceAccountUpdate>();
  #encapsulation: EncapsulationUpdate | null = null;
  #config: ConfigUpdate | null = null;
  #inSync = false;
  /** Referent -> the policies, profiles and endpoints that refer to it. */
  readonly #referrers = new Map<string, Set<string>>();
  /** Referrer -> what it refers to, to unlink on update or removal. */
  readonly #referents = new Map<string, readonly string[]>();
  /** Whether endpoint messages are allowed in the flush being applied. */
  #endpointsAllowed = false;

  /** Whether `InSync` has been received. */
  get inSync(): boolean {
    return this.#inSync;
  }

  /**
   * Applies one message as a flush of its own. A flush from the sequencer must go through
   * `applyFlush` whole: the first in-sync flush carries endpoints before its closing `InSync`.
   */
  apply(msg: ToDataplane): void {
    this.applyFlush([msg]);
  }

  /**
   * Applies one flush, checking each message as it arrives. Endpoint messages are allowed once
   * `InSync` has been received, or in the flush that ends with it.
   */
  applyFlush(batch: readonly ToDataplane[]): void {
    this.#endpointsAllowed = this.#inSync || batch.at(-1)?.type === "InSync";
    const seen = new Set<string>();
    let previous: ToDataplane | undefined;
    for (const msg of batch) {
      const subject = describe(msg) || msg.type;
      if (seen.has(subject)) fail(msg, "this flush already had a message for it");
      seen.add(subject);
      if (previous !== undefined && FLUSH_RANK[msg.type] < FLUSH_RANK[previous.type]) {
        fail(msg, `it comes after ${previous.type} in one flush, against the flush order`);
      }
      previous = msg;
      this.#applyOne(msg);
    }
  }

  #applyOne(msg: ToDataplane): void {
    switch (msg.type) {
      case "ConfigUpdate":
        this.#config = msg;
        return;
      case "InSync":
        if (this.#inSync) fail(msg, "it was already received");
        this.#inSync = true;
        return;
      case "IPSetUpdate":
        return this.#ipSetUpdate(msg);
      case "IPSetDeltaUpdate":
        return this.#ipSetDelta(msg);
      case "IPSetRemove":
        return this.#remove(msg, this.#ipSets, msg.id);
      case "ActivePolicyUpdate":
        return this.#upsert(msg, this.#policies, policyIdString(msg.id), this.#refsOf(msg));
      case "ActivePolicyRemove":
        return this.#remove(msg, this.#policies, policyIdString(msg.id));
      case "ActiveProfileUpdate":
        return this.#upsert(msg, this.#profiles, msg.id, this.#refsOf(msg));
      case "ActiveProfileRemove":
        return this.#remove(msg, this.#profiles, msg.id);
      case "WorkloadEndpointUpdate": {
        const key = workloadEndpointIdString(msg.id);
        return this.#upsert(msg, this.#weps, key, this.#refsOf(msg));
      }
      case "WorkloadEndpointRemove":
        return this.#remove(msg, this.#weps, workloadEndpointIdString(msg.id));
      case "HostEndpointUpdate":
        return this.#upsert(msg, this.#heps, msg.id, this.#refsOf(msg));
      case "HostEndpointRemove":
        return this.#remove(msg, this.#heps, msg.id);
      default:
        return this.#applyClusterData(msg);
    }
  }

  /** Routes, VTEPs, pools, hosts, namespaces, service accounts, encapsulation. */
  #applyClusterData(msg: ClusterData): void {
    switch (msg.type) {
      case "RouteUpdate":
        return this.#upsert(msg, this.#routes, msg.dst, []);
      case "RouteRemove":
        return this.#remove(msg, this.#routes, msg.dst);
      case "VXLANTunnelEndpointUpdate":
        return this.#upsert(msg, this.#vteps, msg.node, []);
      case "VXLANTunnelEndpointRemove":
        return this.#remove(msg, this.#vteps, msg.node);
      case "IPAMPoolUpdate":
        return this.#upsert(msg, this.#pools, msg.id, []);
      case "IPAMPoolRemove":
        return this.#remove(msg, this.#pools, msg.id);
      case "HostMetadataUpdate":
        return this.#upsert(msg, this.#hosts, msg.hostname, []);
      case "HostMetadataRemove":
        return this.#remove(msg, this.#hosts, msg.hostname);
      case "NamespaceUpdate":
        return this.#upsert(msg, this.#namespaces, msg.name, []);
      case "NamespaceRemove":
        return this.#remove(msg, this.#namespaces, msg.name);
      case "ServiceAccountUpdate":
        return this.#upsert(msg, this.#serviceAccounts, saKey(msg), []);
      case "ServiceAccountRemove":
        return this.#remove(msg, this.#serviceAccounts, saKey(msg));
      case "EncapsulationUpdate":
        this.#encapsulation = msg;
        return;
      default:
        assertNever(msg, "message");
    }
  }

  /** A whole set: new, or a replacement of the same type (a set removed and re-added). */
  #ipSetUpdate(msg: IPSetUpdate): void {
    const old = this.#ipSets.get(msg.id);
    if (old !== undefined && old.type !== msg.ipSetType) {
      fail(msg, `it changes the set's type from "${old.type}" to "${msg.ipSetType}"`);
    }
    const members = new Set(msg.members);
    if (members.size !== msg.members.length) fail(msg, "members lists a member twice");
    this.#ipSets.set(msg.id, { type: msg.ipSetType, members });
  }

  #ipSetDelta(msg: IPSetDeltaUpdate): void {
    const set = this.#ipSets.get(msg.id);
    if (set === undefined) fail(msg, "the set is not present");
    if (msg.addedMembers.length === 0 && msg.removedMembers.length === 0) {
      fail(msg, "the delta is empty");
    }
    const added = new Set(msg.addedMembers);
    if (added.size !== msg.addedMembers.length) fail(msg, "addedMembers lists a member twice");
    for (const m of msg.removedMembers) {
      if (added.has(m)) fail(msg, `member "${m}" is both added and removed`);
      if (!set.members.has(m)) fail(msg, `removed member "${m}" is not in the set`);
    }
    for (const m of added) if (set.members.has(m)) fail(msg, `added member "${m}" is in the set`);
    for (const m of msg.removedMembers) set.members.delete(m);
    for (const m of added) set.members.add(m);
  }

  #upsert<M extends ToDataplane>(
    msg: M,
    map: Map<string, M>,
    key: string,
    refs: readonly Ref[],
  ): void {
    this.#checkEndpointTiming(msg);
    for (const ref of refs) {
      if (!ref.present) fail(msg, `${ref.path} refers to ${ref.referent}, which is not present`);
    }
    const referrer = describe(msg);
    this.#unlink(referrer);
    if (refs.length > 0) {
      const referents = [...new Set(refs.map((r) => r.referent))];
      for (const r of referents) addToSet(this.#referrers, r, referrer);
      this.#referents.set(referrer, referents);
    }
    map.set(key, msg);
  }

  #remove<V>(msg: ToDataplane, map: Map<string, V>, key: string): void {
    this.#checkEndpointTiming(msg);
    const subject = describe(msg);
    if (!map.has(key)) fail(msg, "it is not present");
    const referrers = this.#referrers.get(subject);
    if (referrers !== undefined) {
      const first = [...referrers].sort()[0];
      fail(msg, `it is still referenced by ${first}`);
    }
    this.#unlink(subject);
    map.delete(key);
  }

  #unlink(referrer: string): void {
    for (const r of this.#referents.get(referrer) ?? []) {
      deleteFromSet(this.#referrers, r, referrer);
    }
    this.#referents.delete(referrer);
  }

  #checkEndpointTiming(msg: ToDataplane): void {
    if (ENDPOINT_TYPES.has(msg.type) && !this.#endpointsAllowed) {
      fail(msg, "endpoints must wait for the flush that ends with InSync");
    }
  }

  /** What a policy, profile or endpoint names, with whether each is present. */
  #refsOf(
    msg: ActivePolicyUpdate | ActiveProfileUpdate | WorkloadEndpointUpdate | HostEndpointUpdate,
  ): Ref[] {
    switch (msg.type) {
      case "ActivePolicyUpdate":
        return [
          ...this.#ruleRefs(msg.policy.inboundRules, "policy.inboundRules"),
          ...this.#ruleRefs(msg.policy.outboundRules, "policy.outboundRules"),
        ];
      case "ActiveProfileUpdate":
        return [
          ...this.#ruleRefs(msg.inboundRules, "inboundRules"),
          ...this.#ruleRefs(msg.outboundRules, "outboundRules"),
        ];
      case "WorkloadEndpointUpdate":
        return [
          ...this.#profileRefs(msg.endpoint.profileIds),
          ...this.#tierRefs(msg.endpoint.tiers, "tiers"),
        ];
      case "HostEndpointUpdate":
        return [
          ...this.#profileRefs(msg.endpoint.profileIds),
          ...HEP_TIER_FIELDS.flatMap((f) => this.#tierRefs(msg.endpoint[f], f)),
        ];
    }
  }

  #ruleRefs(rules: readonly Rule[], path: string): Ref[] {
    const refs: Ref[] = [];
    rules.forEach((rule, i) => {
      for (const field of RULE_SET_FIELDS) {
        rule[field].forEach((id, j) => {
          const referent = `IP set "${id}"`;
          refs.push({
            referent,
            present: this.#ipSets.has(id),
            path: `${path}[${i}].${field}[${j}]`,
          });
        });
      }
    });
    return refs;
  }

  #profileRefs(profileIds: readonly string[]): Ref[] {
    return profileIds.map((id, i) => ({
      referent: `profile "${id}"`,
      present: this.#profiles.has(id),
      path: `endpoint.profileIds[${i}]`,
    }));
  }

  #tierRefs(tiers: readonly TierInfo[], field: string): Ref[] {
    const refs: Ref[] = [];
    tiers.forEach((tier, i) => {
      for (const dir of ["ingressPolicies", "egressPolicies"] as const) {
        tier[dir].forEach((id, j) => {
          const idString = policyIdString(id);
          refs.push({
            referent: `policy "${idString}"`,
            present: this.#policies.has(idString),
            path: `endpoint.${field}[${i}].${dir}[${j}]`,
          });
        });
      }
    });
    return refs;
  }

  /** The state as plain data, with every record's keys sorted. */
  snapshot(): DataplaneSnapshot {
    return {
      ipSets: sortedRecord(this.#ipSets, (s) => ({ type: s.type, members: [...s.members].sort() })),
      policies: sortedRecord(this.#policies, (m) => m.policy),
      profiles: sortedRecord(this.#profiles, (m) => ({
        inboundRules: m.inboundRules,
        outboundRules: m.outboundRules,
      })),
      workloadEndpoints: sortedRecord(this.#weps, (m) => m.endpoint),
      hostEndpoints: sortedRecord(this.#heps, (m) => m.endpoint),
      routes: sortedRecord(this.#routes, (m) => m),
      vteps: sortedRecord(this.#vteps, (m) => m),
      ipPools: sortedRecord(this.#pools, (m) => m.pool),
      hostMetadata: sortedRecord(this.#hosts, (m) => m),
      encapsulation: this.#encapsulation,
      namespaces: sortedRecord(this.#namespaces, (m) => m.labels),
      serviceAccounts: sortedRecord(this.#serviceAccounts, (m) => m.labels),
      config: this.#config,
      inSync: this.#inSync,
    };
  }
}

function saKey(msg: { readonly namespace: string; readonly name: string }): string {
  return serviceAccountIdString(msg.namespace, msg.name);
}
