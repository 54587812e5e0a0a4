/**
 * Upstream's L3RouteResolver: the routes this node should know about, from IP pools, IPAM blocks,
 * nodes' host addresses, tunnel addresses and workload endpoints (`reference/bpf-routing.md`
 * §6.1). Each contributing input is an owner of (CIDR, source) pairs (`route_sources.ts`); the
 * sources of a CIDR merge into one `RouteUpdate` (`route_calc.ts`).
 *
 * Each update recomputes the CIDRs it affects before returning and emits a `RouteUpdate` when a
 * merged route differs from the last one sent, or a `RouteRemove` once nothing contributes to it.
 * (There is no separate flush: the event sequencer coalesces, and nothing can forget to call it.)
 *
 * @module
 */
import { CidrMap } from "../lib/cidr_map.ts";
import { deepEqual } from "../lib/deep_equal.ts";
import { formatIP, normaliseCIDR, parseCIDR } from "../lib/ip.ts";
import type { WorkloadEndpointKey } from "../model/keys.ts";
import { keyPath } from "../model/keys.ts";
import type { KVUpdate } from "../model/kv.ts";
import type { Node } from "../model/v3_resources.ts";
import type { AllocationBlock, IPPool, WorkloadEndpoint } from "../model/values.ts";
import type { RouteUpdate } from "../proto/messages.ts";
import {
  asNode,
  type NodeHostAddresses,
  nodeHostAddresses,
  sameHostAddresses,
} from "./host_addresses.ts";
import { computeRoute, type PoolInfo, poolInfo } from "./route_calc.ts";
import { type RouteSource, RouteSources, type TunnelKind } from "./route_sources.ts";
import type { CalcSink } from "./sinks.ts";

/** Where workload routes come from: IPAM blocks (default) or each endpoint's IPs. */
export type RouteSourceMode = "CalicoIPAM" | "WorkloadIPs";

/** Options for `L3RouteResolver`. */
export interface L3RouteResolverOptions {
  readonly hostname: string;
  readonly sink: Pick<CalcSink, "onRouteUpdate" | "onRouteRemove">;
  readonly routeSource?: RouteSourceMode;
}

/** HostConfig names that carry a node's tunnel addresses. */
const TUNNEL_CONFIG: Readonly<Record<string, TunnelKind>> = {
  IpInIpTunnelAddr: "ipip",
  IPv4VXLANTunnelAddr: "vxlan",
  IPv6VXLANTunnelAddr: "vxlan",
};

/** The node a block is affine to (`host:<node>`), if any. */
export function blockNode(block: AllocationBlock): string | undefined {
  const a = block.affinity;
  return typeof a === "string" && a.startsWith("host:") && a.length > 5 ? a.slice(5) : undefined;
}

/** The host route (/32 or /128) of an address, given bare or with a prefix. */
function hostCIDR(ip: string): string | undefined {
  const c = parseCIDR(ip.trim());
  return c === undefined ? undefined : `${formatIP(c)}/${c.family === 4 ? 32 : 128}`;
}

function single(cidr: string | undefined, src: RouteSource): ReadonlyMap<string, RouteSource> {
  return cidr === undefined ? new Map() : new Map([[cidr, src]]);
}

/** Computes routes from pools, blocks, nodes, tunnel addresses and workload endpoints. */
export class L3RouteResolver {
  readonly #hostname: string;
  readonly #sink: Pick<CalcSink, "onRouteUpdate" | "onRouteRemove">;
  readonly #mode: RouteSourceMode;
  readonly #pools = new CidrMap<PoolInfo>();
  readonly #blocks = new CidrMap<string>();
  readonly #nodes = new Map<string, NodeHostAddresses>();
  readonly #sources = new RouteSources();
  readonly #dirty = new Set<string>();
  readonly #sent = new Map<string, RouteUpdate>();

  constructor(options: L3RouteResolverOptions) {
    this.#hostname = options.hostname;
    this.#sink = options.sink;
    this.#mode = options.routeSource ?? "CalicoIPAM";
  }

