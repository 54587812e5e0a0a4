/**
 * The IP-set member index (upstream's SelectorAndNamedPortIndex): for every active selector or
 * named-port IP set, which members it holds, computed from all endpoints and network sets in the
 * cluster (with profile-label inheritance), and reported to the sink as member deltas.
 *
 * Matching is delegated to a `LabelIndex` whose selectors are the active sets' distinct
 * selectors (sets sharing a selector share one entry) and whose items are the endpoints and
 * network sets. Members are reference counted per set: a member is reported added when its first
 * contributor appears and removed when its last one goes.
 *
 * @module
 */
import type { Labels } from "../model/values.ts";
import { parseSelector, type Selector } from "../selector/mod.ts";
import type { CalcSink, IPSetData, IPSetMemberInput } from "./sinks.ts";
import { LabelIndex } from "./label_index.ts";
import type { EndpointMemberData, NetworkSetMemberData } from "./member_data.ts";
import { isSelectorBasedIPSetId } from "./ip_set_ids.ts";
import {
  contribution,
  endpointSource,
  type MemberSource,
  networkSetSource,
} from "./ipset_contribution.ts";
import { deepEqual } from "../lib/deep_equal.ts";
import { addToSet, deleteFromSet } from "../lib/multidict.ts";

export interface IPSetMemberIndexOptions {
  readonly sink: CalcSink;
}

interface ActiveSet {
  readonly data: IPSetData;
  /** The selector's unique id, or undefined for a set this index never fills. */
  readonly selectorId: string | undefined;
  /** Member -> number of contributions (contributors, or repeats within one). */
  readonly members: Map<string, number>;
}

export class IPSetMemberIndex implements IPSetMemberInput {
  readonly #sink: CalcSink;
  readonly #index: LabelIndex;
  readonly #sets = new Map<string, ActiveSet>();
  /** Selector unique id -> ids of the active sets using it. */
  readonly #setsBySelector = new Map<string, Set<string>>();
  /** Item id (prefixed by kind) -> what it contributes. */
  readonly #items = new Map<string, MemberSource>();
  /** While true, match callbacks are ignored: the caller applies the contributions itself. */
  #muted = false;

