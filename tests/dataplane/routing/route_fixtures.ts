/**
 * Shared helpers of the routing unit tests: a fake kernel with a host interface, a manual clock,
 * and `ip route`-style listings of the fake's main table.
 */
import { FakeNetlink } from "../../../src/dataplane/routing/fake_netlink.ts";
import type { RouteMsg } from "../../../src/dataplane/routing/netlink_handle.ts";
import type { OwnershipRules } from "../../../src/dataplane/routing/route_ownership.ts";
import { describeRoute } from "../../../src/dataplane/routing/route_target.ts";

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
