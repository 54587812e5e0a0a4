/**
 * The unit that flows from the datastore into the calc graph: a key of the internal model with
 * its value, or `null` for a deletion.
 *
 * `KVUpdate` is a union with one member per key kind, so a consumer that checks `isKV(u, "Policy")`
 * gets `u.value` typed as `Policy | null`.
 *
 * @module
 */
import type { Key, ResourceKey } from "./keys.ts";
import type {
  AllocationBlock,
  HostEndpoint,
  IPPool,
  Labels,
  NetworkSet,
  PassThroughResource,
  Policy,
  ProfileRules,
  Tier,
  Wireguard,
  WorkloadEndpoint,
} from "./values.ts";
import { keyPath } from "./keys.ts";

/** The value type stored under each key kind. */
export interface ValueByKind {
  readonly GlobalConfig: string;
  readonly HostConfig: string;
  readonly ReadyFlag: boolean;
  readonly Policy: Policy;
  readonly Tier: Tier;
  readonly ProfileRules: ProfileRules;
  readonly ProfileLabels: Labels;
  readonly WorkloadEndpoint: WorkloadEndpoint;
  readonly HostEndpoint: HostEndpoint;
  readonly NetworkSet: NetworkSet;
  readonly IPPool: IPPool;
  readonly Block: AllocationBlock;
  readonly Wireguard: Wireguard;
  readonly Resource: PassThroughResource;
}

/** A key kind. */
export type KeyKind = Key["kind"];

/** An update for one key kind: `value` null means the key is deleted. */
export interface KVOf<K extends KeyKind> {
  readonly key: Extract<Key, { kind: K }>;
  readonly value: ValueByKind[K] | null;
  /** Opaque datastore revision of the source object ("" when unknown). */
  readonly revision: string;
}

/** Any update. */
export type KVUpdate = { [K in KeyKind]: KVOf<K> }[KeyKind];

/** Narrow an update to one key kind. */
export function isKV<K extends KeyKind>(u: KVUpdate, kind: K): u is KVUpdate & KVOf<K> {
  return u.key.kind === kind;
}

/** Build an update (the compiler checks that the value suits the key). */
export function kv<K extends KeyKind>(
  key: Extract<Key, { kind: K }>,
  value: ValueByKind[K] | null,
  revision = "",
): KVOf<K> {
  return { key, value, revision };
}

/** The identity of an update's key, for maps and diffs. */
export function updateKeyPath(u: KVUpdate): string {
  return keyPath(u.key);
}

export type { Key, ResourceKey };
