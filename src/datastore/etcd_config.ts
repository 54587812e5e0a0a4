/**
 * Where the etcd datastore is, from Felix's configuration and the client library's environment
 * (datastore-config.md §3.1, §4.2): Felix's own `EtcdEndpoints`, or `EtcdScheme://EtcdAddr`, and
 * `Etcd{Key,Cert,Ca}File` override the libcalico variables `(CALICO_)ETCD_ENDPOINTS`,
 * `ETCD_KEY_FILE`, `ETCD_CERT_FILE`, `ETCD_CA_CERT_FILE`; `ETCD_USERNAME`/`ETCD_PASSWORD` come
 * from the environment only.
 *
 * @module
 */
import type { Config } from "../config/config.ts";
import type { ParamName } from "../config/param_table.ts";
import type { EtcdConnection } from "./etcd_client.ts";

function envValue(env: Readonly<Record<string, string>>, name: string): string | undefined {
  const v = env[`CALICO_${name}`] ?? env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function explicit(config: Config, name: ParamName): boolean {
  const r = config.resolved(name);
  return r.source !== "default" && r.valid;
}

function endpoints(config: Config, env: Readonly<Record<string, string>>): string[] {
  const v = config.values;
  if (explicit(config, "EtcdEndpoints") && v.EtcdEndpoints.length > 0) return [...v.EtcdEndpoints];
  const addr = `${v.EtcdScheme || "http"}://${v.EtcdAddr}`;
  if (explicit(config, "EtcdAddr") || explicit(config, "EtcdScheme")) return [addr];
  const fromEnv = envValue(env, "ETCD_ENDPOINTS");
  if (fromEnv !== undefined) {
    return fromEnv.split(",").map((s) => s.trim()).filter((s) => s !== "");
  }
  return [addr];
}

/**
 * The etcd connection for `config` (parameters) and `env` (the process environment): Felix's
 * parameters when set explicitly, else the libcalico variables, else `EtcdScheme://EtcdAddr`
 * with their defaults (`http://127.0.0.1:2379`).
 */
export function etcdConnectionFromConfig(
  config: Config,
  env: Readonly<Record<string, string>>,
): EtcdConnection {
  const v = config.values;
  const file = (param: string, variable: string) =>
    param !== "" ? param : envValue(env, variable) ?? "";
  const tls = {
    caFile: file(v.EtcdCaFile, "ETCD_CA_CERT_FILE"),
    certFile: file(v.EtcdCertFile, "ETCD_CERT_FILE"),
    keyFile: file(v.EtcdKeyFile, "ETCD_KEY_FILE"),
  };
  const set = Object.fromEntries(Object.entries(tls).filter(([, p]) => p !== ""));
  const username = envValue(env, "ETCD_USERNAME");
  const password = envValue(env, "ETCD_PASSWORD");
  return {
    endpoints: endpoints(config, env),
    ...(Object.keys(set).length === 0 ? {} : { tls: set }),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}
