/**
 * The contract every datastore syncer (file, etcd v3, Kubernetes) fulfils towards the calc graph.
 *
 * A syncer reports its status (`wait-for-datastore` -> `resync-in-progress` -> `in-sync`, and back
 * to `resync-in-progress` on a relist) and delivers ordered batches of internal-model updates.
 * Rules every implementation keeps:
 * - the first status is `wait-for-datastore`; no updates are sent before `resync-in-progress`;
 * - updates queued before a status change are delivered before the status change;
 * - after `in-sync`, the updates received describe the datastore exactly (a key not re-seen after
 *   a relist gets a deletion);
 * - a key's updates arrive in order; an update that repeats the current value is not sent;
 * - a resource that fails to decode or validate is reported through `onParseError` and treated as
 *   absent (its previous keys are deleted); the rest of the batch is unaffected.
 *
 * @module
 */
import type { KVUpdate } from "../model/kv.ts";

/** The aggregate sync status, with upstream's strings. */
export type SyncStatus = "wait-for-datastore" | "resync-in-progress" | "in-sync";

/** A resource that could not be used, with where it came from and why. */
export interface ParseError {
  /** Where: a file path with document index, an etcd key, or `<kind> <ns>/<name>`. */
  readonly source: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  /** The full, human-readable reason (names field path and cause). */
  readonly message: string;
}

/** Callbacks a syncer drives. Called synchronously from the syncer's own task, never concurrently. */
export interface SyncerCallbacks {
  onStatusUpdated(status: SyncStatus): void;
  onUpdates(updates: readonly KVUpdate[]): void;
  onParseError?(error: ParseError): void;
  /** A resource was used, but part of it was dropped (a bad CIDR in a set) or looks wrong. */
  onWarning?(warning: ParseError): void;
}

/** A running syncer. */
export interface Syncer {
  /** Begin listing/watching. Resolves once the syncer is running (not when in sync). */
  start(): Promise<void>;
  /** Stop watching and release resources. No callbacks after this resolves. */
  stop(): Promise<void>;
}
