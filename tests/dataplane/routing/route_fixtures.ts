/**
 * Shared helpers of the routing unit tests: a fake kernel with a host interface, a manual clock,
 * and `ip route`-style listings of the fake's main table.
 */
import { Config } from "../../../src/config/mod.ts";
import type { ConfigValues } from "../../../src/config/config_values.ts";
import type {
  RouteUpdate,
  VXLANTunnelEndpointUpdate,
  WorkloadEndpointUpdate,
} from "../../../src/proto/messages.ts";
import { FakeNetlink } from "../../../src/dataplane/routing/fake_netlink.ts";
import type { RouteMsg } from "../../../src/dataplane/routing/netlink_handle.ts";
import type { OwnershipRules } from "../../../src/dataplane/routing/route_ownership.ts";
import { describeRoute } from "../../../src/dataplane/routing/route_target.ts";
import { wep } from "../rules/fixtures.ts";

/** The default ownership rules (DeviceRouteProtocol 3, `cali` workloads, VXLAN devices). */
export const RULES: OwnershipRules = {
  deviceRouteProtocol: 3,
  workloadPrefixes: ["cali"],
  removeExternalRoutes: true,
  exclusiveIfaces: ["vxlan.calico", "vxlan-v6.calico"],
  birdIfaces: [],
};

/** A clock the test moves. */
export class ManualClock {
  ms = 0;
  readonly now = (): number => this.ms;
}

/** A fake kernel with `eth0` (192.168.77.1/24) up. */
export function fakeHost(): FakeNetlink {
  const nl = new FakeNetlink();
  const eth0 = nl.addLink("eth0", { kind: "veth" });
  nl.putAddr({
    family: 2,
    prefixLen: 24,
    index: eth0.index,
    local: "192.168.77.1",
    address: "192.168.77.1",
  });
  return nl;
}

/** The fake's main-table routes of one family as `ip route` lines, sorted. */
export function mainRoutes(nl: FakeNetlink, family: 2 | 10 = 2): string[] {
  const names = new Map(nl.listLinks().map((l) => [l.index, l.name ?? ""]));
  return nl.routes()
    .filter((r) => r.table === 254 && r.family === family)
    .map((r) => describeRoute(r, r.oif === undefined ? undefined : names.get(r.oif)))
    .sort();
}

/** A main-table IPv4 route for `putRoute`. */
export function kernelRoute(r: Partial<RouteMsg> & { dst: string; dstLen: number }): RouteMsg {
  return { family: 2, table: 254, protocol: 3, scope: 0, type: 1, flags: 0, ...r };
}

/** A `WorkloadEndpointUpdate` for pod `pod` on interface `iface` with IPv4 `ip`. */
export function wepUpdate(pod: string, iface: string, ip: string): WorkloadEndpointUpdate {
  return {
    type: "WorkloadEndpointUpdate",
    id: { orchestratorId: "k8s", workloadId: `default/${pod}`, endpointId: "eth0" },
    endpoint: wep(iface, { ipv4Nets: [`${ip}/32`] }),
  };
}

/** A `RouteUpdate` with the fields the dataplane reads. */
export function routeUpdate(
  dst: string,
  types: number,
  node: string,
  nodeIp: string,
  extra: Partial<RouteUpdate> = {},
): RouteUpdate {
  return {
    type: "RouteUpdate",
    types,
    ipPoolType: "vxlan",
    dst,
    dstNodeName: node,
    dstNodeIp: nodeIp,
    sameSubnet: false,
    natOutgoing: true,
    localWorkload: false,
    tunnelType: { ipip: false, vxlan: false, wireguard: false },
    borrowed: false,
    ...extra,
  };
}

/** A node's IPv4 VTEP. */
export function vtep(
  node: string,
  tunnelIP: string,
  nodeIP: string,
  mac: string,
): VXLANTunnelEndpointUpdate {
  return {
    type: "VXLANTunnelEndpointUpdate",
    node,
    mac,
    ipv4Addr: tunnelIP,
    parentDeviceIp: nodeIP,
    macV6: "",
    ipv6Addr: "",
    parentDeviceIpv6: "",
  };
}

/** Default configuration values for `node-a`, with overrides (raw strings). */
export function configFor(overrides: Record<string, string> = {}): ConfigValues {
  const c = new Config({ hostname: "node-a" });
  c.updateFrom("config-file", overrides);
  return c.values;
}
