import { deepEqual, equal } from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  deriveVTEPMAC,
  VXLANResolver,
  type VXLANResolverOptions,
} from "../../src/calc/vxlan_resolver.ts";
import type { VXLANTunnelEndpointUpdate } from "../../src/proto/messages.ts";
import {
  type Call,
  feeder,
  hostConfigKV as hostConfig,
  nodeKV as node,
  Recorder,
} from "./fixtures.ts";

type VTEPSink = VXLANResolverOptions["sink"];

function setup() {
  const rec = new Recorder<VTEPSink>();
  return feeder(new VXLANResolver({ hostname: "n1", sink: rec.sink }), rec);
}

/** The expected derived MAC, computed here independently of the resolver. */
function expectedMAC(name: string): string {
  const hex = createHash("sha1").update(name).digest("hex").slice(0, 10);
  return `66:${hex.match(/../g)!.join(":")}`;
}

/** The sink call that sends `node`'s VTEP: empty fields but those in `o`. */
function vtep(
  node: string,
  o: Partial<Omit<VXLANTunnelEndpointUpdate, "type" | "node">>,
): Call<VTEPSink> {
  return ["onVTEPUpdate", {
    type: "VXLANTunnelEndpointUpdate",
    node,
    mac: "",
    ipv4Addr: "",
    parentDeviceIp: "",
    macV6: "",
    ipv6Addr: "",
    parentDeviceIpv6: "",
    ...o,
  }];
}

Deno.test("deriveVTEPMAC is 0x66 then the first five bytes of SHA-1 of the name", () => {
  equal(deriveVTEPMAC("node-a", 4), expectedMAC("node-a"));
  equal(deriveVTEPMAC("node-a", 6), expectedMAC("node-a-v6"));
  equal(deriveVTEPMAC("n1", 4).length, 17);
});

Deno.test("VXLANResolver emits a VTEP once a node has both a tunnel address and a host IP", () => {
  const feed = setup();
  deepEqual(feed(hostConfig("n2", "IPv4VXLANTunnelAddr", "10.65.2.1")), []);
  deepEqual(feed(node("n2", { bgp: { ipv4Address: "10.0.0.2/24" } })), [
    vtep("n2", { mac: expectedMAC("n2"), ipv4Addr: "10.65.2.1", parentDeviceIp: "10.0.0.2" }),
  ]);
});

Deno.test("VXLANResolver includes this node's own VTEP", () => {
  const feed = setup();
  deepEqual(
    feed(
      node("n1", { bgp: { ipv4Address: "10.0.0.1/24" } }),
      hostConfig("n1", "IPv4VXLANTunnelAddr", "10.65.1.1"),
    ),
    [vtep("n1", { mac: expectedMAC("n1"), ipv4Addr: "10.65.1.1", parentDeviceIp: "10.0.0.1" })],
  );
});

Deno.test("VXLANResolver uses a configured MAC, lower-cased, and derives again when it goes", () => {
  const feed = setup();
  feed(
    node("n2", { bgp: { ipv4Address: "10.0.0.2/24" } }),
    hostConfig("n2", "IPv4VXLANTunnelAddr", "10.65.2.1"),
  );
  deepEqual(feed(hostConfig("n2", "VXLANTunnelMACAddr", "AA:BB:CC:DD:EE:0F")), [
    vtep("n2", { mac: "aa:bb:cc:dd:ee:0f", ipv4Addr: "10.65.2.1", parentDeviceIp: "10.0.0.2" }),
  ]);
  deepEqual(feed(hostConfig("n2", "VXLANTunnelMACAddr", "not-a-mac")), [
    vtep("n2", { mac: expectedMAC("n2"), ipv4Addr: "10.65.2.1", parentDeviceIp: "10.0.0.2" }),
  ]);
});

Deno.test("VXLANResolver fills both families for a dual-stack node", () => {
  const feed = setup();
  const out = feed(
    node("n2", { bgp: { ipv4Address: "10.0.0.2/24", ipv6Address: "fd00:1::2/64" } }),
    hostConfig("n2", "IPv6VXLANTunnelAddr", "fd00:65::2:1"),
    hostConfig("n2", "VXLANTunnelMACAddrV6", "66:00:00:00:00:06"),
    hostConfig("n2", "IPv4VXLANTunnelAddr", "10.65.2.1"),
  );
  deepEqual(out, [
    vtep("n2", {
      macV6: expectedMAC("n2-v6"),
      ipv6Addr: "fd00:65::2:1",
      parentDeviceIpv6: "fd00:1::2",
    }),
    vtep("n2", {
      macV6: "66:00:00:00:00:06",
      ipv6Addr: "fd00:65::2:1",
      parentDeviceIpv6: "fd00:1::2",
    }),
    vtep("n2", {
      mac: expectedMAC("n2"),
      ipv4Addr: "10.65.2.1",
      parentDeviceIp: "10.0.0.2",
      macV6: "66:00:00:00:00:06",
      ipv6Addr: "fd00:65::2:1",
      parentDeviceIpv6: "fd00:1::2",
    }),
  ]);
});

Deno.test("VXLANResolver sends nothing for an update that does not change the VTEP", () => {
  const feed = setup();
  feed(
    node("n2", { bgp: { ipv4Address: "10.0.0.2/24" } }),
    hostConfig("n2", "IPv4VXLANTunnelAddr", "10.65.2.1"),
  );
  deepEqual(feed(node("n2", { bgp: { ipv4Address: "10.0.0.2/16", asNumber: 64512 } })), []);
  deepEqual(feed(hostConfig("n2", "IpInIpTunnelAddr", "10.65.2.2")), []);
  deepEqual(feed(node("n2", { bgp: { ipv4Address: "10.0.0.9/24" } })), [
    vtep("n2", { mac: expectedMAC("n2"), ipv4Addr: "10.65.2.1", parentDeviceIp: "10.0.0.9" }),
  ]);
});

Deno.test("VXLANResolver removes a VTEP whose tunnel address or node goes away", () => {
  const feed = setup();
  feed(
    node("n2", { bgp: { ipv4Address: "10.0.0.2/24" } }),
    hostConfig("n2", "IPv4VXLANTunnelAddr", "10.65.2.1"),
  );
  deepEqual(feed(hostConfig("n2", "IPv4VXLANTunnelAddr", null)), [
    ["onVTEPRemove", "n2"],
  ]);
  deepEqual(feed(hostConfig("n2", "IPv4VXLANTunnelAddr", "10.65.2.1")).length, 1);
  deepEqual(feed(node("n2", null)), [["onVTEPRemove", "n2"]]);
  deepEqual(feed(node("n2", null)), []);
});

Deno.test("VXLANResolver ignores a tunnel address of the wrong family or that does not parse", () => {
  const feed = setup();
  deepEqual(
    feed(
      node("n2", { bgp: { ipv4Address: "10.0.0.2/24" } }),
      hostConfig("n2", "IPv4VXLANTunnelAddr", "fd00::1"),
      hostConfig("n3", "IPv4VXLANTunnelAddr", "bogus"),
      node("n3", { bgp: { ipv4Address: "10.0.0.3/24" } }),
    ),
    [],
  );
});
