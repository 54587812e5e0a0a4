import { deepEqual } from "node:assert/strict";
import {
  HostMetadataResolver,
  type HostMetadataSink,
  poolId,
} from "../../src/calc/host_metadata.ts";
import { kv, type KVUpdate } from "../../src/model/kv.ts";
import type { NodeSpec } from "../../src/model/v3_resources.ts";
import type { IPPool } from "../../src/model/values.ts";
import { feeder, ipPoolKV, nodeKV as node, Recorder } from "./fixtures.ts";

function setup() {
  const rec = new Recorder<HostMetadataSink>();
  return feeder(new HostMetadataResolver({ sink: rec.sink }), rec);
}

/** An IP pool with VXLAN always and NAT on; `o` replaces fields. */
function pool(cidr: string, o: Partial<IPPool> = {}): KVUpdate {
  return ipPoolKV(cidr, { vxlanMode: "always", masquerade: true, ...o });
}

/** The sink call that sends pool 10.65.0.0/16 (NAT on) with these encapsulation modes. */
function sentPool(ipipMode: string, vxlanMode: string): unknown[] {
  const pool = {
    cidr: "10.65.0.0/16",
    masquerade: true,
    ipipMode,
    vxlanMode,
    allowedUses: ["Workload", "Tunnel"],
  };
  return ["onIPPoolUpdate", { type: "IPAMPoolUpdate", id: "10.65.0.0-16", pool }];
}

Deno.test("poolId replaces the slash of the CIDR with a dash", () => {
  deepEqual(poolId("fd00:65::/48"), "fd00:65::-48");
});

Deno.test("HostMetadataResolver passes IP pools through as IPAMPoolUpdate and IPAMPoolRemove", () => {
  const feed = setup();
  deepEqual(feed(pool("10.65.0.0/16")), [sentPool("never", "always")]);
  deepEqual(feed(pool("10.65.0.0/16", { disabled: true })), []);
  deepEqual(feed(pool("10.65.0.0/16", { ipipMode: "cross-subnet", vxlanMode: "never" })), [
    sentPool("cross-subnet", "never"),
  ]);
  deepEqual(feed(kv({ kind: "IPPool", cidr: "10.65.0.0/16" }, null)), [
    ["onIPPoolRemove", "10.65.0.0-16"],
  ]);
  deepEqual(feed(kv({ kind: "IPPool", cidr: "10.65.0.0/16" }, null)), []);
});

Deno.test("HostMetadataResolver sends a node's addresses in CIDR form with AS number and labels", () => {
  const feed = setup();
  const spec = {
    bgp: { ipv4Address: "10.0.0.5/24", ipv6Address: "fd00:1::5/64", asNumber: 64512 },
  };
  deepEqual(feed(node("n1", spec, { zone: "a" })), [[
    "onHostMetadataUpdate",
    {
      type: "HostMetadataUpdate",
      hostname: "n1",
      ipv4Addr: "10.0.0.5/24",
      ipv6Addr: "fd00:1::5/64",
      asNumber: "64512",
      labels: { zone: "a" },
    },
  ]]);
  deepEqual(feed(node("n1", spec, { zone: "a" })), []);
  deepEqual(feed(node("n1", spec, { zone: "b" })).length, 1);
  deepEqual(feed(node("n1", null)), [["onHostMetadataRemove", "n1"]]);
  deepEqual(feed(node("n1", null)), []);
});

Deno.test("HostMetadataResolver falls back to InternalIP, sent as a /32, when BGP has a bare IP", () => {
  const feed = setup();
  const spec: NodeSpec = {
    bgp: { ipv4Address: "10.0.0.5" },
    addresses: [{ address: "192.168.1.5", type: "ExternalIP" }, {
      address: "10.1.0.5",
      type: "InternalIP",
    }],
  };
  deepEqual(feed(node("n2", spec)), [[
    "onHostMetadataUpdate",
    {
      type: "HostMetadataUpdate",
      hostname: "n2",
      ipv4Addr: "10.1.0.5/32",
      ipv6Addr: "",
      asNumber: "",
      labels: {},
    },
  ]]);
});
