/** `renderRoutes`: which class wants which route, from calc-graph messages. */
import { deepEqual } from "node:assert/strict";
import {
  type ClassRoutes,
  renderRoutes,
  type RouteRenderInput,
  type RouteSettings,
} from "../../../src/dataplane/routing/routes_renderer.ts";
import { RouteTypes as T } from "../../../src/proto/messages.ts";
import { routeUpdate, vtep, wepUpdate } from "./route_fixtures.ts";

const SETTINGS: RouteSettings = {
  hostname: "node-a",
  deviceRouteProtocol: 3,
  workloadMetric: 1024,
  deviceRouteSourceAddress: "",
  programClusterRoutes: "EnabledIPIPOnly",
  vxlanDevice: "vxlan.calico",
  ipipDevice: "tunl0",
  floatingIPs: false,
};

const VTEPS = new Map([
  ["node-a", vtep("node-a", "10.65.0.0", "192.168.77.1", "66:00:00:00:00:0a")],
  ["node-b", vtep("node-b", "10.65.1.0", "192.168.77.2", "66:00:00:00:00:0b")],
]);

function render(partial: Partial<RouteRenderInput>): string[] {
  const out: ClassRoutes[] = renderRoutes({
    family: 4,
    settings: SETTINGS,
    workloads: [],
    routes: [],
    vteps: VTEPS,
    parentIface: "eth0",
    ...partial,
  });
  return out.flatMap((c) =>
    c.targets.map((t) =>
      `${c.cls} ${c.iface || "-"} ${t.type} ${t.cidr}${t.gateway ? ` via ${t.gateway}` : ""} ` +
      `proto ${t.protocol}${t.metric ? ` metric ${t.metric}` : ""}${t.src ? ` src ${t.src}` : ""}`
    )
  ).sort();
}

Deno.test("renderRoutes: a VXLAN cluster's routes on node-a (workload, blackhole, tunnel)", () => {
  const routes = [
    routeUpdate("10.65.0.0/16", T.CIDR_INFO, "", ""),
    routeUpdate("10.65.0.0/26", T.LOCAL_WORKLOAD, "node-a", "192.168.77.1"),
    routeUpdate("10.65.0.5/32", T.LOCAL_WORKLOAD, "node-a", "192.168.77.1", {
      localWorkload: true,
    }),
    routeUpdate("10.65.0.0/32", T.LOCAL_TUNNEL, "node-a", "192.168.77.1"),
    routeUpdate("10.65.1.0/26", T.REMOTE_WORKLOAD, "node-b", "192.168.77.2"),
    routeUpdate("10.65.1.0/32", T.REMOTE_TUNNEL, "node-b", "192.168.77.2", {
      tunnelType: { ipip: false, vxlan: true, wireguard: false },
    }),
    routeUpdate("192.168.77.2/32", T.REMOTE_HOST, "node-b", "192.168.77.2", { ipPoolType: "none" }),
  ];
  deepEqual(render({ routes, workloads: [wepUpdate("p1", "cali1111", "10.65.0.5").endpoint] }), [
    "blackhole - blackhole 10.65.0.0/26 proto 80",
    "local-workload cali1111 link 10.65.0.5/32 proto 3 metric 1024",
    "vxlan-tunnel vxlan.calico link 10.65.1.0/32 proto 3",
    "vxlan-tunnel vxlan.calico onlink 10.65.1.0/26 via 10.65.1.0 proto 3",
  ]);
});

Deno.test("renderRoutes: CrossSubnet same-subnet blocks go direct via the parent interface", () => {
  const routes = [
    routeUpdate("10.65.1.0/26", T.REMOTE_WORKLOAD, "node-b", "192.168.77.2", { sameSubnet: true }),
  ];
  deepEqual(render({ routes }), [
    "vxlan-same-subnet eth0 onlink 10.65.1.0/26 via 192.168.77.2 proto 80",
  ]);
  deepEqual(render({ routes, parentIface: undefined }), [], "no parent interface known yet");
});

Deno.test("renderRoutes: no route to a remote VXLAN block before its node's VTEP is known", () => {
  const routes = [routeUpdate("10.65.2.0/26", T.REMOTE_WORKLOAD, "node-c", "192.168.77.3")];
  deepEqual(render({ routes }), []);
});

