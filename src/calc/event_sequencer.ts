/**
 * The event sequencer: the calc graph's single sink. It buffers what the graph's nodes report,
 * coalesces it per object, and on `flush()` hands out the messages for the dataplane in the
 * dependency-safe order that `DESIGN.md` ("Event sequencer") states as a contract.
 *
 * @module
 */
import type { CalcSink } from "./sinks.ts";
import type {
  ActivePolicyRemove,
  ActivePolicyUpdate,
  ActiveProfileRemove,
  ActiveProfileUpdate,
  ConfigUpdate,
  EncapsulationUpdate,
  HostEndpoint,
  HostEndpointRemove,
  HostEndpointUpdate,
  HostMetadataRemove,
  HostMetadataUpdate,
  IPAMPoolRemove,
  IPAMPoolUpdate,
  IPSetType,
  NamespaceRemove,
  NamespaceUpdate,
  Policy,
  PolicyID,
  RouteRemove,
  RouteUpdate,
  ServiceAccountRemove,
  ServiceAccountUpdate,
  ToDataplane,
  VXLANTunnelEndpointRemove,
  VXLANTunnelEndpointUpdate,
  WorkloadEndpoint,
  WorkloadEndpointID,
  WorkloadEndpointRemove,
  WorkloadEndpointUpdate,
} from "../proto/messages.ts";
import { policyIdString, workloadEndpointIdString } from "../proto/messages.ts";
import type { Rule } from "../proto/rule.ts";
import { IPSetBuffer } from "./sequencer_ipsets.ts";
import { type Drained, PendingMap } from "./sequencer_pending.ts";

