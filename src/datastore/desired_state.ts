/**
 * Builds the desired internal-model state from every converted document of every file: drops
 * duplicates (the later document wins), then resolves key collisions (IPPool, HostEndpoint and
 * GlobalNetworkSet: the alphabetically-first v3 name wins, as upstream's conflict-resolving
 * processors do; any other kind: the later document wins). Every loser is reported.
 *
 * Pure: the same documents in the same order always give the same state.
 *
 * @module
 */
import type { KVUpdate } from "../model/kv.ts";
import { keyPath } from "../model/keys.ts";
import type { ParseError } from "./syncer.ts";
import {
  CONFLICT_RESOLVED_KINDS,
  describeOwner,
  identityKey,
  problemOf,
  type ResourceIdentity,
} from "./resource_identity.ts";

/** One document after conversion, in load order. */
export interface ConvertedDocument {
  /** The `source` for problems: `<path> document <n>` or `built-in`. */
  readonly source: string;
  /** The location for messages: `"<path>" document 2 (0-based), line 14` or `built-in`. */
  readonly where: string;
  readonly identity?: ResourceIdentity;
  /** Built-ins give way silently to a file document with the same identity. */
  readonly builtIn: boolean;
  /** The converted updates, or `null` when conversion failed (the resource is absent). */
  readonly updates: readonly KVUpdate[] | null;
}

/** The desired state: present keys only, by key path, plus what was dropped and why. */
export interface DesiredState {
  readonly entries: ReadonlyMap<string, KVUpdate>;
  readonly problems: readonly ParseError[];
}

/** The documents that survive de-duplication, in load order. */
function dropDuplicates(
  docs: readonly ConvertedDocument[],
  problems: ParseError[],
): ConvertedDocument[] {
  const latest = new Map<string, number>();
  docs.forEach((doc, i) => {
    if (doc.identity === undefined) return;
    const key = identityKey(doc.identity);
    const earlier = latest.get(key);
    const prev = earlier === undefined ? undefined : docs[earlier];
    if (prev !== undefined && !prev.builtIn) {
      problems.push(problemOf(
        prev,
        `${describeOwner(prev)} in ${prev.where} is defined again in ${doc.where}; the later ` +
          `definition is used`,
      ));
    }
    latest.set(key, i);
  });
  return docs.filter((doc, i) =>
    doc.identity === undefined || latest.get(identityKey(doc.identity)) === i
  );
}

interface Owned {
  readonly update: KVUpdate;
  readonly owner: ConvertedDocument;
}

/** Which of two contributions to one key wins; `incoming` is the later document. */
function resolve(path: string, held: Owned, incoming: Owned, problems: ParseError[]): Owned {
  if (CONFLICT_RESOLVED_KINDS.has(incoming.update.key.kind)) {
    const heldName = held.owner.identity?.name ?? "";
    const newName = incoming.owner.identity?.name ?? "";
    const [win, lose] = newName < heldName ? [incoming, held] : [held, incoming];
    problems.push(problemOf(
      lose.owner,
      `${describeOwner(lose.owner)} in ${lose.owner.where} maps to the same key "${path}" as ` +
        `${describeOwner(win.owner)}; "${
          win.owner.identity?.name ?? ""
        }" is used because its name ` +
        `sorts first`,
    ));
    return win;
  }
  problems.push(problemOf(
    held.owner,
    `Key "${path}" is set by both ${describeOwner(held.owner)} in ${held.owner.where} and ` +
      `${describeOwner(incoming.owner)} in ${incoming.owner.where}; the later document is used`,
  ));
  return incoming;
}

/** Build the desired state from converted documents in load order (built-ins first). */
export function buildDesiredState(docs: readonly ConvertedDocument[]): DesiredState {
  const problems: ParseError[] = [];
  const owned = new Map<string, Owned>();
  for (const owner of dropDuplicates(docs, problems)) {
    for (const update of owner.updates ?? []) {
      if (update.value === null) continue;
      const path = keyPath(update.key);
      const held = owned.get(path);
      const incoming = { update, owner };
      owned.set(path, held === undefined ? incoming : resolve(path, held, incoming, problems));
    }
  }
  const entries = new Map<string, KVUpdate>();
  for (const [path, { update }] of owned) entries.set(path, update);
  return { entries, problems };
}
