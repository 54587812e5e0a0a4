import { deepEqual, equal } from "node:assert/strict";
import { InternalDataplane } from "../../../src/dataplane/linux/internal_dataplane.ts";
import type { Manager } from "../../../src/dataplane/linux/manager.ts";
import { MemoryLog } from "../../../src/lib/log.ts";
import type { ToDataplane } from "../../../src/proto/messages.ts";

class FakeManager implements Manager {
  readonly name = "fake";
  readonly seen: string[] = [];
  applies = 0;
  resyncs = 0;
  failNext = 0;

  onUpdate(msg: ToDataplane): void {
    this.seen.push(msg.type);
  }
  completeDeferredWork(): Promise<void> {
    this.applies++;
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error("kernel said no"));
    }
    return Promise.resolve();
  }
  markForResync(): void {
    this.resyncs++;
  }
}

const ns = (name: string): ToDataplane => ({ type: "NamespaceUpdate", name, labels: {} });
const inSync: ToDataplane = { type: "InSync" };

Deno.test("InternalDataplane applies nothing before InSync, then once per batch", async () => {
  const m = new FakeManager();
  const dp = new InternalDataplane({ managers: [m], applyIntervalMs: 0, resyncIntervalMs: 0 });
  dp.onMessages([ns("a")]);
  await new Promise((r) => setTimeout(r, 20));
  equal(m.applies, 0);
  equal(dp.programmed, false);
  dp.onMessages([ns("b"), inSync]);
  await dp.settled();
  equal(m.applies, 1);
  equal(dp.programmed, true);
  deepEqual(m.seen, ["NamespaceUpdate", "NamespaceUpdate", "InSync"]);
  dp.onMessages([ns("c")]);
  await dp.settled();
  equal(m.applies, 2);
  await dp.close();
});

Deno.test("InternalDataplane retries a failed apply with backoff and logs why", async () => {
  const m = new FakeManager();
  m.failNext = 2;
  const log = new MemoryLog();
  const dp = new InternalDataplane({
    managers: [m],
    log,
    applyIntervalMs: 0,
    resyncIntervalMs: 0,
    retryBaseMs: 1,
  });
  dp.onMessages([inSync]);
  await dp.settled();
  equal(m.applies, 3);
  deepEqual(log.records.map((r) => [r.level, r.message, r.fields.error, r.fields.attempt]), [
    ["ERROR", "Dataplane apply failed; will retry", "kernel said no", 1],
    ["ERROR", "Dataplane apply failed; will retry", "kernel said no", 2],
  ]);
  await dp.close();
});

Deno.test("InternalDataplane resync marks managers and applies again", async () => {
  const m = new FakeManager();
  const dp = new InternalDataplane({ managers: [m], applyIntervalMs: 0, resyncIntervalMs: 0 });
  dp.onMessages([inSync]);
  await dp.settled();
  dp.resync();
  await dp.settled();
  equal(m.resyncs, 1);
  equal(m.applies, 2);
  await dp.close();
});
