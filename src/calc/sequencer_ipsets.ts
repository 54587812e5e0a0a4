/**
 * The event sequencer's IP-set buffer: which sets the dataplane has, which are to be sent whole,
 * which get member deltas, and which are to be removed.
 *
 * @module
 */
import type { IPSetDeltaUpdate, IPSetRemove, IPSetType, IPSetUpdate } from "../proto/messages.ts";
import { compareStrings } from "../lib/order.ts";

/** A set to be sent whole: its type and every member it has now. */
interface NewSet {
  readonly type: IPSetType;
  readonly members: Set<string>;
}

/** Member changes to a set the dataplane already has. */
interface Delta {
  readonly added: Set<string>;
  readonly removed: Set<string>;
}

/** What one flush sends for IP sets, each list sorted by set id. */
export interface IPSetFlush {
  readonly updates: readonly IPSetUpdate[];
  readonly deltas: readonly IPSetDeltaUpdate[];
  readonly removes: readonly IPSetRemove[];
}

/**
 * Coalesces IP-set events between flushes (`reference/selectors-policy.md` §5.1).
 *
 * A set is _active_ from `added` until `removed`. Adding an active set, or a member event for a
 * set that was never added, is a caller bug and throws a `TypeError`. Member events for a sent set
 * that is pending removal are dropped: the set is going away.
 */
export class IPSetBuffer {
  /** Sets the dataplane has, with their types. */
  readonly #sent = new Map<string, IPSetType>();
  /** Sets to send whole at the next flush (new, or removed and re-added since the last flush). */
  readonly #pendingAdds = new Map<string, NewSet>();
  /** Sent sets to remove at the next flush. */
  readonly #pendingRemoves = new Set<string>();
  /** Member changes to sent sets that are neither re-added nor pending removal. */
  readonly #deltas = new Map<string, Delta>();

  /** Whether the set is active: pending add, or sent and not pending removal. */
  isActive(id: string): boolean {
    return this.#pendingAdds.has(id) || (this.#sent.has(id) && !this.#pendingRemoves.has(id));
  }

  /** Whether anything is waiting for the next flush. */
  get dirty(): boolean {
    return this.#pendingAdds.size > 0 || this.#pendingRemoves.size > 0 || this.#deltas.size > 0;
  }

  /** A set became active. It starts empty: pending member changes are discarded. */
  added(id: string, type: IPSetType): void {
    if (this.isActive(id)) {
      throw new TypeError(`Cannot add IP set "${id}": it is already active`);
    }
    this.#pendingRemoves.delete(id);
    this.#deltas.delete(id);
    this.#pendingAdds.set(id, { type, members: new Set() });
  }

  /** A set became inactive. Removing a set that is not active does nothing. */
  removed(id: string): void {
    this.#pendingAdds.delete(id);
    this.#deltas.delete(id);
    if (this.#sent.has(id)) this.#pendingRemoves.add(id);
  }

  memberAdded(id: string, member: string): void {
    const fresh = this.#pendingAdds.get(id);
    if (fresh !== undefined) {
      fresh.members.add(member);
      return;
    }
    const delta = this.#deltaOf(id, "add", member);
    if (delta === undefined) return;
    if (!delta.removed.delete(member)) delta.added.add(member);
    this.#dropIfEmpty(id, delta);
  }

  memberRemoved(id: string, member: string): void {
    const fresh = this.#pendingAdds.get(id);
    if (fresh !== undefined) {
      fresh.members.delete(member);
      return;
    }
    const delta = this.#deltaOf(id, "remove", member);
    if (delta === undefined) return;
    if (!delta.added.delete(member)) delta.removed.add(member);
    this.#dropIfEmpty(id, delta);
  }

  /** Hands out everything pending and records it as sent. */
  drain(): IPSetFlush {
    const updates: IPSetUpdate[] = [];
    for (const id of [...this.#pendingAdds.keys()].sort(compareStrings)) {
      const set = this.#pendingAdds.get(id);
      if (set === undefined) continue;
      const members = [...set.members].sort(compareStrings);
      updates.push({ type: "IPSetUpdate", id, ipSetType: set.type, members });
      this.#sent.set(id, set.type);
    }
    const deltas: IPSetDeltaUpdate[] = [];
    for (const id of [...this.#deltas.keys()].sort(compareStrings)) {
      const delta = this.#deltas.get(id);
      if (delta === undefined) continue;
      const addedMembers = [...delta.added].sort(compareStrings);
      const removedMembers = [...delta.removed].sort(compareStrings);
      deltas.push({ type: "IPSetDeltaUpdate", id, addedMembers, removedMembers });
    }
    const removes: IPSetRemove[] = [];
    for (const id of [...this.#pendingRemoves].sort(compareStrings)) {
      removes.push({ type: "IPSetRemove", id });
      this.#sent.delete(id);
    }
    this.#pendingAdds.clear();
    this.#deltas.clear();
    this.#pendingRemoves.clear();
    return { updates, deltas, removes };
  }

  /** The delta to record a member event in, or `undefined` when the event is to be dropped. */
  #deltaOf(id: string, verb: "add" | "remove", member: string): Delta | undefined {
    if (!this.#sent.has(id)) {
      const prep = verb === "add" ? "to" : "from";
      throw new TypeError(
        `Cannot ${verb} member "${member}" ${prep} IP set "${id}": the set was never added`,
      );
    }
    if (this.#pendingRemoves.has(id)) return undefined;
    let delta = this.#deltas.get(id);
    if (delta === undefined) this.#deltas.set(id, delta = { added: new Set(), removed: new Set() });
    return delta;
  }

  #dropIfEmpty(id: string, delta: Delta): void {
    if (delta.added.size === 0 && delta.removed.size === 0) this.#deltas.delete(id);
  }
}
