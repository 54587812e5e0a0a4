/**
 * The Kubernetes syncer's bookkeeping: for every resource type, the objects it has seen (by
 * namespace/name, with their resourceVersion and the keys they produced), which object owns each
 * internal-model key, and the value last sent for every key. From these it queues exactly the
 * updates that change what the consumer holds:
 *
 * - an object seen again with the same resourceVersion is not converted again (as upstream's
 *   watcher cache swallows it), so a relist re-sends nothing for survivors;
 * - `replace` (a complete list) removes only the objects the list no longer has: the keys that
 *   only they produced get deletions, nothing else does;
 * - an update whose value is deep-equal to the value last sent for its key is not queued;
 * - a key produced by several objects has one owner: for IPPool, HostEndpoint and NetworkSet keys
 *   (upstream's conflict-resolving kinds) the object whose name sorts first, otherwise the object
 *   that wrote it last; built-ins give way to any real object; removing the owner promotes the
 *   next one;
 * - an object that cannot be prepared or converted is reported and treated as absent.
 *
 * Synchronous; the syncer drains the queue with {@linkcode KubernetesCache.takeUpdates}.
 *
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import type { KVUpdate } from "../model/kv.ts";
import { keyPath } from "../model/keys.ts";
import type { DocumentConverter } from "./document_converter.ts";
import {
  describeObject,
  type ObjectIdentity,
  objectIdentity,
  prepareObject,
} from "./kubernetes_crd_metadata.ts";
import type { KubeResourceType } from "./kubernetes_resources.ts";
import type { ParseError } from "./syncer.ts";

/** Where problems go: the syncer forwards them to `onParseError` / `onWarning`. */
export interface CacheReporter {
  error(problem: ParseError): void;
  warning(problem: ParseError): void;
}

/** Options of a {@linkcode KubernetesCache}. */
export interface KubernetesCacheOptions {
  readonly convert: DocumentConverter;
  readonly report: CacheReporter;
}

interface Entry {
  readonly revision: string;
  /** Key paths this object currently owns a claim on. */
  readonly paths: readonly string[];
}

interface Claim {
  readonly update: KVUpdate;
  readonly seq: number;
  readonly name: string;
  readonly builtIn: boolean;
}

const CONFLICT_RESOLVED: ReadonlySet<string> = new Set(["IPPool", "HostEndpoint", "NetworkSet"]);
const BUILT_IN_TYPE = "built-in";

function objectKey(id: ObjectIdentity): string {
  return `${id.namespace}/${id.name}`;
}

function better(a: Claim, b: Claim, byName: boolean): boolean {
  if (a.builtIn !== b.builtIn) return !a.builtIn;
  if (byName && a.name !== b.name) return a.name < b.name;
  return a.seq > b.seq;
}

/** See the module doc. */
export class KubernetesCache {
  readonly #convert: DocumentConverter;
  readonly #report: CacheReporter;
  /** type id -> object key -> entry. */
  readonly #objects = new Map<string, Map<string, Entry>>();
  /** key path -> owner id -> claim. */
  readonly #claims = new Map<string, Map<string, Claim>>();
  /** key path -> the update last queued with a value. */
  readonly #sent = new Map<string, KVUpdate>();
  #queue: KVUpdate[] = [];
  #seq = 0;

  constructor(opts: KubernetesCacheOptions) {
    this.#convert = opts.convert;
    this.#report = opts.report;
  }

  /** Documents every cluster has without a stored object (tiers, the default-allow profile). */
  setBuiltIns(docs: readonly unknown[]): void {
    docs.forEach((doc, i) => {
      const converted = this.#convert(doc);
      const source = `built-in document ${i}`;
      if (!converted.ok) {
        this.#report.error({ source, message: converted.error.message });
        return;
      }
      const name = objectIdentity(doc)?.name ?? String(i);
      this.#setClaims(BUILT_IN_TYPE, `${i}`, name, true, converted.updates);
    });
  }