  constructor(options: IPSetMemberIndexOptions) {
    this.#sink = options.sink;
    this.#index = new LabelIndex({
      onMatchStarted: (selectorId, itemId) => this.#onMatch(selectorId, itemId, true),
      onMatchStopped: (selectorId, itemId) => this.#onMatch(selectorId, itemId, false),
    });
  }

  onIPSetActive(ipSet: IPSetData): void {
    const existing = this.#sets.get(ipSet.id);
    if (existing !== undefined) {
      if (deepEqual(existing.data, ipSet)) return;
      // Ids are content hashes, so this cannot happen in practice; handle it as a replacement.
      for (const member of existing.members.keys()) {
        this.#sink.onIPSetMemberRemoved(ipSet.id, member);
      }
      this.onIPSetInactive(ipSet.id);
    }
    const selector = isSelectorBasedIPSetId(ipSet.id) ? tryParse(ipSet.selector) : undefined;
    const selectorId = selector?.uniqueId();
    const set: ActiveSet = { data: ipSet, selectorId, members: new Map() };
    this.#sets.set(ipSet.id, set);
    if (selector === undefined || selectorId === undefined) return;
    const known = this.#setsBySelector.has(selectorId);
    addToSet(this.#setsBySelector, selectorId, ipSet.id);
    if (!known) {
      this.#index.updateSelector(selectorId, selector);
      return;
    }
    for (const itemId of this.#index.matchesOfSelector(selectorId)) {
      const source = this.#items.get(itemId);
      if (source !== undefined) this.#add(set, contribution(source, set.data));
    }
  }

  /** Forgets a set and its members without reporting them (the sink discards them with it). */
  onIPSetInactive(id: string): void {
    const set = this.#sets.get(id);
    if (set === undefined) return;
    this.#sets.delete(id);
    if (set.selectorId === undefined) return;
    deleteFromSet(this.#setsBySelector, set.selectorId, id);
    if (!this.#setsBySelector.has(set.selectorId)) this.#index.deleteSelector(set.selectorId);
  }

  /** Adds, changes or (with `undefined`) removes a workload or host endpoint. */
  updateEndpoint(id: string, data: EndpointMemberData | undefined): void {
    const source = data && endpointSource([...data.ipv4Nets, ...data.ipv6Nets], data.ports);
    this.#updateItem(`endpoint:${id}`, data, source);
  }

  /** Adds, changes or (with `undefined`) removes a network set. */
  updateNetworkSet(id: string, data: NetworkSetMemberData | undefined): void {
    this.#updateItem(`netset:${id}`, data, data && networkSetSource(data.nets));
  }

  /** Sets or (with `undefined`) forgets a profile's labels, which its children inherit. */
  updateProfileLabels(name: string, labels: Labels | undefined): void {
    if (labels === undefined) this.#index.deleteParentLabels(name);
    else this.#index.updateParentLabels(name, labels);
  }

  /** The current members of a set (a fresh set; empty for an unknown id). */
  members(id: string): Set<string> {
    return new Set(this.#sets.get(id)?.members.keys());
  }

  #updateItem(
    itemId: string,
    data: { readonly labels: Labels; readonly profileIds: readonly string[] } | undefined,
    source: MemberSource | undefined,
  ): void {
    const old = this.#items.get(itemId);
    if (data === undefined || source === undefined) {
      this.#index.deleteItem(itemId); // Stops are reported while the old source is still known.
      this.#items.delete(itemId);
      return;
    }
    if (old !== undefined && deepEqual(old, source)) {
      // Same contributions: only label/parent changes matter, and the callbacks handle them.
      this.#items.set(itemId, source);
      this.#index.updateItem(itemId, data.labels, data.profileIds);
      return;
    }
    const oldMatches = old === undefined ? new Set<string>() : this.#index.matchesOfItem(itemId);
    this.#items.set(itemId, source);
    this.#muted = true;
    try {
      this.#index.updateItem(itemId, data.labels, data.profileIds);
    } finally {
      this.#muted = false;
    }
    // Add the new contributions before removing the old, so unchanged members never blink.
    this.#forEachSet(this.#index.matchesOfItem(itemId), (set) => {
      this.#add(set, contribution(source, set.data));
    });
    if (old === undefined) return;
    this.#forEachSet(oldMatches, (set) => this.#remove(set, contribution(old, set.data)));
  }

  #onMatch(selectorId: string, itemId: string, started: boolean): void {
    if (this.#muted) return;
    const source = this.#items.get(itemId);
    if (source === undefined) return;
    this.#forEachSet([selectorId], (set) => {
      const members = contribution(source, set.data);
      if (started) this.#add(set, members);
      else this.#remove(set, members);
    });
  }

  #forEachSet(selectorIds: Iterable<string>, visit: (set: ActiveSet) => void): void {
    for (const selectorId of selectorIds) {
      for (const setId of this.#setsBySelector.get(selectorId) ?? []) {
        const set = this.#sets.get(setId);
        if (set !== undefined) visit(set);
      }
    }
  }

  #add(set: ActiveSet, members: readonly string[]): void {
    for (const member of members) {
      const count = set.members.get(member) ?? 0;
      set.members.set(member, count + 1);
      if (count === 0) this.#sink.onIPSetMemberAdded(set.data.id, member);
    }
  }

  #remove(set: ActiveSet, members: readonly string[]): void {
    for (const member of members) {
      const count = set.members.get(member);
      if (count === undefined) continue;
      if (count > 1) {
        set.members.set(member, count - 1);
        continue;
      }
      set.members.delete(member);
      this.#sink.onIPSetMemberRemoved(set.data.id, member);
    }
  }
}

function tryParse(text: string): Selector | undefined {
  try {
    return parseSelector(text);
  } catch {
    return undefined;
  }
}
