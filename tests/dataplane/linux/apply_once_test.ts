import { equal, match, rejects } from "node:assert/strict";
import { applyOnce, ApplyOnceError } from "../../../src/dataplane/linux/apply_once.ts";
import { MemorySysctl } from "../../../src/dataplane/linux/sysctl.ts";
import { FakeNftExecutor } from "../../../src/dataplane/nftables/fake_nft_executor.ts";
import { MemoryLog } from "../../../src/lib/log.ts";
import { fakeManagers } from "./fake_managers.ts";
import { IN_SYNC, wep, wepUpdate } from "./proto_fixtures.ts";

Deno.test("applyOnce resolves once every manager has programmed the messages", async () => {
  const executor = new FakeNftExecutor();
  const sysctl = new MemorySysctl();
  sysctl.addInterface("cali1");
  const managers = fakeManagers(executor, sysctl, new MemoryLog());
  await applyOnce([wepUpdate("a", wep("cali1", ["10.65.0.1/32"])), IN_SYNC], { managers });
  equal(executor.tableNames().join(), "ip calico,ip6 calico");
  equal(sysctl.writes.length, 6);
});

Deno.test("applyOnce gives up with the last error after 4 failed applies, the last a rebuild", async () => {
  const executor = new FakeNftExecutor();
  executor.failNext(10, "Could not process rule: Operation not permitted");
  const managers = fakeManagers(executor, new MemorySysctl(), new MemoryLog());
  await rejects(
    applyOnce([IN_SYNC], { managers, retryBaseMs: 1 }),
    new ApplyOnceError(
      "Cannot program the dataplane after 4 attempts: Error: Could not process rule: " +
        "Operation not permitted",
    ),
  );
  equal(executor.scripts.length, 4);
  match(
    executor.scripts[3]!,
    /^add table ip calico\ndelete table ip calico\nadd table ip calico\n/,
  );
});
