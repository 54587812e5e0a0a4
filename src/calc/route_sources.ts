/**
 * What contributes to each route CIDR. Every input of the L3 route resolver (a pool, a block, a
 * node's host addresses, a tunnel address, a workload endpoint) is an _owner_ that contributes a
 * set of (CIDR, source) pairs; replacing an owner's set records which CIDRs changed. Several
 * owners may contribute to one CIDR; the resolver merges them into one route.
 *
 * @module
 */
import { CidrMap } from "../lib/cidr_map.ts";
import { deepEqual } from "../lib/deep_equal.ts";

/** The tunnel an address belongs to. */
export type TunnelKind = "ipip" | "vxlan" | "wireguard";

/** One contribution to a route. */
export type RouteSource =
  | { readonly kind: "pool" }
  | { readonly kind: "block"; readonly node: string }
  | { readonly kind: "host"; readonly node: string }
  | { readonly kind: "tunnel"; readonly node: string; readonly tunnel: TunnelKind }
  | { readonly kind: "wep"; readonly node: string };

function nodeOf(s: RouteSource): string | undefined {
  return s.kind === "pool" ? undefined : s.node;
}

/** The contributions of every owner, indexed by CIDR and by node. */
export class RouteSources {
  /** CIDR -> owner -> source. */
  readonly #byCidr = new CidrMap<Map<string, RouteSource>>();
  /** owner -> CIDR -> source. */
  readonly #byOwner = new Map<string, ReadonlyMap<string, RouteSource>>();
  /** node -> CIDR -> number of sources naming the node there. */
  readonly #byNode = new Map<string, Map<string, number>>();

  /**
   * Replace everything `owner` contributes with `entries` (canonical CIDR -> source); adds each
   * CIDR whose contributions changed to `changed`.
   */
  replace(owner: string, entries: ReadonlyMap<string, RouteSource>, changed: Set<string>): void {
    const old = this.#byOwner.get(owner);
    for (const [cidr, src] of old ?? []) {
      const next = entries.get(cidr);
      if (next !== undefined && deepEqual(src, next)) continue;
      this.#remove(owner, cidr, src);
      changed.add(cidr);
    }
    for (const [cidr, src] of entries) {
      const prev = old?.get(cidr);
      if (prev !== undefined && deepEqual(prev, src)) continue;
      this.#add(owner, cidr, src);
      changed.add(cidr);
    }
    if (entries.size === 0) this.#byOwner.delete(owner);
    else this.#byOwner.set(owner, new Map(entries));
  }

  /** The sources of `cidr` (empty when nothing contributes). */
  at(cidr: string): readonly RouteSource[] {
    const owners = this.#byCidr.get(cidr);
    return owners === undefined ? [] : [...owners.values()];
  }

  /** CIDRs with a source that names `node`. */
  cidrsOfNode(node: string): readonly string[] {
    return [...this.#byNode.get(node)?.keys() ?? []];
  }

  /** CIDRs with any source inside `cidr` (itself included). */
  cidrsWithin(cidr: string): readonly string[] {
    return [...this.#byCidr.within(cidr)].map(([c]) => c);
  }

  /** Every CIDR with a source. */
  allCidrs(): readonly string[] {
    return [...this.#byCidr.entries()].map(([c]) => c);
  }

  #add(owner: string, cidr: string, src: RouteSource): void {
    let owners = this.#byCidr.get(cidr);
    if (owners === undefined) this.#byCidr.set(cidr, owners = new Map());
    owners.set(owner, src);
    const node = nodeOf(src);
    if (node === undefined) return;
    let counts = this.#byNode.get(node);
    if (counts === undefined) this.#byNode.set(node, counts = new Map());
    counts.set(cidr, (counts.get(cidr) ?? 0) + 1);
  }

  #remove(owner: string, cidr: string, src: RouteSource): void {
    const owners = this.#byCidr.get(cidr);
    owners?.delete(owner);
    if (owners?.size === 0) this.#byCidr.delete(cidr);
    const node = nodeOf(src);
    if (node === undefined) return;
    const counts = this.#byNode.get(node);
    const n = (counts?.get(cidr) ?? 0) - 1;
    if (n > 0) counts!.set(cidr, n);
    else counts?.delete(cidr);
    if (counts?.size === 0) this.#byNode.delete(node);
  }
}
