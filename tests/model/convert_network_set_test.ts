import { deepEqual, equal } from "node:assert/strict";
import { convertNetworkSet } from "../../src/model/convert_network_set.ts";
import { keyPath } from "../../src/model/keys.ts";

Deno.test("convertNetworkSet keys a NetworkSet <ns>/<name> with the namespace label and parent", () => {
  const r = convertNetworkSet({
    kind: "NetworkSet",
    metadata: { name: "ext", namespace: "prod", labels: { role: "x" }, resourceVersion: "4" },
    spec: { nets: ["10.1.2.3/16", "192.168.0.1"] },
  });
  deepEqual(r.problems, []);
  equal(keyPath(r.updates[0]!.key), "/calico/v1/netset/prod%2fext");
  equal(r.updates[0]!.revision, "4");
  deepEqual(r.updates[0]!.value, {
    nets: ["10.1.0.0/16", "192.168.0.1/32"],
    labels: { role: "x", "projectcalico.org/namespace": "prod" },
    profileIds: ["kns.prod"],
  });
});

Deno.test("convertNetworkSet keeps a GlobalNetworkSet's labels as they are, with no parents", () => {
  const r = convertNetworkSet({
    kind: "GlobalNetworkSet",
    metadata: { name: "blocklist", labels: { a: "b" } },
    spec: { nets: ["fd00::1/64"] },
  });
  equal(keyPath(r.updates[0]!.key), "/calico/v1/netset/blocklist");
  deepEqual(r.updates[0]!.value, { nets: ["fd00::/64"], labels: { a: "b" }, profileIds: [] });
});

Deno.test("convertNetworkSet skips bad CIDRs with a problem and keeps the rest", () => {
  const r = convertNetworkSet({
    kind: "GlobalNetworkSet",
    metadata: { name: "g" },
    spec: { nets: ["10.0.0.0/8", "10.0.0.0/33", "x"] },
  });
  deepEqual(r.updates[0]!.value, { nets: ["10.0.0.0/8"], labels: {}, profileIds: [] });
  deepEqual(r.problems, [
    'Ignored spec.nets[1] "10.0.0.0/33" of GlobalNetworkSet "g": not a CIDR or IP',
    'Ignored spec.nets[2] "x" of GlobalNetworkSet "g": not a CIDR or IP',
  ]);
});
