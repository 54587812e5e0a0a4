/**
 * The L3 route resolver under test: a recording sink, a resolver fed one update at a time, and
 * builders of the model updates it reads (pools, blocks, nodes, workload endpoints).
 *
 * @module
 */
import { L3RouteResolver, type RouteSourceMode } from "../../src/calc/l3_route_resolver.ts";
import { kv, type KVUpdate } from "../../src/model/kv.ts";
import type { NodeAddress } from "../../src/model/v3_resources.ts";
import type { EncapMode } from "../../src/model/values.ts";
import type { RouteUpdate } from "../../src/proto/messages.ts";
import { ipPoolKV, modelWorkloadEndpoint, nodeKV as node, wepKey } from "./fixtures.ts";

export type Event = RouteUpdate | { readonly type: "RouteRemove"; readonly dst: string };

/** Records every sink call, and the routes currently sent. */
export class RouteRecorder {
  events: Event[] = [];
  readonly routes = new Map<string, RouteUpdate>();
  onRouteUpdate(r: RouteUpdate): void {
    this.events.push(r);
    this.routes.set(r.dst, r);
  }
  onRouteRemove(dst: string): void {
    this.events.push({ type: "RouteRemove", dst });
    this.routes.delete(dst);
  }
  take(): Event[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}

export function setup(
  mode?: RouteSourceMode,
): { rec: RouteRecorder; feed: (...us: KVUpdate[]) => Event[] } {
  const rec = new RouteRecorder();
  const r = new L3RouteResolver({
    hostname: "n1",
    sink: rec,
    ...(mode === undefined ? {} : { routeSource: mode }),
  });
  return {
    rec,
    feed: (...us) => {
      for (const u of us) r.onUpdate(u);
      return rec.take();
    },
  };
}

export interface PoolOpts {
  vxlan?: EncapMode;
  ipip?: EncapMode;
  nat?: boolean;
}

export function pool(cidr: string, o: PoolOpts = {}): KVUpdate {
  return ipPoolKV(cidr, {
    ipipMode: o.ipip ?? "never",
    vxlanMode: o.vxlan ?? "never",
    masquerade: o.nat ?? false,
  });
}

export function poolGone(cidr: string): KVUpdate {
  return kv({ kind: "IPPool", cidr }, null);
}

export function block(cidr: string, node: string | undefined): KVUpdate {
  const value = node === undefined
    ? { cidr, allocations: [] }
    : { cidr, affinity: `host:${node}`, allocations: [] };
  return kv({ kind: "Block", cidr }, value);
}

export function bgpNode(
  name: string,
  v4?: string,
  v6?: string,
  addresses?: NodeAddress[],
): KVUpdate {
  const bgp = { ...v4 === undefined ? {} : { ipv4Address: v4 } };
  return node(name, {
    bgp: { ...bgp, ...v6 === undefined ? {} : { ipv6Address: v6 } },
    ...addresses === undefined ? {} : { addresses },
  });
}

/** Pod `default/<id>` on `host` with these addresses, or its deletion when `nets` is null. */
export function wep(host: string, id: string, nets: string[] | null): KVUpdate {
  const key = wepKey(id, host, "default");
  if (nets === null) return kv(key, null);
  const ipv4Nets = nets.filter((n) => !n.includes(":"));
  const ipv6Nets = nets.filter((n) => n.includes(":"));
  return kv(key, modelWorkloadEndpoint({ name: `cali${id}`, ipv4Nets, ipv6Nets }));
}

export function remove(dst: string): Event {
  return { type: "RouteRemove", dst };
}
