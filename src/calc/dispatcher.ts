/**
 * Fans each update out to the nodes registered for its key kind, in registration order
 * (upstream's AllUpdDispatcher). A node registered with `local: true` only sees workload and host
 * endpoint keys whose hostname is this node.
 *
 * @module
 */
import type { KeyKind, KVUpdate } from "../model/kv.ts";

/** A node's update handler. */
export type UpdateHandler = (u: KVUpdate) => void;

/** Options for `Dispatcher`. */
export interface DispatcherOptions {
  readonly hostname: string;
}

/** Routes updates by key kind. */
export class Dispatcher {
  readonly #hostname: string;
  readonly #handlers = new Map<KeyKind, UpdateHandler[]>();

  constructor(options: DispatcherOptions) {
    this.#hostname = options.hostname;
  }

  /** Register `handler` for the given key kinds. */
  register(kinds: readonly KeyKind[], handler: UpdateHandler): void {
    for (const kind of kinds) {
      const list = this.#handlers.get(kind) ?? [];
      list.push(handler);
      this.#handlers.set(kind, list);
    }
  }

  /** Register `handler` for endpoint keys of this node only. */
  registerLocalEndpoints(handler: UpdateHandler): void {
    const local: UpdateHandler = (u) => {
      if (this.isLocal(u)) handler(u);
    };
    this.register(["WorkloadEndpoint", "HostEndpoint"], local);
  }

  /** Whether an endpoint update belongs to this node. */
  isLocal(u: KVUpdate): boolean {
    const k = u.key;
    return (k.kind === "WorkloadEndpoint" || k.kind === "HostEndpoint") &&
      k.hostname === this.#hostname;
  }

  /** Deliver one update to every handler of its kind. */
  dispatch(u: KVUpdate): void {
    const list = this.#handlers.get(u.key.kind);
    if (list === undefined) return;
    for (const h of list) h(u);
  }
}
