import { deepEqual, equal, notEqual } from "node:assert/strict";
import { RenderState } from "../../../src/dataplane/linux/render_state.ts";
import { rulesConfigFrom } from "../../../src/dataplane/rules/render_input.ts";
import { Config } from "../../../src/config/mod.ts";
import { wep } from "./proto_fixtures.ts";

const CONFIG = rulesConfigFrom(new Config({ hostname: "node-1" }).values);

Deno.test("RenderState.snapshot returns the same object until something changes", () => {
  const s = new RenderState(CONFIG);
  const a = s.snapshot();
  equal(s.snapshot(), a);
  s.setPolicy("gnp/x", undefined);
  equal(s.snapshot(), a, "removing an absent policy is no change");
  s.setWorkloadEndpoint("k8s/a/eth0", wep("cali1", ["10.0.0.1/32"]));
  notEqual(s.snapshot(), a);
});

Deno.test("RenderState keeps an earlier snapshot unchanged when IP set members change", () => {
  const s = new RenderState(CONFIG);
  s.setIPSet("s:a", "net", ["10.0.0.1/32"]);
  const before = s.snapshot();
  s.updateIPSet("s:a", ["10.0.0.2/32"], ["10.0.0.1/32"]);
  s.updateIPSet("s:a", ["10.0.0.3/32"], []);
  const after = s.snapshot();
  deepEqual([...before.ipSets.get("s:a")!.members], ["10.0.0.1/32"]);
  deepEqual([...after.ipSets.get("s:a")!.members].sort(), ["10.0.0.2/32", "10.0.0.3/32"]);
  s.deleteIPSet("s:a");
  equal(after.ipSets.has("s:a"), true);
  equal(s.snapshot().ipSets.has("s:a"), false);
});

Deno.test("RenderState copies a section only once per snapshot", () => {
  const s = new RenderState(CONFIG);
  s.setWorkloadEndpoint("k8s/a/eth0", wep("cali1", []));
  const first = s.snapshot();
  s.setWorkloadEndpoint("k8s/b/eth0", wep("cali2", []));
  s.setWorkloadEndpoint("k8s/c/eth0", wep("cali3", []));
  const second = s.snapshot();
  deepEqual([...first.workloadEndpoints.keys()], ["k8s/a/eth0"]);
  deepEqual([...second.workloadEndpoints.keys()], ["k8s/a/eth0", "k8s/b/eth0", "k8s/c/eth0"]);
  equal(second.policies, first.policies, "untouched sections are shared");
});

Deno.test("RenderState ignores a config and address lists equal to the current ones", () => {
  const s = new RenderState(CONFIG);
  s.setHostIPs(["10.0.0.1"]);
  const v = s.version;
  s.setConfig({ ...CONFIG });
  s.setHostIPs(["10.0.0.1"]);
  s.setAllHostsNets([]);
  equal(s.version, v);
  s.setConfig({ ...CONFIG, ipipEnabled: !CONFIG.ipipEnabled });
  equal(s.version, v + 1);
});
