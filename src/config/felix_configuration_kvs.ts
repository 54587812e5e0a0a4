/**
 * FelixConfiguration -> config keys: `default` becomes `GlobalConfig` keys, `node.<host>`
 * becomes `HostConfig` keys for that host, any other name passes through whole as a
 * `Resource` key (selector-scoped configuration, resolved by `ConfigKVTracker`).
 *
 * @module
 */
import { kv, type KVUpdate } from "../model/kv.ts";
import type { FelixConfiguration } from "../model/v3_resources.ts";
import { felixConfigurationToRaw } from "./felix_configuration.ts";
import type { ConfigIssue, ConfigSource } from "./sources.ts";

/** Which configuration level a FelixConfiguration name addresses. */
export type FelixConfigurationScope =
  | { readonly kind: "global" }
  | { readonly kind: "host"; readonly hostname: string }
  | { readonly kind: "selector" };

/** `default` -> global, `node.<host>` -> that host, anything else -> selector-scoped. */
export function felixConfigurationScope(name: string): FelixConfigurationScope {
  if (name === "default") return { kind: "global" };
  if (name.startsWith("node.") && name.length > 5) return { kind: "host", hostname: name.slice(5) };
  return { kind: "selector" };
}

/** Options of `felixConfigurationToKVs`. */
export interface FelixConfigurationKVOptions {
  /** The previous version, so that fields and annotations that disappeared become deletes. */
  readonly previous?: FelixConfiguration;
  /** The datastore revision to stamp on the updates. */
  readonly revision?: string;
  /** Receives unknown fields and values that cannot be rendered (never fatal). */
  readonly onIssue?: (issue: ConfigIssue) => void;
}

function sourceOf(scope: FelixConfigurationScope): ConfigSource {
  if (scope.kind === "global") return "datastore-global";
  return scope.kind === "host" ? "datastore-per-host" : "datastore-selector";
}

function configKV(
  scope: FelixConfigurationScope,
  name: string,
  value: string | null,
  revision: string,
): KVUpdate {
  return scope.kind === "host"
    ? kv({ kind: "HostConfig", hostname: scope.hostname, name }, value, revision)
    : kv({ kind: "GlobalConfig", name }, value, revision);
}

function resourceKey(name: string) {
  return { kind: "Resource", resourceKind: "FelixConfiguration", namespace: "", name } as const;
}

function rawOf(fc: FelixConfiguration, source: ConfigSource): Readonly<Record<string, string>> {
  return felixConfigurationToRaw(fc.spec, fc.metadata.annotations ?? {}, source).values;
}

/** The updates a FelixConfiguration (created or modified) produces. */
export function felixConfigurationToKVs(
  fc: FelixConfiguration,
  options: FelixConfigurationKVOptions = {},
): KVUpdate[] {
  const revision = options.revision ?? fc.metadata.resourceVersion ?? "";
  const scope = felixConfigurationScope(fc.metadata.name);
  if (scope.kind === "selector") return [kv(resourceKey(fc.metadata.name), fc, revision)];
  const source = sourceOf(scope);
  const raw = felixConfigurationToRaw(fc.spec, fc.metadata.annotations ?? {}, source);
  raw.issues.forEach((i) => options.onIssue?.(i));
  const sets = Object.entries(raw.values).map(([n, v]) => configKV(scope, n, v, revision));
  const gone = options.previous === undefined
    ? []
    : Object.keys(rawOf(options.previous, source)).filter((n) => !(n in raw.values));
  return [...sets, ...gone.map((n) => configKV(scope, n, null, revision))];
}

/** The deletes a removed FelixConfiguration produces. */
export function felixConfigurationDeletionKVs(fc: FelixConfiguration, revision = ""): KVUpdate[] {
  const scope = felixConfigurationScope(fc.metadata.name);
  if (scope.kind === "selector") return [kv(resourceKey(fc.metadata.name), null, revision)];
  return Object.keys(rawOf(fc, sourceOf(scope))).map((n) => configKV(scope, n, null, revision));
}
