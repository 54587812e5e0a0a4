/**
 * The calculation graph, wired: updates from a syncer go through the validation filter and the
 * dispatcher to the nodes; every node reports to the event sequencer; `flush()` returns the
 * ordered messages for the dataplane. Synchronous and pure.
 *
 * @module
 */
import type { Log } from "../lib/log.ts";
import { NULL_LOG } from "../lib/log.ts";
import { isKV, type KVUpdate } from "../model/kv.ts";
import type { ToDataplane } from "../proto/messages.ts";
import { ActiveRulesCalculator } from "./active_rules_calculator.ts";
import { ConfigBatcher } from "./config_batcher.ts";
import { Dispatcher } from "./dispatcher.ts";
import { EncapsulationResolver } from "./encapsulation_resolver.ts";
import { EventSequencer } from "./event_sequencer.ts";
import { HostMetadataResolver } from "./host_metadata.ts";
import { IPSetMemberIndex } from "./ipset_member_index.ts";
import { L3RouteResolver } from "./l3_route_resolver.ts";
import { PolicyResolver } from "./policy_resolver.ts";
import { ProfileDecoder } from "./profile_decoder.ts";
import { RuleScanner } from "./rule_scanner.ts";
import { validateUpdate } from "./validation_filter.ts";
import { VXLANResolver } from "./vxlan_resolver.ts";
import { endpointMemberData, networkSetMemberData } from "./member_data.ts";
import { keyPath } from "../model/keys.ts";

/** Options for `CalcGraph`. */
export interface CalcGraphOptions {
  /** This node's name (FelixHostname). */
  readonly hostname: string;
  readonly log?: Log;
  /** Felix's `RouteSource`. */
  readonly routeSource?: "CalicoIPAM" | "WorkloadIPs";
}

/** Counters for observability. */
export interface CalcGraphStats {
  readonly updatesProcessed: number;
  readonly updatesRejected: number;
  readonly messagesEmitted: number;
}

/** The calc graph: feed it updates, tell it about in-sync, flush to get dataplane messages. */
export class CalcGraph {
  readonly #log: Log;
  readonly #dispatcher: Dispatcher;
  readonly #sequencer = new EventSequencer();
  readonly #config: ConfigBatcher;
  readonly #resolver: PolicyResolver;
  readonly #encap: EncapsulationResolver;
  readonly #routes: L3RouteResolver;
  #inSync = false;
  #processed = 0;
  #rejected = 0;
  #emitted = 0;

  constructor(options: CalcGraphOptions) {
    const hostname = options.hostname;
    const sink = this.#sequencer;
    this.#log = options.log ?? NULL_LOG;
    this.#dispatcher = new Dispatcher({ hostname });
    this.#config = new ConfigBatcher({ hostname, sink });
    this.#resolver = new PolicyResolver({ sink });
    const members = new IPSetMemberIndex({ sink });
    const scanner = new RuleScanner({ sink, ipSets: members });
    const arc = new ActiveRulesCalculator({ ruleScanner: scanner, matchListener: this.#resolver });
    const decoder = new ProfileDecoder({ sink });
    this.#encap = new EncapsulationResolver({ sink });
    this.#routes = new L3RouteResolver({
      hostname,
      sink,
      ...(options.routeSource === undefined ? {} : { routeSource: options.routeSource }),
    });
    const vxlan = new VXLANResolver({ hostname, sink });
    const hosts = new HostMetadataResolver({ sink });
    this.#wire({ arc, members, decoder, vxlan, hosts });
  }

  #wire(n: {
    arc: ActiveRulesCalculator;
    members: IPSetMemberIndex;
    decoder: ProfileDecoder;
    vxlan: VXLANResolver;
    hosts: HostMetadataResolver;
  }): void {
    const d = this.#dispatcher;
    const resolver = this.#resolver;
    d.register(["GlobalConfig", "HostConfig", "ReadyFlag"], (u) => this.#config.onUpdate(u));
    // Members first: an IP set activated by a policy below must already see every endpoint.
    d.register(["WorkloadEndpoint", "HostEndpoint"], (u) => {
      n.members.updateEndpoint(keyPath(u.key), endpointMemberData(u));
    });
    d.register(["NetworkSet"], (u) => {
      n.members.updateNetworkSet(keyPath(u.key), networkSetMemberData(u));
    });
    d.registerLocalEndpoints((u) => {
      const id = keyPath(u.key);
      if (isKV(u, "WorkloadEndpoint")) {
        resolver.updateWorkloadEndpoint(u.key, u.value ?? undefined);
        n.arc.updateLocalEndpoint(id, u.value ?? undefined);
      } else if (isKV(u, "HostEndpoint")) {
        resolver.updateHostEndpoint(u.key, u.value ?? undefined);
        n.arc.updateLocalEndpoint(id, u.value ?? undefined);
      }
    });
    d.register(["ProfileLabels"], (u) => {
      if (!isKV(u, "ProfileLabels")) return;
      const labels = u.value ?? undefined;
      n.members.updateProfileLabels(u.key.name, labels);
      n.arc.updateProfileLabels(u.key.name, labels);
      n.decoder.updateProfileLabels(u.key.name, labels);
    });
    d.register(["ProfileRules"], (u) => {
      if (isKV(u, "ProfileRules")) n.arc.updateProfileRules(u.key.name, u.value ?? undefined);
    });
    d.register(["Policy"], (u) => {
      if (!isKV(u, "Policy")) return;
      resolver.updatePolicy(u.key, u.value ?? undefined);
      n.arc.updatePolicy(u.key, u.value ?? undefined);
    });
    d.register(["Tier"], (u) => {
      if (isKV(u, "Tier")) resolver.updateTier(u.key.name, u.value ?? undefined);
    });
    const routing = ["IPPool", "Block", "Resource", "HostConfig", "WorkloadEndpoint"] as const;
    d.register(routing, (u) => this.#routes.onUpdate(u));
    d.register(["Resource", "HostConfig"], (u) => n.vxlan.onUpdate(u));
    d.register(["IPPool"], (u) => this.#encap.onUpdate(u));
    d.register(["IPPool", "Resource"], (u) => n.hosts.onUpdate(u));
  }

  /** The datastore reached in-sync (the first time, or again after a resync). */
  onInSync(): void {
    if (this.#inSync) return;
    this.#inSync = true;
    this.#sequencer.onDatastoreInSync();
  }

  /** Whether the graph has been told the datastore is in sync. */
  get inSync(): boolean {
    return this.#inSync;
  }

  /** Process a batch of updates. Invalid values are logged and treated as deletions. */
  onUpdates(updates: readonly KVUpdate[]): void {
    for (const raw of updates) {
      this.#processed++;
      const checked = validateUpdate(raw);
      if (checked.problem !== undefined) {
        this.#rejected++;
        this.#log.warn("Ignoring invalid value; treating it as deleted", {
          key: keyPath(raw.key),
          reason: checked.problem,
        });
      }
      this.#dispatcher.dispatch(checked.update);
    }
  }

  /** Flush every node, then the sequencer: the ordered messages for the dataplane. */
  flush(): readonly ToDataplane[] {
    this.#config.flush(this.#inSync);
    this.#resolver.flush(this.#inSync);
    this.#encap.flush(this.#inSync);
    const out = this.#sequencer.flush();
    this.#emitted += out.length;
    return out;
  }

  /** Counters since construction. */
  stats(): CalcGraphStats {
    return {
      updatesProcessed: this.#processed,
      updatesRejected: this.#rejected,
      messagesEmitted: this.#emitted,
    };
  }
}
