import { deepEqual, equal } from "node:assert/strict";
import { Config } from "../../src/config/config.ts";
import { ConfigKVTracker } from "../../src/config/config_kv_tracker.ts";
import {
  felixConfigurationDeletionKVs,
  felixConfigurationScope,
  felixConfigurationToKVs,
} from "../../src/config/felix_configuration_kvs.ts";
import type { ConfigIssue } from "../../src/config/sources.ts";
import { kv, type KVUpdate } from "../../src/model/kv.ts";
import type { FelixConfiguration, Node } from "../../src/model/v3_resources.ts";

function fc(
  name: string,
  spec: Record<string, unknown>,
  extra: { annotations?: Record<string, string>; creationTimestamp?: string } = {},
): FelixConfiguration {
  return { kind: "FelixConfiguration", metadata: { name, resourceVersion: "7", ...extra }, spec };
}

function node(name: string, labels: Record<string, string>): Node {
  return { kind: "Node", metadata: { name, labels }, spec: {} };
}

Deno.test("felixConfigurationScope tells global, per-host and selector-scoped names apart", () => {
  deepEqual(felixConfigurationScope("default"), { kind: "global" });
  deepEqual(felixConfigurationScope("node.worker-1"), { kind: "host", hostname: "worker-1" });
  deepEqual(felixConfigurationScope("node."), { kind: "selector" });
  deepEqual(felixConfigurationScope("edge-nodes"), { kind: "selector" });
});

Deno.test("felixConfigurationToKVs turns default into GlobalConfig keys", () => {
  const issues: ConfigIssue[] = [];
  const updates = felixConfigurationToKVs(
    fc("default", { bpfEnabled: true, reportingInterval: "1m", bogus: 1 }),
    { onIssue: (i) => issues.push(i) },
  );
  deepEqual(updates, [
    kv({ kind: "GlobalConfig", name: "BPFEnabled" }, "true", "7"),
    kv({ kind: "GlobalConfig", name: "ReportingIntervalSecs" }, "60", "7"),
  ]);
  deepEqual(issues.map((i) => [i.param, i.source, i.reason]), [
    ["bogus", "datastore-global", "Unknown FelixConfiguration field; ignored"],
  ]);
});

Deno.test("felixConfigurationToKVs turns node.<host> into HostConfig keys and deletes what went", () => {
  const previous = fc("node.n1", { bpfEnabled: true, logSeverityScreen: "Debug" }, {
    annotations: { "config.projectcalico.org/DebugPanicAfter": "5" },
  });
  const current = fc("node.n1", { logSeverityScreen: "Info" });
  deepEqual(felixConfigurationToKVs(current, { previous, revision: "9" }), [
    kv({ kind: "HostConfig", hostname: "n1", name: "LogSeverityScreen" }, "Info", "9"),
    kv({ kind: "HostConfig", hostname: "n1", name: "BPFEnabled" }, null, "9"),
    kv({ kind: "HostConfig", hostname: "n1", name: "DebugPanicAfter" }, null, "9"),
  ]);
  deepEqual(felixConfigurationDeletionKVs(current, "10"), [
    kv({ kind: "HostConfig", hostname: "n1", name: "LogSeverityScreen" }, null, "10"),
  ]);
});

Deno.test("felixConfigurationToKVs passes other names through as a Resource key", () => {
  const scoped = fc("edge", { nodeSelector: "edge == 'true'", bpfEnabled: true });
  const key = {
    kind: "Resource",
    resourceKind: "FelixConfiguration",
    namespace: "",
    name: "edge",
  } as const;
  deepEqual(felixConfigurationToKVs(scoped), [kv(key, scoped, "7")]);
  deepEqual(felixConfigurationDeletionKVs(scoped), [kv(key, null, "")]);
});

function nodeKV(n: Node | null, name = "n1"): KVUpdate {
  return kv({ kind: "Resource", resourceKind: "Node", namespace: "", name }, n);
}

