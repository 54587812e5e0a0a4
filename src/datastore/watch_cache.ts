/**
 * The bookkeeping shared by the list/watch syncers (etcd v3, Kubernetes): every stored object by
 * its source (an etcd key, a Kubernetes `<resource>/<ns>/<name>`), converted once per revision,
 * and the internal-model state they produce, kept up to date incrementally so that a watch event
 * costs only the keys it touches.
 *
 * `apply` takes watch events, `replace` a complete (re)list; both return only the differences to
 * the state already output: a relist synthesises deletions only for keys that vanished, and a
 * key whose value is deep-equal to the one output is not output again.
 *
 * The state is a pure function of the stored objects, whatever the order of events: duplicates
 * and key collisions are resolved as `desired_state.ts` resolves them for files in source order
 * (sources compare as strings; built-ins come first and give way to a stored object of the same
 * identity).
 *
 * @module
 */
import { deepEqual } from "../lib/deep_equal.ts";
import type { KVUpdate } from "../model/kv.ts";
import { keyPath } from "../model/keys.ts";
import { BUILT_IN_DOCUMENTS } from "./built_ins.ts";
import type { DocumentConverter } from "./document_converter.ts";
import {
  CONFLICT_RESOLVED_KINDS,
  describeOwner,
  identityKey,
  identityOf,
  problemOf,
  type ResourceIdentity,
} from "./resource_identity.ts";
import type { ParseError } from "./syncer.ts";

/** How reading a stored value went: the raw document, or why there is none. */
export type ReadResult =
  | { readonly ok: true; readonly doc: unknown }
  | { readonly ok: false; readonly message: string };

/** One stored object, as a list or a watch event delivers it. */
export interface CacheItem {
  /** Unique and stable: the etcd key, or `<resource>/<namespace>/<name>`. */
  readonly source: string;
  /**
   * The datastore revision of the object. An item whose revision equals the cached one is not
   * read or converted again ("" = always convert).
   */
  readonly revision: string;
  /** Reads the raw document (called at most once, only when the revision is new). */
  readonly read: () => ReadResult;
}

/** A watch event. */
export type CacheChange =
  | { readonly type: "put"; readonly item: CacheItem }
  | { readonly type: "delete"; readonly source: string };

/** What an `apply` or `replace` changed. */
export interface CacheResult {
  /** The differences to output, deletions first; at most one update per key. */
  readonly updates: readonly KVUpdate[];
  /** Objects that could not be used (now absent), and collisions; `source` = the item's. */
  readonly problems: readonly ParseError[];
  /** Parts of used objects that were dropped. */
  readonly warnings: readonly ParseError[];
}

/** Options of a {@linkcode WatchCache}. */
export interface WatchCacheOptions {
  readonly convert: DocumentConverter;
  /** Raw documents present before anything is stored; default {@linkcode BUILT_IN_DOCUMENTS}. */
  readonly builtIns?: readonly unknown[];
}

interface Entry {
  readonly source: string;
  readonly revision: string;
  readonly builtIn: boolean;
  readonly identity: ResourceIdentity | undefined;
  /** Present keys only, by key path. */
  readonly updates: ReadonlyMap<string, KVUpdate>;
}

const BUILT_IN_PREFIX = "built-in ";

/** Source order: built-ins first, then by source string. */
function before(a: Entry, b: Entry): boolean {
  if (a.builtIn !== b.builtIn) return a.builtIn;
  return a.source < b.source;
}

/** Per-transaction record: each touched key path's output before the transaction. */
interface Txn {
  readonly before: Map<string, KVUpdate | undefined>;
  readonly problems: ParseError[];
  readonly warnings: ParseError[];
}

/** Stored objects by source and the state they produce; see the module doc. */
export class WatchCache {
  readonly #convert: DocumentConverter;
  readonly #entries = new Map<string, Entry>();
  readonly #byIdentity = new Map<string, Set<string>>();
  readonly #contrib = new Map<string, Map<string, KVUpdate>>();
  readonly #out = new Map<string, KVUpdate>();
  readonly #conflicts = new Map<string, string>();
  #builtInDocs: readonly unknown[];
  #txn: Txn | undefined;