  /** Take one update and emit the routes it changed; kinds routing does not read are ignored. */
  onUpdate(u: KVUpdate): void {
    this.#apply(u);
    if (this.#dirty.size === 0) return;
    const dirty = [...this.#dirty].sort();
    this.#dirty.clear();
    for (const cidr of dirty) this.#recalculate(cidr);
  }

  #apply(u: KVUpdate): void {
    switch (u.key.kind) {
      case "IPPool":
        return this.#onPool(u.key.cidr, u.value as IPPool | null);
      case "Block":
        return this.#onBlock(u.key.cidr, u.value as AllocationBlock | null);
      case "Resource":
        if (u.key.resourceKind !== "Node") return;
        return this.#onNode(u.key.name, asNode(u.value));
      case "HostConfig":
        return this.#onHostConfig(u.key.hostname, u.key.name, u.value as string | null);
      case "WorkloadEndpoint":
        return this.#onEndpoint(u.key, u.value as WorkloadEndpoint | null);
      default:
        return;
    }
  }

  #recalculate(cidr: string): void {
    const sources = this.#sources.at(cidr);
    const sent = this.#sent.get(cidr);
    if (sources.length === 0) {
      if (sent === undefined) return;
      this.#sent.delete(cidr);
      this.#sink.onRouteRemove(cidr);
      return;
    }
    const route = computeRoute(cidr, sources, {
      hostname: this.#hostname,
      pool: this.#pools.longestMatch(cidr)?.[1],
      blockNode: this.#blocks.longestMatch(cidr)?.[1],
      nodes: this.#nodes,
    });
    if (sent !== undefined && deepEqual(sent, route)) return;
    this.#sent.set(cidr, route);
    this.#sink.onRouteUpdate(route);
  }

  #markWithin(cidr: string): void {
    for (const c of this.#sources.cidrsWithin(cidr)) this.#dirty.add(c);
  }

  #onPool(keyCidr: string, pool: IPPool | null): void {
    const cidr = normaliseCIDR(keyCidr);
    if (cidr === undefined) return;
    const info = pool === null ? undefined : poolInfo(pool);
    const changed = !deepEqual(this.#pools.get(cidr), info);
    if (info === undefined) this.#pools.delete(cidr);
    else this.#pools.set(cidr, info);
    const entries = info === undefined ? new Map() : single(cidr, { kind: "pool" });
    this.#sources.replace(`pool:${cidr}`, entries, this.#dirty);
    if (changed) this.#markWithin(cidr);
  }

  #onBlock(keyCidr: string, block: AllocationBlock | null): void {
    const cidr = normaliseCIDR(keyCidr);
    if (cidr === undefined) return;
    const node = block === null ? undefined : blockNode(block);
    const changed = this.#blocks.get(cidr) !== node;
    if (node === undefined) this.#blocks.delete(cidr);
    else this.#blocks.set(cidr, node);
    const entries = node === undefined || this.#mode === "WorkloadIPs"
      ? new Map<string, RouteSource>()
      : single(cidr, { kind: "block", node });
    this.#sources.replace(`block:${cidr}`, entries, this.#dirty);
    if (changed) this.#markWithin(cidr); // `borrowed` of endpoint routes inside may change
  }

  #onNode(name: string, node: Node | undefined): void {
    const addrs = node === undefined ? undefined : nodeHostAddresses(node);
    const old = this.#nodes.get(name);
    if (!sameHostAddresses(old, addrs)) {
      if (addrs === undefined) this.#nodes.delete(name);
      else this.#nodes.set(name, addrs);
      // Routes naming this node carry its IP; the local node's subnet decides sameSubnet.
      const affected = name === this.#hostname
        ? this.#sources.allCidrs()
        : this.#sources.cidrsOfNode(name);
      for (const c of affected) this.#dirty.add(c);
    }
    const hosts = new Map<string, RouteSource>();
    for (const ip of addrs?.all ?? []) {
      const c = hostCIDR(ip);
      if (c !== undefined) hosts.set(c, { kind: "host", node: name });
    }
    this.#sources.replace(`host:${name}`, hosts, this.#dirty);
    const wg = node?.spec.wireguard;
    const tunnels = new Map<string, RouteSource>();
    for (const ip of [wg?.interfaceIPv4Address, wg?.interfaceIPv6Address]) {
      const c = typeof ip === "string" ? hostCIDR(ip) : undefined;
      if (c !== undefined) tunnels.set(c, { kind: "tunnel", node: name, tunnel: "wireguard" });
    }
    this.#sources.replace(`wireguard:${name}`, tunnels, this.#dirty);
  }

  #onHostConfig(hostname: string, name: string, value: string | null): void {
    const tunnel = TUNNEL_CONFIG[name];
    if (tunnel === undefined) return;
    const cidr = typeof value === "string" ? hostCIDR(value) : undefined;
    const entries = single(cidr, { kind: "tunnel", node: hostname, tunnel });
    this.#sources.replace(`tunnel:${hostname}:${name}`, entries, this.#dirty);
  }

  #onEndpoint(key: WorkloadEndpointKey, wep: WorkloadEndpoint | null): void {
    if (this.#mode === "CalicoIPAM" && key.hostname !== this.#hostname) return;
    const entries = new Map<string, RouteSource>();
    for (const net of [...wep?.ipv4Nets ?? [], ...wep?.ipv6Nets ?? []]) {
      const cidr = typeof net === "string" ? normaliseCIDR(net) : undefined;
      if (cidr !== undefined) entries.set(cidr, { kind: "wep", node: key.hostname });
    }
    this.#sources.replace(`wep:${keyPath(key)}`, entries, this.#dirty);
  }
}
