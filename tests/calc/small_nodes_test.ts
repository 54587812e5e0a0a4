import { deepEqual, equal, match } from "node:assert/strict";
import { ConfigBatcher } from "../../src/calc/config_batcher.ts";
import { Dispatcher } from "../../src/calc/dispatcher.ts";
import { ProfileDecoder } from "../../src/calc/profile_decoder.ts";
import { validateUpdate } from "../../src/calc/validation_filter.ts";
import { kv, type KVUpdate } from "../../src/model/kv.ts";
import type { Policy } from "../../src/model/values.ts";
import {
  modelPolicy,
  modelRule,
  modelWorkloadEndpoint,
  policyKey,
  ruleSide,
  wepKey,
} from "./fixtures.ts";

Deno.test("ConfigBatcher sends nothing before in-sync, then one merged update per change", () => {
  const sent: unknown[] = [];
  const b = new ConfigBatcher({
    hostname: "node-1",
    sink: { onConfigUpdate: (config, sources) => sent.push({ config, sources }) },
  });
  b.onUpdate(kv({ kind: "GlobalConfig", name: "LogSeverityScreen" }, "Info"));
  b.onUpdate(kv({ kind: "HostConfig", hostname: "node-1", name: "LogSeverityScreen" }, "Debug"));
  b.onUpdate(kv({ kind: "HostConfig", hostname: "node-2", name: "BPFEnabled" }, "true"));
  b.flush(false);
  equal(sent.length, 0);
  b.flush(true);
  deepEqual(sent, [{
    config: { LogSeverityScreen: "Debug" },
    sources: {
      DatastoreGlobal: { LogSeverityScreen: "Info" },
      DatastorePerHost: { LogSeverityScreen: "Debug" },
    },
  }]);
  b.flush(true);
  equal(sent.length, 1, "no change, no resend");
  b.onUpdate(kv({ kind: "HostConfig", hostname: "node-1", name: "LogSeverityScreen" }, null));
  b.flush(true);
  deepEqual((sent[1] as { config: unknown }).config, { LogSeverityScreen: "Info" });
});

Deno.test("ConfigBatcher tracks the ready flag", () => {
  const b = new ConfigBatcher({ hostname: "h", sink: { onConfigUpdate() {} } });
  equal(b.datastoreReady, undefined);
  b.onUpdate(kv({ kind: "ReadyFlag" }, true));
  equal(b.datastoreReady, true);
  b.onUpdate(kv({ kind: "ReadyFlag" }, false));
  equal(b.datastoreReady, false);
});

Deno.test("ProfileDecoder turns kns./ksa. profiles into namespace and service-account events", () => {
  const events: unknown[] = [];
  const d = new ProfileDecoder({
    sink: {
      onNamespaceUpdate: (n, l) => events.push(["ns", n, l]),
      onNamespaceRemove: (n) => events.push(["ns-", n]),
      onServiceAccountUpdate: (ns, n, l) => events.push(["sa", ns, n, l]),
      onServiceAccountRemove: (ns, n) => events.push(["sa-", ns, n]),
    },
  });
  d.updateProfileLabels("kns.prod", { "pcns.team": "a", "pcns.projectcalico.org/name": "prod" });
  d.updateProfileLabels("ksa.prod.web.v2", { "pcsa.role": "x" });
  d.updateProfileLabels("projectcalico-default-allow", {});
  d.updateProfileLabels("kns.prod", undefined);
  d.updateProfileLabels("ksa.prod.web.v2", undefined);
  deepEqual(events, [
    ["ns", "prod", { team: "a", "projectcalico.org/name": "prod" }],
    ["sa", "prod", "web.v2", { role: "x" }],
    ["ns-", "prod"],
    ["sa-", "prod", "web.v2"],
  ]);
});

Deno.test("Dispatcher delivers by kind in registration order and filters local endpoints", () => {
  const seen: string[] = [];
  const d = new Dispatcher({ hostname: "node-1" });
  d.register(["Tier"], () => seen.push("a"));
  d.register(["Tier", "WorkloadEndpoint"], () => seen.push("b"));
  d.registerLocalEndpoints((u) => seen.push(`local:${u.key.kind}`));
  d.dispatch(kv({ kind: "Tier", name: "t" }, null));
  const wep = (hostname: string) => kv(wepKey("p", hostname), null);
  d.dispatch(wep("node-2"));
  d.dispatch(wep("node-1"));
  d.dispatch(kv({ kind: "IPPool", cidr: "10.0.0.0/16" }, null));
  deepEqual(seen, ["a", "b", "b", "b", "local:WorkloadEndpoint"]);
});

function policy(selector: string, srcSelector = ""): Policy {
  const allowFrom = modelRule({ src: ruleSide({ selector: srcSelector }) });
  return modelPolicy({ selector, originalSelector: selector, inboundRules: [allowFrom] });
}

const pkey = policyKey("p");

Deno.test("validateUpdate passes good values and deletions through unchanged", () => {
  const good = kv(pkey, policy("a == 'b'", "has(x)")) as KVUpdate;
  deepEqual(validateUpdate(good), { update: good });
  const del = kv(pkey, null) as KVUpdate;
  deepEqual(validateUpdate(del), { update: del });
});

Deno.test("validateUpdate turns a policy with a bad rule selector into a deletion", () => {
  const r = validateUpdate(kv(pkey, policy("all()", "a = 'b'")) as KVUpdate);
  equal(r.update.value, null);
  match(r.problem ?? "", /^inboundRules\[0\]\.src\.selector: Cannot parse selector "a = 'b'"/);
});

Deno.test("validateUpdate rejects a workload endpoint with a bad interface name or address", () => {
  const key = wepKey("p", "n");
  const wep = modelWorkloadEndpoint({ name: "cali1234567890123", ipv4Nets: ["10.0.0.1/32"] });
  equal(
    validateUpdate(kv(key, wep) as KVUpdate).problem,
    'name: "cali1234567890123" is not a valid interface name',
  );
  equal(
    validateUpdate(kv(key, { ...wep, name: "cali1", ipv4Nets: ["10.0.0.300/32"] }) as KVUpdate)
      .problem,
    'ipv4Nets: "10.0.0.300/32" is not a valid CIDR',
  );
});