  constructor(opts: WatchCacheOptions) {
    this.#convert = opts.convert;
    this.#builtInDocs = opts.builtIns ?? BUILT_IN_DOCUMENTS;
  }

  /** The state output so far, by key path. */
  get state(): ReadonlyMap<string, KVUpdate> {
    return this.#out;
  }

  /** The number of stored objects held (built-ins excluded). */
  get size(): number {
    let n = 0;
    for (const e of this.#entries.values()) if (!e.builtIn) n++;
    return n;
  }

  /** Apply watch events in order; returns the net differences. */
  apply(changes: readonly CacheChange[]): CacheResult {
    return this.#transaction(() => {
      for (const c of changes) {
        if (c.type === "put") this.#put(c.item);
        else this.#setEntry(c.source, undefined);
      }
    });
  }

  /**
   * Replace every stored object whose source starts with `scope` (default: all) by `items`, the
   * complete list: unchanged revisions are kept as they are, objects not listed are deleted.
   */
  replace(items: Iterable<CacheItem>, scope = ""): CacheResult {
    return this.#transaction(() => {
      const seen = new Set<string>();
      for (const item of items) {
        if (!item.source.startsWith(scope)) {
          throw new RangeError(
            `Cannot replace scope "${scope}" with item "${item.source}": it is outside the scope`,
          );
        }
        seen.add(item.source);
        this.#put(item);
      }
      for (const [source, e] of [...this.#entries]) {
        if (!e.builtIn && source.startsWith(scope) && !seen.has(source)) {
          this.#setEntry(source, undefined);
        }
      }
    });
  }

  #transaction(fn: () => void): CacheResult {
    const txn: Txn = { before: new Map(), problems: [], warnings: [] };
    this.#txn = txn;
    try {
      this.#loadBuiltIns();
      fn();
    } finally {
      this.#txn = undefined;
    }
    const deletions: KVUpdate[] = [];
    const sets: KVUpdate[] = [];
    for (const [path, old] of txn.before) {
      const now = this.#out.get(path);
      if (now === undefined) {
        if (old !== undefined) deletions.push({ ...old, value: null, revision: "" });
      } else if (old === undefined || !deepEqual(old.value, now.value)) {
        sets.push(now);
      }
    }
    return { updates: [...deletions, ...sets], problems: txn.problems, warnings: txn.warnings };
  }

  #loadBuiltIns(): void {
    const docs = this.#builtInDocs;
    this.#builtInDocs = [];
    docs.forEach((doc, i) => {
      const source = `${BUILT_IN_PREFIX}${i}`;
      this.#setEntry(source, this.#entryFor(source, "", true, { ok: true, doc }));
    });
  }

  #put(item: CacheItem): void {
    const old = this.#entries.get(item.source);
    if (old !== undefined && item.revision !== "" && old.revision === item.revision) return;
    const entry = this.#entryFor(item.source, item.revision, false, item.read());
    this.#setEntry(item.source, entry);
  }

  #entryFor(source: string, revision: string, builtIn: boolean, read: ReadResult): Entry {
    const txn = this.#txn!;
    const updates = new Map<string, KVUpdate>();
    if (!read.ok) {
      txn.problems.push({ source, message: read.message });
      return { source, revision, builtIn, identity: undefined, updates };
    }
    const identity = identityOf(read.doc);
    const entry: Entry = { source, revision, builtIn, identity, updates };
    const conv = this.#convert(read.doc);
    if (!conv.ok) {
      const { message, kind, namespace, name } = conv.error;
      txn.problems.push({
        source,
        message,
        ...(kind === undefined ? {} : { kind }),
        ...(namespace === undefined ? {} : { namespace }),
        ...(name === undefined ? {} : { name }),
      });
      return entry;
    }
    for (const u of conv.updates) {
      if (u.value !== null) updates.set(keyPath(u.key), u);
    }
    for (const w of conv.warnings) txn.warnings.push(problemOf(entry, w));
    return entry;
  }

  /** Replace (or remove, `next` undefined) the entry of `source`, then recompute its keys. */
  #setEntry(source: string, next: Entry | undefined): void {
    const old = this.#entries.get(source);
    const paths = new Set<string>();
    const groups = new Set<string>();
    if (old !== undefined) {
      this.#unlink(old, paths, groups);
      this.#entries.delete(source);
    }
    if (next !== undefined) {
      this.#entries.set(source, next);
      this.#link(next, paths, groups);
    }
    // Shadowing within an identity group may have changed: recompute every member's keys.
    for (const g of groups) {
      for (const member of this.#byIdentity.get(g) ?? []) {
        for (const p of this.#entries.get(member)?.updates.keys() ?? []) paths.add(p);
      }
    }
    for (const p of paths) this.#recompute(p);
  }

  #unlink(e: Entry, paths: Set<string>, groups: Set<string>): void {
    for (const p of e.updates.keys()) {
      const m = this.#contrib.get(p);
      m?.delete(e.source);
      if (m?.size === 0) this.#contrib.delete(p);
      paths.add(p);
    }
    if (e.identity === undefined) return;
    const g = identityKey(e.identity);
    const set = this.#byIdentity.get(g);
    set?.delete(e.source);
    if (set?.size === 0) this.#byIdentity.delete(g);
    groups.add(g);
  }

  #link(e: Entry, paths: Set<string>, groups: Set<string>): void {
    for (const [p, u] of e.updates) {
      let m = this.#contrib.get(p);
      if (m === undefined) this.#contrib.set(p, m = new Map());
      m.set(e.source, u);
      paths.add(p);
    }
    if (e.identity === undefined) return;
    const g = identityKey(e.identity);
    let set = this.#byIdentity.get(g);
    if (set === undefined) this.#byIdentity.set(g, set = new Set());
    set.add(e.source);
    groups.add(g);
  }

  /** Whether `e` is the latest entry of its identity (so the one in use). */
  #active(e: Entry): boolean {
    if (e.identity === undefined) return true;
    for (const other of this.#byIdentity.get(identityKey(e.identity)) ?? []) {
      const o = this.#entries.get(other);
      if (o !== undefined && o !== e && before(e, o)) return false;
    }
    return true;
  }

  #recompute(path: string): void {
    const candidates: Entry[] = [];
    for (const source of this.#contrib.get(path)?.keys() ?? []) {
      const e = this.#entries.get(source);
      if (e !== undefined && this.#active(e)) candidates.push(e);
    }
    candidates.sort((a, b) => before(a, b) ? -1 : 1);
    const winner = this.#winner(path, candidates);
    const txn = this.#txn!;
    if (!txn.before.has(path)) txn.before.set(path, this.#out.get(path));
    const u = winner === undefined ? undefined : winner.updates.get(path);
    if (u === undefined) this.#out.delete(path);
    else this.#out.set(path, u);
    this.#reportConflict(path, winner, candidates);
  }

  #winner(path: string, candidates: readonly Entry[]): Entry | undefined {
    const first = candidates[0];
    if (first === undefined) return undefined;
    const kind = first.updates.get(path)?.key.kind ?? "";
    if (!CONFLICT_RESOLVED_KINDS.has(kind)) return candidates[candidates.length - 1];
    let win = first;
    for (const c of candidates) {
      if ((c.identity?.name ?? "") < (win.identity?.name ?? "")) win = c;
    }
    return win;
  }

  #reportConflict(path: string, winner: Entry | undefined, candidates: readonly Entry[]): void {
    const losers = candidates.filter((c) => c !== winner);
    if (winner === undefined || losers.length === 0) {
      this.#conflicts.delete(path);
      return;
    }
    const sig = [winner.source, ...losers.map((l) => l.source)].join("\u0000");
    if (this.#conflicts.get(path) === sig) return;
    this.#conflicts.set(path, sig);
    const byName = CONFLICT_RESOLVED_KINDS.has(winner.updates.get(path)?.key.kind ?? "");
    for (const l of losers) {
      this.#txn!.problems.push(problemOf(
        l,
        byName
          ? `${describeOwner(l)} at "${l.source}" maps to the same key "${path}" as ${
            describeOwner(winner)
          } at "${winner.source}"; "${winner.identity?.name ?? ""}" is used because its ` +
            `name sorts first`
          : `Key "${path}" is set by both ${describeOwner(l)} at "${l.source}" and ${
            describeOwner(winner)
          } at "${winner.source}"; the one at "${winner.source}" is used`,
      ));
    }
  }
}
