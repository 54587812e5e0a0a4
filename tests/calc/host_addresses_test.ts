import { deepEqual, equal } from "node:assert/strict";
import { nodeHostAddresses } from "../../src/calc/host_addresses.ts";
import type { Node } from "../../src/model/v3_resources.ts";

function node(spec: Node["spec"]): Node {
  return { kind: "Node", metadata: { name: "n" }, spec };
}

Deno.test("nodeHostAddresses keeps host bits of the BGP address and lists every address", () => {
  const a = nodeHostAddresses(node({
    bgp: { ipv4Address: "10.0.0.5/24" },
    addresses: [{ address: "10.0.0.5", type: "InternalIP" }, {
      address: "fd00::7",
      type: "InternalIP",
    }],
  }));
  equal(a.v4?.ip, "10.0.0.5");
  equal(a.v4?.cidr, "10.0.0.5/24");
  equal(a.v4?.subnet.prefix, 24);
  equal(a.v6?.cidr, "fd00::7/128");
  deepEqual(a.all, ["10.0.0.5", "fd00::7"]);
});

Deno.test("nodeHostAddresses chooses nothing for a node whose BGP spec is present but empty", () => {
  const a = nodeHostAddresses(node({
    bgp: {},
    addresses: [{ address: "10.0.0.5", type: "InternalIP" }],
  }));
  equal(a.v4, undefined);
  equal(a.v6, undefined);
  deepEqual(a.all, ["10.0.0.5"]);
});
