import { equal, ok } from "node:assert/strict";
import { InternalDataplane } from "../../../src/dataplane/linux/internal_dataplane.ts";
import type { Manager } from "../../../src/dataplane/linux/manager.ts";

/** A manager that counts applies and keeps the loop's apply request. */
class KickingManager implements Manager {
  readonly name = "kicking";
  applies = 0;
  requestApply: (() => void) | undefined;
  onUpdate(): void {}
  completeDeferredWork(): Promise<void> {
    this.applies++;
    return Promise.resolve();
  }
  setRequestApply(requestApply: () => void): void {
    this.requestApply = requestApply;
  }
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

Deno.test("InternalDataplane.requestApply applies soon, only after InSync, never after close", async () => {
  const m = new KickingManager();
  const dp = new InternalDataplane({ managers: [m], applyIntervalMs: 0, resyncIntervalMs: 0 });
  equal(typeof m.requestApply, "function", "the loop hands managers its apply request");
  m.requestApply!();
  await tick();
  equal(m.applies, 0, "nothing before InSync");
  dp.onMessages([{ type: "InSync" }]);
  await dp.settled();
  equal(m.applies, 1, "the early request and InSync make one apply");
  m.requestApply!();
  await dp.settled();
  equal(m.applies, 2);
  dp.requestApply();
  dp.requestApply();
  await dp.settled();
  equal(m.applies, 3, "requests before the apply starts share it");
  await dp.close();
  m.requestApply!();
  await tick();
  equal(m.applies, 3);
});

Deno.test("InternalDataplane.requestApply during an apply runs one more apply after it", async () => {
  let release: () => void = () => {};
  let applies = 0;
  const m: Manager = {
    name: "slow",
    onUpdate() {},
    completeDeferredWork: () => {
      applies++;
      return applies === 1 ? new Promise<void>((r) => release = r) : Promise.resolve();
    },
  };
  const dp = new InternalDataplane({ managers: [m], applyIntervalMs: 0, resyncIntervalMs: 0 });
  dp.onMessages([{ type: "InSync" }]);
  await tick();
  equal(applies, 1);
  dp.requestApply();
  release();
  await dp.settled();
  equal(applies, 2);
  await dp.close();
});

Deno.test("InternalDataplane.requestApply skips the batching throttle, not the failure backoff", async () => {
  let fail = false;
  const times: number[] = [];
  const m: Manager = {
    name: "timed",
    onUpdate() {},
    completeDeferredWork: () => {
      times.push(performance.now());
      return fail ? Promise.reject(new Error("no")) : Promise.resolve();
    },
  };
  const dp = new InternalDataplane({
    managers: [m],
    applyIntervalMs: 10_000,
    resyncIntervalMs: 0,
    retryBaseMs: 300,
  });
  try {
    dp.onMessages([{ type: "InSync" }]);
    await dp.settled();
    const t0 = performance.now();
    dp.onMessages([{ type: "NamespaceUpdate", name: "a", labels: {} }]);
    await tick(20);
    equal(times.length, 1, "a batch waits for the 10 s throttle");
    dp.requestApply();
    await dp.settled();
    equal(times.length, 2, "the request applies at once, the batch with it");
    ok(times[1]! - t0 < 1000);
    fail = true;
    dp.requestApply();
    await tick(20);
    equal(times.length, 3, "applied at once, and failed");
    fail = false;
    dp.requestApply();
    await tick(100);
    equal(times.length, 3, "no apply inside the 300 ms backoff");
    await dp.settled();
    equal(times.length, 4);
    ok(times[3]! - times[2]! >= 290, "the retry waited for the backoff");
  } finally {
    await dp.close();
  }
});