Deno.test("renderRoutes: ProgramClusterRoutes decides IPIP and no-encap routes and blackholes", () => {
  const routes = [
    routeUpdate("10.70.1.0/26", T.REMOTE_WORKLOAD, "node-b", "192.168.77.2", {
      ipPoolType: "ipip",
    }),
    routeUpdate("10.70.0.0/26", T.LOCAL_WORKLOAD, "node-a", "192.168.77.1", { ipPoolType: "ipip" }),
    routeUpdate("10.80.1.0/26", T.REMOTE_WORKLOAD, "node-b", "192.168.77.2", {
      ipPoolType: "no-encap",
    }),
  ];
  deepEqual(render({ routes }), [
    "blackhole - blackhole 10.70.0.0/26 proto 80",
    "ipip-tunnel tunl0 onlink 10.70.1.0/26 via 192.168.77.2 proto 80",
  ]);
  deepEqual(render({ routes, settings: { ...SETTINGS, programClusterRoutes: "Enabled" } }), [
    "blackhole - blackhole 10.70.0.0/26 proto 80",
    "ipip-tunnel tunl0 onlink 10.70.1.0/26 via 192.168.77.2 proto 80",
    "no-encap eth0 onlink 10.80.1.0/26 via 192.168.77.2 proto 80",
  ]);
  deepEqual(render({ routes, settings: { ...SETTINGS, programClusterRoutes: "Disabled" } }), []);
});

Deno.test("renderRoutes: a non-boot DeviceRouteProtocol also marks the exclusive routes", () => {
  const routes = [routeUpdate("10.65.0.0/26", T.LOCAL_WORKLOAD, "node-a", "192.168.77.1")];
  const w = wepUpdate("p1", "cali1111", "10.65.0.5").endpoint;
  deepEqual(
    render({
      routes,
      workloads: [w],
      settings: { ...SETTINGS, deviceRouteProtocol: 5, deviceRouteSourceAddress: "192.168.77.1" },
    }),
    [
      "blackhole - blackhole 10.65.0.0/26 proto 5",
      "local-workload cali1111 link 10.65.0.5/32 proto 5 metric 1024 src 192.168.77.1",
    ],
  );
});

Deno.test("renderRoutes: inactive endpoints get no route; floating IPs do when enabled", () => {
  const base = wepUpdate("p1", "cali1111", "10.65.0.5").endpoint;
  const down = { ...base, state: "down" };
  const nat = { ...base, ipv4NAT: [{ extIP: "172.16.0.9", intIP: "10.65.0.5" }] };
  deepEqual(render({ workloads: [down] }), []);
  deepEqual(render({ workloads: [nat] }), [
    "local-workload cali1111 link 10.65.0.5/32 proto 3 metric 1024",
  ]);
  deepEqual(render({ workloads: [nat], settings: { ...SETTINGS, floatingIPs: true } }), [
    "local-workload cali1111 link 10.65.0.5/32 proto 3 metric 1024",
    "local-workload cali1111 link 172.16.0.9/32 proto 3 metric 1024",
  ]);
});

Deno.test("renderRoutes: IPv6 renders only IPv6 destinations, through vxlan-v6.calico", () => {
  const v6vteps = new Map([["node-b", {
    ...vtep("node-b", "", "", ""),
    macV6: "66:00:00:00:00:1b",
    ipv6Addr: "fd00:65:1::",
    parentDeviceIpv6: "fd77::2",
  }]]);
  const routes = [
    routeUpdate("fd00:65:1::/122", T.REMOTE_WORKLOAD, "node-b", "fd77::2"),
    routeUpdate("10.65.1.0/26", T.REMOTE_WORKLOAD, "node-b", "192.168.77.2"),
  ];
  deepEqual(
    render({
      family: 6,
      routes,
      vteps: v6vteps,
      settings: { ...SETTINGS, vxlanDevice: "vxlan-v6.calico" },
    }),
    ["vxlan-tunnel vxlan-v6.calico onlink fd00:65:1::/122 via fd00:65:1:: proto 3"],
  );
});
