import { equal } from "node:assert/strict";
import { InternalDataplane } from "../../../src/dataplane/linux/internal_dataplane.ts";
import type { Manager } from "../../../src/dataplane/linux/manager.ts";
import type { ToDataplane } from "../../../src/proto/messages.ts";

/** A manager that waits for `readyAfter` applies before its work is done. */
class WaitingManager implements Manager {
  readonly name = "waiting";
  applies = 0;
  constructor(readonly readyAfter: number) {}
  onUpdate(_msg: ToDataplane): void {}
  completeDeferredWork(): Promise<void> {
    this.applies++;
    return Promise.resolve();
  }
  hasPendingWork(): boolean {
    return this.applies < this.readyAfter;
  }
}

Deno.test("InternalDataplane comes back for pending work without holding up settled()", async () => {
  const m = new WaitingManager(3);
  const failures: number[] = [];
  const dp = new InternalDataplane({
    managers: [m],
    applyIntervalMs: 0,
    resyncIntervalMs: 0,
    pendingRetryMs: 5,
    onApplyFailed: (_e, n) => failures.push(n),
  });
  dp.onMessages([{ type: "InSync" }]);
  await dp.settled();
  equal(m.applies, 1, "settled right after the first apply");
  await new Promise((r) => setTimeout(r, 60));
  equal(m.applies, 3, "two more applies until the work was done, then none");
  equal(failures.length, 0);
  await dp.close();
});

Deno.test("InternalDataplane reports each failed apply with its attempt number", async () => {
  let n = 0;
  const m: Manager = {
    name: "flaky",
    onUpdate() {},
    completeDeferredWork: () => ++n <= 2 ? Promise.reject(new Error("no")) : Promise.resolve(),
  };
  const attempts: number[] = [];
  const dp = new InternalDataplane({
    managers: [m],
    applyIntervalMs: 0,
    resyncIntervalMs: 0,
    retryBaseMs: 1,
    onApplyFailed: (_e, a) => attempts.push(a),
  });
  dp.onMessages([{ type: "InSync" }]);
  await dp.settled();
  equal(attempts.join(), "1,2");
  await dp.close();
});
