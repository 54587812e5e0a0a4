import { deepEqual, equal } from "node:assert/strict";
import { convertEncapMode, convertIPAMBlock, convertIPPool } from "../../src/model/convert_ipam.ts";
import { keyPath } from "../../src/model/keys.ts";
import type { IPPool } from "../../src/model/values.ts";

Deno.test("convertEncapMode lower-cases the modes, never when unset", () => {
  deepEqual([
    convertEncapMode("Always"),
    convertEncapMode("CrossSubnet"),
    convertEncapMode("Never"),
  ], [
    "always",
    "cross-subnet",
    "never",
  ]);
  equal(convertEncapMode(undefined), "never");
});

Deno.test("convertIPPool keys by the normalised CIDR and fills defaults", () => {
  const r = convertIPPool({
    kind: "IPPool",
    metadata: { name: "default-ipv4-ippool", resourceVersion: "3" },
    spec: { cidr: "192.168.7.9/16" },
  });
  equal(keyPath(r.updates[0]!.key), "/calico/v1/ipam/v4/pool/192.168.0.0-16");
  deepEqual(r.updates[0]!.value as IPPool, {
    cidr: "192.168.0.0/16",
    ipipInterface: "",
    ipipMode: "never",
    vxlanMode: "never",
    masquerade: false,
    ipam: true,
    disabled: false,
    disableBGPExport: false,
    assignmentMode: "Automatic",
    allowedUses: ["Workload", "Tunnel"],
  });
});

Deno.test("convertIPPool sets tunl0 for IPIP, masquerade from natOutgoing, ipam from disabled", () => {
  const r = convertIPPool({
    kind: "IPPool",
    metadata: { name: "p" },
    spec: {
      cidr: "fd00:1::/64",
      ipipMode: "CrossSubnet",
      vxlanMode: "Always",
      natOutgoing: true,
      disabled: true,
      disableBGPExport: true,
      assignmentMode: "Manual",
      allowedUses: ["LoadBalancer"],
    },
  });
  equal(keyPath(r.updates[0]!.key), "/calico/v1/ipam/v6/pool/fd00:1::-64");
  deepEqual(r.updates[0]!.value as IPPool, {
    cidr: "fd00:1::/64",
    ipipInterface: "tunl0",
    ipipMode: "cross-subnet",
    vxlanMode: "always",
    masquerade: true,
    ipam: false,
    disabled: true,
    disableBGPExport: true,
    assignmentMode: "Manual",
    allowedUses: ["LoadBalancer"],
  });
  equal(
    (convertIPPool({
      kind: "IPPool",
      metadata: { name: "a" },
      spec: { cidr: "10.0.0.0/8", ipipMode: "Always" },
    }).updates[0]!.value as IPPool).ipipInterface,
    "tunl0",
  );
});

Deno.test("convertIPPool reports an unparsable CIDR", () => {
  deepEqual(
    convertIPPool({ kind: "IPPool", metadata: { name: "p" }, spec: { cidr: "10.0.0.0/40" } }),
    {
      updates: [],
      problems: ['Cannot convert IPPool "p": spec.cidr "10.0.0.0/40" is not a CIDR'],
    },
  );
});

Deno.test("convertIPAMBlock keys by CIDR and deletes a block marked deleted", () => {
  const r = convertIPAMBlock({
    kind: "IPAMBlock",
    metadata: { name: "10-0-0-0-26", resourceVersion: "5" },
    spec: { cidr: "10.0.0.0/26", affinity: "host:node-1", allocations: [0, null, 1] },
  });
  equal(keyPath(r.updates[0]!.key), "/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26");
  deepEqual(r.updates[0]!.value, {
    cidr: "10.0.0.0/26",
    affinity: "host:node-1",
    allocations: [0, null, 1],
  });
  const gone = convertIPAMBlock({
    kind: "IPAMBlock",
    metadata: { name: "b" },
    spec: { cidr: "10.0.0.64/26", deleted: true },
  });
  deepEqual(gone.updates.map((u) => u.value), [null]);
});
