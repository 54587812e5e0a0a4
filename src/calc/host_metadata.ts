/**
 * The routing data the dataplane receives as-is (upstream's DataplanePassthru, routing part):
 * each node as `HostMetadataUpdate` and each IP pool as `IPAMPoolUpdate`, with their removals.
 * An update is emitted only when the message differs from the last one sent for that node or pool.
 *
 * Host addresses are sent in CIDR form with host bits kept (`10.0.0.5/24`), as upstream's
 * v4/v6 host metadata does; an address taken from a bare `spec.addresses` entry is sent as /32
 * (or /128). A node without addresses is still sent (empty address fields): it carries labels.
 *
 * @module
 */
import { deepEqual } from "../lib/deep_equal.ts";
import { normaliseCIDR } from "../lib/ip.ts";
import type { KVUpdate } from "../model/kv.ts";
import type { IPPool } from "../model/values.ts";
import type { HostMetadataUpdate, IPAMPoolUpdate } from "../proto/messages.ts";
import { asNode, nodeHostAddresses } from "./host_addresses.ts";
import type { CalcSink } from "./sinks.ts";

/** The sink methods this node calls. */
export type HostMetadataSink = Pick<
  CalcSink,
  "onHostMetadataUpdate" | "onHostMetadataRemove" | "onIPPoolUpdate" | "onIPPoolRemove"
>;

/** Options for `HostMetadataResolver`. */
export interface HostMetadataResolverOptions {
  readonly sink: HostMetadataSink;
}

/** The pool id upstream uses: the CIDR with `/` replaced by `-`. */
export function poolId(cidr: string): string {
  return cidr.replace("/", "-");
}

/** Passes nodes and IP pools through to the dataplane. */
export class HostMetadataResolver {
  readonly #sink: HostMetadataSink;
  readonly #hosts = new Map<string, HostMetadataUpdate>();
  readonly #pools = new Map<string, IPAMPoolUpdate>();

  constructor(options: HostMetadataResolverOptions) {
    this.#sink = options.sink;
  }

  /** Take one update; only Node resources and IP pools matter. */
  onUpdate(u: KVUpdate): void {
    if (u.key.kind === "IPPool") this.#onPool(u.key.cidr, u.value as IPPool | null);
    else if (u.key.kind === "Resource" && u.key.resourceKind === "Node") {
      this.#onNode(u.key.name, u.value);
    }
  }

  #onNode(hostname: string, value: unknown): void {
    const node = asNode(value);
    const sent = this.#hosts.get(hostname);
    if (node === undefined) {
      if (sent === undefined) return;
      this.#hosts.delete(hostname);
      this.#sink.onHostMetadataRemove(hostname);
      return;
    }
    const addrs = nodeHostAddresses(node);
    const as = node.spec.bgp?.asNumber;
    const msg: HostMetadataUpdate = {
      type: "HostMetadataUpdate",
      hostname,
      ipv4Addr: addrs.v4?.cidr ?? "",
      ipv6Addr: addrs.v6?.cidr ?? "",
      asNumber: typeof as === "number" ? String(as) : "",
      labels: { ...node.metadata.labels ?? {} },
    };
    if (sent !== undefined && deepEqual(sent, msg)) return;
    this.#hosts.set(hostname, msg);
    this.#sink.onHostMetadataUpdate(msg);
  }

  #onPool(keyCidr: string, pool: IPPool | null): void {
    const cidr = normaliseCIDR(keyCidr);
    if (cidr === undefined) return;
    const id = poolId(cidr);
    const sent = this.#pools.get(id);
    if (pool === null) {
      if (sent === undefined) return;
      this.#pools.delete(id);
      this.#sink.onIPPoolRemove(id);
      return;
    }
    const msg: IPAMPoolUpdate = {
      type: "IPAMPoolUpdate",
      id,
      pool: {
        cidr,
        masquerade: pool.masquerade,
        ipipMode: pool.ipipMode,
        vxlanMode: pool.vxlanMode,
        allowedUses: [...pool.allowedUses ?? []],
      },
    };
    if (sent !== undefined && deepEqual(sent, msg)) return;
    this.#pools.set(id, msg);
    this.#sink.onIPPoolUpdate(msg);
  }
}
