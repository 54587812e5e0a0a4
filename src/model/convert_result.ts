/**
 * What every conversion to internal keys/values returns, and the context the dispatcher needs.
 *
 * A conversion never throws on data: a value it cannot produce becomes a deletion of its key
 * (value `null`) plus a problem text saying why, and the object's other keys are still emitted.
 *
 * @module
 */
import type { KVUpdate } from "./kv.ts";
import type { ObjectMeta } from "./object_meta.ts";
import type { FelixConfiguration } from "./v3_resources.ts";

/** The outcome of converting one object. */
export interface ConversionResult {
  /**
   * Every key the object owns, with its value or `null` where the object says the key must be
   * absent (a pod without IPs, a staged `Delete`, an unset tunnel address).
   */
  readonly updates: readonly KVUpdate[];
  /** Why parts of the object were dropped or the whole object was treated as absent. */
  readonly problems: readonly string[];
}

/** What the dispatcher needs from outside `model/`. */
export interface ConversionContext {
  /** Host-side interface name prefix for pods (first entry of FELIX_INTERFACEPREFIX). */
  readonly interfacePrefix: string;
  /** FelixConfiguration fan-out, owned by `config/`. */
  felixConfigurationToKVs(fc: FelixConfiguration): readonly KVUpdate[];
}

/** The empty result. */
export const NO_UPDATES: ConversionResult = { updates: [], problems: [] };

/** The datastore revision of an object ("" when unknown). */
export function revisionOf(meta: ObjectMeta): string {
  return meta.resourceVersion ?? "";
}

/** `<ns>/<name>` for namespaced objects, `<name>` otherwise: how problems name an object. */
export function displayName(meta: ObjectMeta): string {
  return meta.namespace === undefined ? meta.name : `${meta.namespace}/${meta.name}`;
}

/**
 * `{ [key]: value }` when `value` is defined, else `{}`: spread it into an object literal to set
 * an optional field only when there is something to set (exactOptionalPropertyTypes).
 */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
