/**
 * `ConfigKVTracker`: consumes the config part of the syncer's update stream and keeps the raw
 * maps of the three datastore sources for this host: global (`GlobalConfig` keys), per-host
 * (`HostConfig` keys of this host) and per-selector (the selector-scoped FelixConfiguration
 * whose `nodeSelector` matches this host's Node; the oldest wins, ties by name).
 *
 * @module
 */
import { compareStrings } from "../lib/order.ts";
import { isKV, type KVUpdate } from "../model/kv.ts";
import type { FelixConfiguration } from "../model/v3_resources.ts";
import { parseSelector } from "../selector/mod.ts";
import { felixConfigurationToRaw } from "./felix_configuration.ts";
import { type ConfigIssue, configIssue } from "./sources.ts";

type Labels = ReadonlyMap<string, string>;

function olderFirst(a: FelixConfiguration, b: FelixConfiguration): number {
  const ta = a.metadata.creationTimestamp ?? "";
  const tb = b.metadata.creationTimestamp ?? "";
  if (ta !== tb) return Date.parse(ta) - Date.parse(tb) || (ta < tb ? -1 : 1);
  return compareStrings(a.metadata.name, b.metadata.name);
}

/** Keeps the datastore config sources of one host from `KVUpdate`s. */
export class ConfigKVTracker {
  readonly #hostname: string;
  readonly #global = new Map<string, string>();
  readonly #perHost = new Map<string, string>();
  readonly #scoped = new Map<string, FelixConfiguration>();
  #nodeLabels: Labels | undefined;
  #ready: boolean | undefined;

  constructor(hostname: string) {
    this.#hostname = hostname;
  }

  /** Apply one update; returns true when it was a key this tracker keeps (config or own Node). */
  apply(u: KVUpdate): boolean {
    if (isKV(u, "GlobalConfig")) return setOrDelete(this.#global, u.key.name, u.value);
    if (isKV(u, "HostConfig")) {
      return u.key.hostname === this.#hostname &&
        setOrDelete(this.#perHost, u.key.name, u.value);
    }
    if (isKV(u, "ReadyFlag")) {
      this.#ready = u.value ?? undefined;
      return true;
    }
    if (!isKV(u, "Resource")) return false;
    if (u.key.resourceKind === "FelixConfiguration") {
      if (u.value?.kind === "FelixConfiguration") this.#scoped.set(u.key.name, u.value);
      else this.#scoped.delete(u.key.name);
      return true;
    }
    if (u.key.resourceKind !== "Node" || u.key.name !== this.#hostname) return false;
    this.#nodeLabels = u.value?.kind === "Node"
      ? new Map(Object.entries(u.value.metadata.labels ?? {}))
      : undefined;
    return true;
  }

  /** Raw values for the `datastore-global` source. */
  get global(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.#global);
  }

  /** Raw values for the `datastore-per-host` source. */
  get perHost(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.#perHost);
  }

  /** The datastore-ready flag (undefined until seen or after its deletion). */
  get ready(): boolean | undefined {
    return this.#ready;
  }

  /** The selector-scoped FelixConfiguration that applies to this host, if any. */
  selectedConfiguration(issues: ConfigIssue[] = []): FelixConfiguration | undefined {
    const labels = this.#nodeLabels;
    if (labels === undefined) return undefined;
    const matching = [...this.#scoped.values()].filter((fc) => {
      const text = fc.spec["nodeSelector"];
      if (typeof text !== "string" || text.trim() === "") return false;
      try {
        return parseSelector(text).evaluate(labels);
      } catch (e) {
        const why = `Invalid nodeSelector in FelixConfiguration "${fc.metadata.name}"; ignored: ${
          e instanceof Error ? e.message : String(e)
        }`;
        issues.push(configIssue("nodeSelector", "datastore-selector", text, why));
        return false;
      }
    });
    return matching.sort(olderFirst)[0];
  }

  /** Raw values for the `datastore-selector` source, and the issues met computing them. */
  perSelector(): { values: Readonly<Record<string, string>>; issues: readonly ConfigIssue[] } {
    const issues: ConfigIssue[] = [];
    const fc = this.selectedConfiguration(issues);
    if (fc === undefined) return { values: {}, issues };
    const raw = felixConfigurationToRaw(
      fc.spec,
      fc.metadata.annotations ?? {},
      "datastore-selector",
    );
    return { values: raw.values, issues: [...issues, ...raw.issues] };
  }
}

function setOrDelete(m: Map<string, string>, name: string, value: string | null): true {
  if (value === null) m.delete(name);
  else m.set(name, value);
  return true;
}
