import { deepEqual } from "node:assert/strict";
import {
  EncapsulationResolver,
  type EncapsulationResolverOptions,
} from "../../src/calc/encapsulation_resolver.ts";
import { kv, type KVUpdate } from "../../src/model/kv.ts";
import type { EncapMode } from "../../src/model/values.ts";
import { type Call, ipPoolKV, Recorder } from "./fixtures.ts";

type EncapSink = EncapsulationResolverOptions["sink"];

function setup() {
  const rec = new Recorder<EncapSink>();
  const r = new EncapsulationResolver({ sink: rec.sink });
  return {
    feed: (...us: KVUpdate[]) => us.forEach((u) => r.onUpdate(u)),
    flush: (inSync: boolean) => {
      r.flush(inSync);
      return rec.take();
    },
  };
}

/** A pool for workloads only, with these encapsulation modes. */
function pool(cidr: string, ipip: EncapMode, vxlan: EncapMode): KVUpdate {
  return ipPoolKV(cidr, { ipipMode: ipip, vxlanMode: vxlan, allowedUses: ["Workload"] });
}

/** The sink call that sends these encapsulation flags. */
function flags(ipip: boolean, vxlan: boolean, vxlanV6: boolean, noEncap: boolean): Call<EncapSink> {
  return ["onEncapsulationUpdate", {
    type: "EncapsulationUpdate",
    ipipEnabled: ipip,
    vxlanEnabled: vxlan,
    vxlanEnabledV6: vxlanV6,
    noEncapEnabled: noEncap,
  }];
}

Deno.test("EncapsulationResolver emits nothing before in-sync, then the flags once", () => {
  const { feed, flush } = setup();
  feed(pool("10.65.0.0/16", "always", "never"));
  deepEqual(flush(false), []);
  deepEqual(flush(true), [flags(true, false, false, false)]);
  deepEqual(flush(true), []);
});

Deno.test("EncapsulationResolver emits all-false flags at in-sync when there are no pools", () => {
  const { flush } = setup();
  deepEqual(flush(true), [flags(false, false, false, false)]);
});

Deno.test("EncapsulationResolver derives VXLAN per family and no-encap from pools with neither", () => {
  const { feed, flush } = setup();
  feed(
    pool("10.65.0.0/16", "never", "cross-subnet"),
    pool("fd00:65::/48", "never", "always"),
    pool("10.66.0.0/16", "never", "never"),
  );
  deepEqual(flush(true), [flags(false, true, true, true)]);
  feed(kv({ kind: "IPPool", cidr: "10.65.0.0/16" }, null));
  deepEqual(flush(true), [flags(false, false, true, true)]);
  feed(pool("10.66.0.0/16", "cross-subnet", "never"));
  deepEqual(flush(true), [flags(true, false, true, false)]);
  feed(
    pool("10.66.0.0/16", "cross-subnet", "never"),
    kv({ kind: "HostConfig", hostname: "n1", name: "x" }, "y"),
  );
  deepEqual(flush(true), []);
});