/** A service account id as one string: `namespace/name`. */
export function serviceAccountIdString(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The key of the single-valued categories (config, encapsulation). */
const ONLY = "";

/**
 * Buffers `CalcSink` events and emits them, coalesced and ordered, from `flush()`.
 *
 * Endpoint updates and removes are held (still coalesced) until the first flush after
 * `onDatastoreInSync()`, so the dataplane never sees an endpoint computed from a partial
 * snapshot. That flush ends with the one `InSync` message.
 */
export class EventSequencer implements CalcSink {
  readonly #ipSets = new IPSetBuffer();
  readonly #config = new PendingMap<ConfigUpdate, never>();
  readonly #policies = new PendingMap<ActivePolicyUpdate, ActivePolicyRemove>();
  readonly #profiles = new PendingMap<ActiveProfileUpdate, ActiveProfileRemove>();
  readonly #weps = new PendingMap<WorkloadEndpointUpdate, WorkloadEndpointRemove>();
  readonly #heps = new PendingMap<HostEndpointUpdate, HostEndpointRemove>();
  readonly #serviceAccounts = new PendingMap<ServiceAccountUpdate, ServiceAccountRemove>();
  readonly #namespaces = new PendingMap<NamespaceUpdate, NamespaceRemove>();
  readonly #routes = new PendingMap<RouteUpdate, RouteRemove>();
  readonly #vteps = new PendingMap<VXLANTunnelEndpointUpdate, VXLANTunnelEndpointRemove>();
  readonly #hosts = new PendingMap<HostMetadataUpdate, HostMetadataRemove>();
  readonly #pools = new PendingMap<IPAMPoolUpdate, IPAMPoolRemove>();
  readonly #encapsulation = new PendingMap<EncapsulationUpdate, never>();
  #datastoreInSync = false;
  #sentInSync = false;

  /** The datastore reached in-sync: the next flush releases endpoints and ends with `InSync`. */
  onDatastoreInSync(): void {
    this.#datastoreInSync = true;
  }

  /** Whether `InSync` has been emitted. */
  get sentInSync(): boolean {
    return this.#sentInSync;
  }

  /** Whether the next flush would emit anything. */
  get dirty(): boolean {
    if (this.#datastoreInSync) {
      if (!this.#sentInSync || this.#weps.dirty || this.#heps.dirty) return true;
    }
    const others = [
      this.#config,
      this.#policies,
      this.#profiles,
      this.#serviceAccounts,
      this.#namespaces,
      this.#routes,
      this.#vteps,
      this.#hosts,
      this.#pools,
      this.#encapsulation,
    ];
    return this.#ipSets.dirty || others.some((p) => p.dirty);
  }

  onIPSetAdded(id: string, type: IPSetType): void {
    this.#ipSets.added(id, type);
  }

  onIPSetRemoved(id: string): void {
    this.#ipSets.removed(id);
  }

  onIPSetMemberAdded(id: string, member: string): void {
    this.#ipSets.memberAdded(id, member);
  }

  onIPSetMemberRemoved(id: string, member: string): void {
    this.#ipSets.memberRemoved(id, member);
  }

  onPolicyActive(id: PolicyID, policy: Policy): void {
    this.#policies.upsert(policyIdString(id), { type: "ActivePolicyUpdate", id, policy });
  }

  onPolicyInactive(id: PolicyID): void {
    this.#policies.remove(policyIdString(id), { type: "ActivePolicyRemove", id });
  }

  onProfileActive(id: string, inboundRules: readonly Rule[], outboundRules: readonly Rule[]): void {
    this.#profiles.upsert(id, { type: "ActiveProfileUpdate", id, inboundRules, outboundRules });
  }

  onProfileInactive(id: string): void {
    this.#profiles.remove(id, { type: "ActiveProfileRemove", id });
  }

  onWorkloadEndpointUpdate(id: WorkloadEndpointID, endpoint: WorkloadEndpoint): void {
    const key = workloadEndpointIdString(id);
    this.#weps.upsert(key, { type: "WorkloadEndpointUpdate", id, endpoint });
  }

  onWorkloadEndpointRemove(id: WorkloadEndpointID): void {
    this.#weps.remove(workloadEndpointIdString(id), { type: "WorkloadEndpointRemove", id });
  }

  onHostEndpointUpdate(id: string, endpoint: HostEndpoint): void {
    this.#heps.upsert(id, { type: "HostEndpointUpdate", id, endpoint });
  }

  onHostEndpointRemove(id: string): void {
    this.#heps.remove(id, { type: "HostEndpointRemove", id });
  }

  onRouteUpdate(route: RouteUpdate): void {
    this.#routes.upsert(route.dst, route);
  }

  onRouteRemove(dst: string): void {
    this.#routes.remove(dst, { type: "RouteRemove", dst });
  }

  onVTEPUpdate(vtep: VXLANTunnelEndpointUpdate): void {
    this.#vteps.upsert(vtep.node, vtep);
  }

  onVTEPRemove(node: string): void {
    this.#vteps.remove(node, { type: "VXLANTunnelEndpointRemove", node });
  }

  onIPPoolUpdate(pool: IPAMPoolUpdate): void {
    this.#pools.upsert(pool.id, pool);
  }

  onIPPoolRemove(id: string): void {
    this.#pools.remove(id, { type: "IPAMPoolRemove", id });
  }

  onHostMetadataUpdate(host: HostMetadataUpdate): void {
    this.#hosts.upsert(host.hostname, host);
  }

  onHostMetadataRemove(hostname: string): void {
    this.#hosts.remove(hostname, { type: "HostMetadataRemove", hostname });
  }

  onEncapsulationUpdate(encap: EncapsulationUpdate): void {
    this.#encapsulation.upsert(ONLY, encap);
  }

  onNamespaceUpdate(name: string, labels: Readonly<Record<string, string>>): void {
    this.#namespaces.upsert(name, { type: "NamespaceUpdate", name, labels });
  }

  onNamespaceRemove(name: string): void {
    this.#namespaces.remove(name, { type: "NamespaceRemove", name });
  }

  onServiceAccountUpdate(
    namespace: string,
    name: string,
    labels: Readonly<Record<string, string>>,
  ): void {
    const key = serviceAccountIdString(namespace, name);
    this.#serviceAccounts.upsert(key, { type: "ServiceAccountUpdate", namespace, name, labels });
  }

  onServiceAccountRemove(namespace: string, name: string): void {
    const key = serviceAccountIdString(namespace, name);
    this.#serviceAccounts.remove(key, { type: "ServiceAccountRemove", namespace, name });
  }

  onConfigUpdate(
    config: Readonly<Record<string, string>>,
    sourceToRawConfig: Readonly<Record<string, Readonly<Record<string, string>>>>,
  ): void {
    this.#config.upsert(ONLY, { type: "ConfigUpdate", config, sourceToRawConfig });
  }

  /**
   * Everything pending since the last flush, in the contract order of `DESIGN.md`: config;
   * additions (new IP sets, IP-set deltas, policies, profiles, endpoints); removals in reverse
   * (endpoints, profiles, policies, IP sets); service accounts; namespaces; routes and VTEPs;
   * host metadata, IP pools, encapsulation; and `InSync` once, at the end of the first flush
   * after `onDatastoreInSync()`. Within a category, messages are sorted by object id.
   */
  flush(): readonly ToDataplane[] {
    const out: ToDataplane[] = [];
    const ipSets = this.#ipSets.drain();
    const policies = this.#policies.drain();
    const profiles = this.#profiles.drain();
    const weps = this.#drainEndpoints(this.#weps);
    const heps = this.#drainEndpoints(this.#heps);
    append(out, this.#config.drain().updates);
    append(out, ipSets.updates, ipSets.deltas, policies.updates, profiles.updates);
    append(out, weps.updates, heps.updates, weps.removes, heps.removes);
    append(out, profiles.removes, policies.removes, ipSets.removes);
    appendRemovesThenUpdates(out, this.#serviceAccounts.drain());
    appendRemovesThenUpdates(out, this.#namespaces.drain());
    const routes = this.#routes.drain();
    const vteps = this.#vteps.drain();
    append(out, routes.removes, vteps.removes, vteps.updates, routes.updates);
    appendRemovesThenUpdates(out, this.#hosts.drain());
    appendRemovesThenUpdates(out, this.#pools.drain());
    append(out, this.#encapsulation.drain().updates);
    if (this.#datastoreInSync && !this.#sentInSync) {
      out.push({ type: "InSync" });
      this.#sentInSync = true;
    }
    return out;
  }

  #drainEndpoints<U, R>(pending: PendingMap<U, R>): Drained<U, R> {
    return this.#datastoreInSync ? pending.drain() : { removes: [], updates: [] };
  }
}

/** Appends each list in turn (a loop, not `push(...xs)`, which overflows the stack on big lists). */
function append(out: ToDataplane[], ...lists: readonly (readonly ToDataplane[])[]): void {
  for (const list of lists) {
    for (const msg of list) out.push(msg);
  }
}

function appendRemovesThenUpdates(
  out: ToDataplane[],
  drained: Drained<ToDataplane, ToDataplane>,
): void {
  append(out, drained.removes, drained.updates);
}
