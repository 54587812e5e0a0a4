/**
 * The effective datastore type (bootstrap, before any datastore access): an explicit
 * `DatastoreType` (environment, config file or `--datastore-file`) wins; otherwise the client
 * library's rules apply to the environment.
 *
 * @module
 */
import type { Config } from "./config.ts";

/** The datastore drivers. */
export type DatastoreType = "kubernetes" | "etcdv3" | "file";

const TYPES: readonly DatastoreType[] = ["kubernetes", "etcdv3", "file"];

function envValue(env: Readonly<Record<string, string>>, name: string): string | undefined {
  const v = env[`CALICO_${name}`] ?? env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/**
 * `DatastoreType` if set explicitly (not from the default); else `CALICO_DATASTORE_TYPE` /
 * `DATASTORE_TYPE`; else `etcdv3` when `(CALICO_)ETCD_ENDPOINTS` is set; else `kubernetes`.
 * Throws a `TypeError` for an unknown `DATASTORE_TYPE`.
 */
export function effectiveDatastoreType(
  config: Config,
  env: Readonly<Record<string, string>>,
): DatastoreType {
  const explicit = config.resolved("DatastoreType");
  if (explicit.source !== "default" && explicit.valid) return config.values.DatastoreType;
  const fromEnv = envValue(env, "DATASTORE_TYPE");
  if (fromEnv !== undefined) {
    const t = TYPES.find((x) => x === fromEnv.toLowerCase());
    if (t === undefined) {
      throw new TypeError(
        `Cannot use datastore type "${fromEnv}" from DATASTORE_TYPE: expected kubernetes, etcdv3 or file`,
      );
    }
    return t;
  }
  if (envValue(env, "ETCD_ENDPOINTS") !== undefined) return "etcdv3";
  return "kubernetes";
}
