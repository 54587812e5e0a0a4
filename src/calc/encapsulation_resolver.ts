/**
 * Upstream's EncapsulationResolver: which encapsulations the IP pools need
 * (`reference/bpf-routing.md` §6.1). IPIP when any pool's `ipipMode` is not `never`; VXLAN (per
 * family) when any pool of that family has `vxlanMode` not `never`; no-encap when any pool has
 * neither. Disabled pools count like any other.
 *
 * Nothing is emitted before the datastore is in sync. The first `flush(true)` always emits; later
 * flushes emit only when a flag changed. Upstream treats such a change as a config change that
 * restarts Felix; this node only reports it, the daemon decides.
 *
 * @module
 */
import { deepEqual } from "../lib/deep_equal.ts";
import { normaliseCIDR } from "../lib/ip.ts";
import type { KVUpdate } from "../model/kv.ts";
import type { IPPool } from "../model/values.ts";
import type { EncapsulationUpdate } from "../proto/messages.ts";
import type { CalcSink } from "./sinks.ts";

/** Options for `EncapsulationResolver`. */
export interface EncapsulationResolverOptions {
  readonly sink: Pick<CalcSink, "onEncapsulationUpdate">;
}

interface PoolEncap {
  readonly v6: boolean;
  readonly ipip: boolean;
  readonly vxlan: boolean;
}

/** Derives the encapsulation flags from the pools. */
export class EncapsulationResolver {
  readonly #sink: Pick<CalcSink, "onEncapsulationUpdate">;
  readonly #pools = new Map<string, PoolEncap>();
  #sent: EncapsulationUpdate | undefined;

  constructor(options: EncapsulationResolverOptions) {
    this.#sink = options.sink;
  }

  /** Take one update; only IP pools matter. */
  onUpdate(u: KVUpdate): void {
    if (u.key.kind !== "IPPool") return;
    const cidr = normaliseCIDR(u.key.cidr);
    if (cidr === undefined) return;
    const pool = u.value as IPPool | null;
    if (pool === null) {
      this.#pools.delete(cidr);
      return;
    }
    this.#pools.set(cidr, {
      v6: cidr.includes(":"),
      ipip: pool.ipipMode !== "never",
      vxlan: pool.vxlanMode !== "never",
    });
  }

  /** The flags the current pools call for. */
  current(): EncapsulationUpdate {
    const pools = [...this.#pools.values()];
    return {
      type: "EncapsulationUpdate",
      ipipEnabled: pools.some((p) => p.ipip),
      vxlanEnabled: pools.some((p) => !p.v6 && p.vxlan),
      vxlanEnabledV6: pools.some((p) => p.v6 && p.vxlan),
      noEncapEnabled: pools.some((p) => !p.ipip && !p.vxlan),
    };
  }

  /** Once in sync, emit the flags if they differ from the last ones emitted (or none were). */
  flush(inSync: boolean): void {
    if (!inSync) return;
    const next = this.current();
    if (this.#sent !== undefined && deepEqual(this.#sent, next)) return;
    this.#sent = next;
    this.#sink.onEncapsulationUpdate(next);
  }
}