  /** An object was added or changed (a watch event or a list item). */
  upsert(type: KubeResourceType, raw: unknown): void {
    const id = objectIdentity(raw);
    const objects = this.#typeObjects(type);
    if (id === undefined) {
      this.#report.error({
        source: `${type.kind} from ${type.path}`,
        kind: type.kind,
        message: `${type.kind} from ${type.path} has no metadata.name; skipped`,
      });
      return;
    }
    const key = objectKey(id);
    const old = objects.get(key);
    if (old !== undefined && id.resourceVersion !== "" && old.revision === id.resourceVersion) {
      return;
    }
    const updates = this.#convertObject(type, raw, id);
    const paths = this.#setClaims(type.id, key, id.name, false, updates);
    objects.set(key, { revision: id.resourceVersion, paths });
  }

  /** An object was deleted (a watch event). Unknown objects are ignored. */
  remove(type: KubeResourceType, raw: unknown): void {
    const id = objectIdentity(raw);
    if (id !== undefined) this.#removeKey(type, objectKey(id));
  }

  /** A complete list of `type`: upsert every item, remove every known object not in it. */
  replace(type: KubeResourceType, items: readonly unknown[]): void {
    const seen = new Set<string>();
    for (const raw of items) {
      const id = objectIdentity(raw);
      if (id !== undefined) seen.add(objectKey(id));
      this.upsert(type, raw);
    }
    for (const key of [...this.#typeObjects(type).keys()]) {
      if (!seen.has(key)) this.#removeKey(type, key);
    }
  }

  /** How many objects of `type` the cache holds. */
  size(type: KubeResourceType): number {
    return this.#objects.get(type.id)?.size ?? 0;
  }

  /** The updates queued since the last call, in order. */
  takeUpdates(): KVUpdate[] {
    const out = this.#queue;
    this.#queue = [];
    return out;
  }

  #typeObjects(type: KubeResourceType): Map<string, Entry> {
    let objects = this.#objects.get(type.id);
    if (objects === undefined) {
      objects = new Map();
      this.#objects.set(type.id, objects);
    }
    return objects;
  }

  #removeKey(type: KubeResourceType, key: string): void {
    const objects = this.#typeObjects(type);
    if (!objects.has(key)) return;
    this.#setClaims(type.id, key, "", false, []);
    objects.delete(key);
  }

  /** The object's updates, or none (reported) when it cannot be used. */
  #convertObject(type: KubeResourceType, raw: unknown, id: ObjectIdentity): readonly KVUpdate[] {
    const source = describeObject(type.kind, id);
    const where = {
      source,
      kind: type.kind,
      name: id.name,
      ...(id.namespace === "" ? {} : { namespace: id.namespace }),
    };
    const prepared = prepareObject(type, raw);
    if (!prepared.ok) {
      this.#report.error({ ...where, message: prepared.message });
      return [];
    }
    const converted = this.#convert(prepared.doc);
    if (!converted.ok) {
      this.#report.error({ ...where, message: converted.error.message });
      return [];
    }
    for (const message of converted.warnings) this.#report.warning({ ...where, message });
    return converted.updates;
  }

  /** Replace the claims of one owner; queue what changes. Returns the paths it now claims. */
  #setClaims(
    typeId: string,
    key: string,
    name: string,
    builtIn: boolean,
    updates: readonly KVUpdate[],
  ): string[] {
    const owner = `${typeId}|${key}`;
    const before = this.#objects.get(typeId)?.get(key)?.paths ?? [];
    const next = new Map<string, KVUpdate>();
    for (const u of updates) {
      if (u.value !== null) next.set(keyPath(u.key), u);
      else next.delete(keyPath(u.key));
    }
    const touched: string[] = [];
    for (const path of before) {
      if (next.has(path)) continue;
      this.#claims.get(path)?.delete(owner);
      touched.push(path);
    }
    for (const [path, update] of next) {
      let claims = this.#claims.get(path);
      if (claims === undefined) {
        claims = new Map();
        this.#claims.set(path, claims);
      }
      claims.set(owner, { update, seq: ++this.#seq, name, builtIn });
      touched.push(path);
    }
    for (const path of touched) this.#resolve(path);
    return [...next.keys()];
  }

  /** Queue the winner of `path` if it differs from what was sent (or a deletion). */
  #resolve(path: string): void {
    const claims = this.#claims.get(path);
    let win: Claim | undefined;
    for (const c of claims?.values() ?? []) {
      const byName = CONFLICT_RESOLVED.has(c.update.key.kind);
      if (win === undefined || better(c, win, byName)) win = c;
    }
    const sent = this.#sent.get(path);
    if (win === undefined) {
      this.#claims.delete(path);
      if (sent === undefined) return;
      this.#sent.delete(path);
      this.#queue.push({ ...sent, value: null, revision: "" } as KVUpdate);
      return;
    }
    if (sent !== undefined && isDeepStrictEqual(sent.value, win.update.value)) return;
    this.#sent.set(path, win.update);
    this.#queue.push(win.update);
  }
}
