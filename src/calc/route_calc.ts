/**
 * The merge rule of the L3 route resolver: one `RouteUpdate` from everything that contributes to a
 * CIDR, its containing pool, and the nodes' host addresses (`reference/bpf-routing.md` §6.1).
 *
 * @module
 */
import type { IPPool } from "../model/values.ts";
import { type IPPoolType, RouteTypes, type RouteUpdate } from "../proto/messages.ts";
import { addressOf, inSubnet, type NodeHostAddresses } from "./host_addresses.ts";
import type { RouteSource } from "./route_sources.ts";

/** What a route takes from the pool that contains it. */
export interface PoolInfo {
  readonly type: IPPoolType;
  readonly natOutgoing: boolean;
  readonly crossSubnet: boolean;
}

/** A pool's routing attributes: VXLAN wins over IPIP; neither means no-encap. */
export function poolInfo(pool: IPPool): PoolInfo {
  const type: IPPoolType = pool.vxlanMode !== "never"
    ? "vxlan"
    : pool.ipipMode !== "never"
    ? "ipip"
    : "no-encap";
  return {
    type,
    natOutgoing: pool.masquerade,
    crossSubnet: pool.vxlanMode === "cross-subnet" || pool.ipipMode === "cross-subnet",
  };
}

/** What the merge needs to know beyond the CIDR's own sources. */
export interface RouteContext {
  readonly hostname: string;
  /** The longest pool containing the CIDR. */
  readonly pool: PoolInfo | undefined;
  /** The node owning the longest block containing the CIDR (for `borrowed`). */
  readonly blockNode: string | undefined;
  readonly nodes: ReadonlyMap<string, NodeHostAddresses>;
}

/** Which source names the destination node when several do (higher wins). */
const NODE_RANK: Readonly<Record<RouteSource["kind"], number>> = {
  pool: -1,
  block: 0,
  wep: 1,
  tunnel: 2,
  host: 3,
};

function typeBits(src: RouteSource, local: boolean): number {
  switch (src.kind) {
    case "pool":
      return RouteTypes.CIDR_INFO;
    case "block":
    case "wep":
      return local ? RouteTypes.LOCAL_WORKLOAD : RouteTypes.REMOTE_WORKLOAD;
    case "host":
      return local ? RouteTypes.LOCAL_HOST : RouteTypes.REMOTE_HOST;
    case "tunnel":
      return local ? RouteTypes.LOCAL_TUNNEL : RouteTypes.REMOTE_TUNNEL;
  }
}

function destinationNode(sources: readonly RouteSource[]): string {
  let best: RouteSource | undefined;
  for (const s of sources) {
    if (s.kind === "pool") continue;
    if (
      best === undefined || best.kind === "pool" || NODE_RANK[s.kind] > NODE_RANK[best.kind] ||
      (NODE_RANK[s.kind] === NODE_RANK[best.kind] && s.node < best.node)
    ) best = s;
  }
  return best === undefined || best.kind === "pool" ? "" : best.node;
}

function sameSubnet(ctx: RouteContext, family: 4 | 6, dstIp: string): boolean {
  if (ctx.pool?.crossSubnet !== true || dstIp === "") return false;
  const local = ctx.nodes.get(ctx.hostname);
  const mine = local === undefined ? undefined : addressOf(local, family);
  return mine !== undefined && inSubnet(mine, dstIp);
}

/** Merge the sources of `cidr` (at least one) into its route. */
export function computeRoute(
  cidr: string,
  sources: readonly RouteSource[],
  ctx: RouteContext,
): RouteUpdate {
  const family = cidr.includes(":") ? 6 : 4;
  let types = 0;
  let localWorkload = false;
  let borrowed = false;
  const tunnelType = { ipip: false, vxlan: false, wireguard: false };
  for (const s of sources) {
    const local = s.kind !== "pool" && s.node === ctx.hostname;
    types |= typeBits(s, local);
    if (s.kind === "tunnel") tunnelType[s.tunnel] = true;
    if (s.kind === "wep") {
      if (local) localWorkload = true;
      if (ctx.blockNode !== undefined && ctx.blockNode !== s.node) borrowed = true;
    }
  }
  const dstNodeName = destinationNode(sources);
  const dstNode = ctx.nodes.get(dstNodeName);
  const dstNodeIp = (dstNode === undefined ? undefined : addressOf(dstNode, family))?.ip ?? "";
  return {
    type: "RouteUpdate",
    types,
    ipPoolType: ctx.pool?.type ?? "none",
    dst: cidr,
    dstNodeName,
    dstNodeIp,
    sameSubnet: sameSubnet(ctx, family, dstNodeIp),
    natOutgoing: ctx.pool?.natOutgoing ?? false,
    localWorkload,
    tunnelType,
    borrowed,
  };
}
