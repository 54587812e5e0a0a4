import { deepEqual } from "node:assert/strict";
import { HostMetadataResolver, poolId } from "../../src/calc/host_metadata.ts";
import { kv, type KVUpdate } from "../../src/model/kv.ts";
import type { NodeSpec } from "../../src/model/v3_resources.ts";
import type { IPPool } from "../../src/model/values.ts";

type Event = { readonly call: string; readonly arg: unknown };

function setup(): (...us: KVUpdate[]) => Event[] {
  let events: Event[] = [];
  const rec = (call: string) => (arg: unknown) => events.push({ call, arg });
  const r = new HostMetadataResolver({
    sink: {
      onHostMetadataUpdate: rec("onHostMetadataUpdate"),
      onHostMetadataRemove: rec("onHostMetadataRemove"),
      onIPPoolUpdate: rec("onIPPoolUpdate"),
      onIPPoolRemove: rec("onIPPoolRemove"),
    },
  });
  return (...us) => {
    for (const u of us) r.onUpdate(u);
    const out = events;
    events = [];
    return out;
  };
}

function pool(cidr: string, o: Partial<IPPool> = {}): KVUpdate {
  const value: IPPool = {
    cidr,
    ipipInterface: "",
    ipipMode: "never",
    vxlanMode: "always",
    masquerade: true,
    ipam: true,
    disabled: false,
    disableBGPExport: false,
    assignmentMode: "Automatic",
    allowedUses: ["Workload", "Tunnel"],
    ...o,
  };
  return kv({ kind: "IPPool", cidr }, value);
}

function node(name: string, spec: NodeSpec | null, labels?: Record<string, string>): KVUpdate {
  const key = { kind: "Resource", resourceKind: "Node", namespace: "", name } as const;
  const metadata = labels === undefined ? { name } : { name, labels };
  return kv(key, spec === null ? null : { kind: "Node", metadata, spec });
}

Deno.test("poolId replaces the slash of the CIDR with a dash", () => {
  deepEqual(poolId("fd00:65::/48"), "fd00:65::-48");
});

Deno.test("HostMetadataResolver passes IP pools through as IPAMPoolUpdate and IPAMPoolRemove", () => {
  const feed = setup();
  deepEqual(feed(pool("10.65.0.0/16")), [{
    call: "onIPPoolUpdate",
    arg: {
      type: "IPAMPoolUpdate",
      id: "10.65.0.0-16",
      pool: {
        cidr: "10.65.0.0/16",
        masquerade: true,
        ipipMode: "never",
        vxlanMode: "always",
        allowedUses: ["Workload", "Tunnel"],
      },
    },
  }]);
  deepEqual(feed(pool("10.65.0.0/16", { disabled: true })), []);
  deepEqual(feed(pool("10.65.0.0/16", { ipipMode: "cross-subnet", vxlanMode: "never" })), [{
    call: "onIPPoolUpdate",
    arg: {
      type: "IPAMPoolUpdate",
      id: "10.65.0.0-16",
      pool: {
        cidr: "10.65.0.0/16",
        masquerade: true,
        ipipMode: "cross-subnet",
        vxlanMode: "never",
        allowedUses: ["Workload", "Tunnel"],
      },
    },
  }]);
  deepEqual(feed(kv({ kind: "IPPool", cidr: "10.65.0.0/16" }, null)), [
    { call: "onIPPoolRemove", arg: "10.65.0.0-16" },
  ]);
  deepEqual(feed(kv({ kind: "IPPool", cidr: "10.65.0.0/16" }, null)), []);
});

Deno.test("HostMetadataResolver sends a node's addresses in CIDR form with AS number and labels", () => {
  const feed = setup();
  const spec = {
    bgp: { ipv4Address: "10.0.0.5/24", ipv6Address: "fd00:1::5/64", asNumber: 64512 },
  };
  deepEqual(feed(node("n1", spec, { zone: "a" })), [{
    call: "onHostMetadataUpdate",
    arg: {
      type: "HostMetadataUpdate",
      hostname: "n1",
      ipv4Addr: "10.0.0.5/24",
      ipv6Addr: "fd00:1::5/64",
      asNumber: "64512",
      labels: { zone: "a" },
    },
  }]);
  deepEqual(feed(node("n1", spec, { zone: "a" })), []);
  deepEqual(feed(node("n1", spec, { zone: "b" })).length, 1);
  deepEqual(feed(node("n1", null)), [{ call: "onHostMetadataRemove", arg: "n1" }]);
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
  deepEqual(feed(node("n2", spec)), [{
    call: "onHostMetadataUpdate",
    arg: {
      type: "HostMetadataUpdate",
      hostname: "n2",
      ipv4Addr: "10.1.0.5/32",
      ipv6Addr: "",
      asNumber: "",
      labels: {},
    },
  }]);
});