Deno.test("ConfigKVTracker keeps global and this host's config keys", () => {
  const t = new ConfigKVTracker("n1");
  equal(t.apply(kv({ kind: "GlobalConfig", name: "BPFEnabled" }, "true")), true);
  equal(t.apply(kv({ kind: "GlobalConfig", name: "ClusterGUID" }, "abc")), true);
  equal(
    t.apply(kv({ kind: "HostConfig", hostname: "n1", name: "IpInIpTunnelAddr" }, "10.0.0.1")),
    true,
  );
  equal(
    t.apply(kv({ kind: "HostConfig", hostname: "n2", name: "IpInIpTunnelAddr" }, "10.0.0.2")),
    false,
  );
  equal(t.apply(kv({ kind: "Tier", name: "default" }, null)), false);
  equal(t.apply(kv({ kind: "GlobalConfig", name: "BPFEnabled" }, null)), true);
  deepEqual(t.global, { ClusterGUID: "abc" });
  deepEqual(t.perHost, { IpInIpTunnelAddr: "10.0.0.1" });
  equal(t.ready, undefined);
  t.apply(kv({ kind: "ReadyFlag" }, true));
  equal(t.ready, true);
});

Deno.test("ConfigKVTracker picks the oldest matching selector-scoped FelixConfiguration", () => {
  const t = new ConfigKVTracker("n1");
  const a = fc("b-edge", { nodeSelector: "edge == 'true'", vxlanPort: 1000 }, {
    creationTimestamp: "2024-01-02T00:00:00Z",
  });
  const b = fc("a-edge", { nodeSelector: "has(edge)", vxlanPort: 2000 }, {
    creationTimestamp: "2024-01-02T00:00:00Z",
  });
  const c = fc("old", { nodeSelector: "zone == 'x'", vxlanPort: 3000 }, {
    creationTimestamp: "2023-01-01T00:00:00Z",
  });
  for (const x of [a, b, c]) felixConfigurationToKVs(x).forEach((u) => t.apply(u));
  deepEqual(t.perSelector(), { values: {}, issues: [] });
  t.apply(nodeKV(node("n2", { edge: "true", zone: "x" }), "n2"));
  deepEqual(t.perSelector().values, {});
  t.apply(nodeKV(node("n1", { edge: "true" })));
  deepEqual(t.perSelector().values, { VXLANPort: "2000" });
  t.apply(nodeKV(node("n1", { edge: "true", zone: "x" })));
  deepEqual(t.perSelector().values, { VXLANPort: "3000" });
  felixConfigurationDeletionKVs(c).forEach((u) => t.apply(u));
  deepEqual(t.perSelector().values, { VXLANPort: "2000" });
  t.apply(nodeKV(null));
  deepEqual(t.perSelector().values, {});
});

Deno.test("ConfigKVTracker skips a selector-scoped FelixConfiguration whose selector does not parse", () => {
  const t = new ConfigKVTracker("n1");
  t.apply(nodeKV(node("n1", {})));
  felixConfigurationToKVs(fc("broken", { nodeSelector: "a ==", vxlanPort: 1 })).forEach((u) =>
    t.apply(u)
  );
  const r = t.perSelector();
  deepEqual(r.values, {});
  deepEqual(r.issues.map((i) => [i.param, i.source, i.raw]), [[
    "nodeSelector",
    "datastore-selector",
    "a ==",
  ]]);
});

Deno.test("ConfigKVTracker feeds Config: node.<host> beats default per parameter", () => {
  const t = new ConfigKVTracker("n1");
  const updates = [
    ...felixConfigurationToKVs(fc("default", { logSeverityScreen: "Warning", vxlanPort: 5000 })),
    ...felixConfigurationToKVs(fc("node.n1", { logSeverityScreen: "Debug" })),
    ...felixConfigurationToKVs(fc("node.n2", { vxlanPort: 6000 })),
    kv({ kind: "GlobalConfig", name: "ClusterGUID" }, "cafe"),
  ];
  updates.forEach((u) => t.apply(u));
  const c = new Config({ hostname: "n1" });
  c.updateFrom("datastore-global", t.global);
  c.updateFrom("datastore-per-host", t.perHost);
  deepEqual([c.values.LogSeverityScreen, c.values.VXLANPort, c.values.ClusterGUID], [
    "DEBUG",
    5000,
    "cafe",
  ]);
  c.updateFrom("environment", { LogSeverityScreen: "error" });
  equal(c.values.LogSeverityScreen, "ERROR");
});
