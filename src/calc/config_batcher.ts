/**
 * Collects the datastore's configuration keys (FelixConfiguration `default` and `node.<host>`,
 * ClusterInformation, Node-derived per-host keys, the ready flag) and hands them on as one
 * `ConfigUpdate` per flush, only once the datastore is in sync and only when something changed.
 *
 * Env and config-file sources are the daemon's; this node reports the two datastore sources.
 *
 * @module
 */
import { sortedRecord } from "../lib/order.ts";
import type { KVUpdate } from "../model/kv.ts";
import type { CalcSink } from "./sinks.ts";

/** Source names as they appear in `ConfigUpdate.sourceToRawConfig`. */
export const DATASTORE_GLOBAL = "DatastoreGlobal";
export const DATASTORE_PER_HOST = "DatastorePerHost";

/** Options for `ConfigBatcher`. */
export interface ConfigBatcherOptions {
  readonly hostname: string;
  readonly sink: Pick<CalcSink, "onConfigUpdate">;
}

/** Upstream's ConfigBatcher. */
export class ConfigBatcher {
  readonly #hostname: string;
  readonly #sink: Pick<CalcSink, "onConfigUpdate">;
  readonly #global = new Map<string, string>();
  readonly #host = new Map<string, string>();
  #ready: boolean | undefined;
  #dirty = true;
  #lastSent = "";

  constructor(options: ConfigBatcherOptions) {
    this.#hostname = options.hostname;
    this.#sink = options.sink;
  }

  /** Whether ClusterInformation says the datastore is ready (undefined until known). */
  get datastoreReady(): boolean | undefined {
    return this.#ready;
  }

  onUpdate(u: KVUpdate): void {
    switch (u.key.kind) {
      case "GlobalConfig":
        this.#set(this.#global, u.key.name, u.value as string | null);
        return;
      case "HostConfig":
        if (u.key.hostname === this.#hostname) {
          this.#set(this.#host, u.key.name, u.value as string | null);
        }
        return;
      case "ReadyFlag":
        this.#ready = u.value === null ? undefined : u.value === true;
        return;
      default:
        return;
    }
  }

  #set(m: Map<string, string>, name: string, value: string | null): void {
    if (value === null) m.delete(name);
    else m.set(name, value);
    this.#dirty = true;
  }

  /** Send the merged datastore config if in sync and changed since the last send. */
  flush(inSync: boolean): void {
    if (!inSync || !this.#dirty) return;
    this.#dirty = false;
    const global = sortedRecord(this.#global);
    const host = sortedRecord(this.#host);
    const merged = sortedRecord(new Map([...this.#global, ...this.#host]));
    const text = JSON.stringify([global, host]);
    if (text === this.#lastSent) return;
    this.#lastSent = text;
    this.#sink.onConfigUpdate(merged, { [DATASTORE_GLOBAL]: global, [DATASTORE_PER_HOST]: host });
  }
}
