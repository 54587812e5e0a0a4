/**
 * FileSyncer on real, watched files: status sequence, exact differences after each edit, the
 * mid-write rule, unreadable files, the re-stat fallback and the lifecycle.
 */
import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { FileSyncer } from "../../src/datastore/file_syncer.ts";
import { fakeConvert } from "./fake_converter.ts";
import {
  docs,
  poolDoc,
  poolPair,
  redact,
  setDoc,
  setPair,
  syncerFor,
  tierDoc,
  tierPair,
  withSyncedFile,
} from "./fixtures.ts";
import { replaceFile, SyncRecorder, view, withTempDir } from "./sync_recorder.ts";

const EMPTY = "has no documents (it is empty or only comments); treating it as a write in " +
  "progress; keeping its last good state";

Deno.test("FileSyncer sends exactly the difference after each edit of a watched file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "cluster.yaml");
    const a = poolDoc("pool-a", "10.0.0.0/16");
    const b = setDoc("set-b", ["10.1.0.0/24"]);
    const c = tierDoc("tier-c", 10);
    await withSyncedFile(path, docs(a, b, c), async (rec) => {
      deepEqual(view(rec.take()), [
        "wait-for-datastore",
        "resync-in-progress",
        [poolPair("10.0.0.0/16"), setPair("set-b", ["10.1.0.0/24"]), tierPair("tier-c", 10)],
        "in-sync",
      ]);

      // Add a resource.
      const d = setDoc("set-d", ["192.168.0.0/24"]);
      let next = rec.nextUpdates();
      await replaceFile(path, docs(a, b, c, d));
      await next;
      deepEqual(view(rec.take()), [[setPair("set-d", ["192.168.0.0/24"])]]);

      // Change one.
      const b2 = setDoc("set-b", ["10.1.0.0/24", "10.2.0.0/24"]);
      next = rec.nextUpdates();
      await replaceFile(path, docs(a, b2, c, d));
      await next;
      deepEqual(view(rec.take()), [[setPair("set-b", ["10.1.0.0/24", "10.2.0.0/24"])]]);

      // Delete one.
      next = rec.nextUpdates();
      await replaceFile(path, docs(a, b2, d));
      await next;
      deepEqual(view(rec.take()), [[["/calico/v1/policy/tier/tier-c/metadata", null]]]);

      // Truncate, then rewrite the same content: nothing is sent.
      let emptySeen = rec.nextError("has no documents");
      await Deno.truncate(path, 0);
      await emptySeen;
      const reread = rec.waitForReload(
        "a reload of the rewritten file",
        (r) => r.files[0]?.state === "unchanged",
      );
      await Deno.writeTextFile(path, docs(a, b2, d));
      await reread;
      deepEqual(view(rec.take()), [`error: "${path}" ${EMPTY}`]);

      // Truncate, then rewrite with one change: exactly that change is sent.
      emptySeen = rec.nextError("has no documents");
      await Deno.truncate(path, 0);
      await emptySeen;
      next = rec.nextUpdates();
      await Deno.writeTextFile(path, docs(poolDoc("pool-a", "10.0.0.0/16", true), b2, d));
      await next;
      deepEqual(view(rec.take()), [`error: "${path}" ${EMPTY}`, [poolPair("10.0.0.0/16", true)]]);
    });
  });
});

Deno.test("FileSyncer reports wait-for-datastore, then resync-in-progress before any update, then in-sync", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "cluster.yaml");
    await Deno.writeTextFile(path, poolDoc("pool-a", "10.0.0.0/16"));
    const rec = new SyncRecorder();
    const syncer = syncerFor([path], rec);
    try {
      const synced = rec.nextStatus("in-sync");
      await syncer.start();
      equal(rec.events.length >= 1, true);
      deepEqual(rec.events[0], { type: "status", status: "wait-for-datastore" });
      await synced;
      deepEqual(rec.events.map((e) => e.type === "status" ? e.status : e.type), [
        "wait-for-datastore",
        "resync-in-progress",
        "updates",
        "in-sync",
      ]);
    } finally {
      await syncer.stop();
    }
  });
});

Deno.test("FileSyncer stays in wait-for-datastore until every file can be read and is complete", async () => {
  await withTempDir(async (dir) => {
    const present = join(dir, "pools.yaml");
    const missing = join(dir, "sets.yaml");
    await Deno.writeTextFile(present, poolDoc("pool-a", "10.0.0.0/16"));
    const rec = new SyncRecorder();
    const syncer = syncerFor([present, missing], rec);
    try {
      const unreadable = rec.nextError("Cannot read");
      await syncer.start();
      await unreadable;
      const [status, error] = view(rec.take());
      equal(status, "wait-for-datastore");
      equal(
        redact([error], dir)[0],
        `error: Cannot read "<dir>/sets.yaml": No such file or directory (os error 2): ` +
          `readfile '<dir>/sets.yaml'; waiting for it before the first sync`,
      );
      const emptySeen = rec.nextError("has no documents");
      await Deno.writeTextFile(missing, "# filled in soon\n");
      await emptySeen;
      deepEqual(view(rec.take()), [
        `error: "${missing}" has no documents (it is empty or only comments); treating it as ` +
        `a write in progress; waiting for it before the first sync`,
      ]);
      const synced = rec.nextStatus("in-sync");
      await replaceFile(missing, setDoc("set-b", ["10.9.0.0/16"]));
      await synced;
      deepEqual(view(rec.take()), [
        "resync-in-progress",
        [poolPair("10.0.0.0/16"), setPair("set-b", ["10.9.0.0/16"])],
        "in-sync",
      ]);
    } finally {
      await syncer.stop();
    }
  });
});

Deno.test("FileSyncer keeps a removed file's last good state and applies its next content", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "cluster.yaml");
    const text = docs(poolDoc("pool-a", "10.0.0.0/16"), tierDoc("t", 1));
    await withSyncedFile(path, text, async (rec) => {
      rec.take();
      const gone = rec.nextError("Cannot read");
      await Deno.remove(path);
      await gone;
      deepEqual(redact(view(rec.take()), dir), [
        `error: Cannot read "<dir>/cluster.yaml": No such file or directory (os error 2): ` +
        `readfile '<dir>/cluster.yaml'; keeping its last good state`,
      ]);
      const next = rec.nextUpdates();
      await replaceFile(path, tierDoc("t", 1));
      await next;
      deepEqual(view(rec.take()), [[["/calico/v1/ipam/v4/pool/10.0.0.0-16", null]]]);
    });
  });
});

Deno.test("FileSyncer keeps the last good state when the last document has a syntax error", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "cluster.yaml");
    const good = docs(poolDoc("pool-a", "10.0.0.0/16"), tierDoc("t", 1));
    await withSyncedFile(path, good, async (rec) => {
      rec.take();
      const truncated = rec.nextError("keeping its last good state");
      const cut = docs(poolDoc("pool-a", "10.0.0.0/16"), tierDoc("t", 1).replace("1\n", "[1"));
      await replaceFile(path, cut);
      await truncated;
      deepEqual(view(rec.take()), [
        `error: Cannot parse "${path}" document 1 (0-based): Flow sequence in block collection ` +
        `must be sufficiently indented and end with a ] at line 14, column 12; treating it as a ` +
        `write in progress; keeping its last good state`,
      ]);
    });
  });
});

Deno.test("FileSyncer notices edits through the re-stat fallback when watching is off", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "cluster.yaml");
    await withSyncedFile(path, tierDoc("t", 1), async (rec) => {
      rec.take();
      const next = rec.nextUpdates();
      await replaceFile(path, tierDoc("t", 2));
      await next;
      deepEqual(view(rec.take()), [[tierPair("t", 2)]]);
    }, { watch: false, pollIntervalMs: 100 });
  });
});

Deno.test("FileSyncer makes no callback after stop() resolves", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "cluster.yaml");
    await Deno.writeTextFile(path, tierDoc("t", 1));
    const rec = new SyncRecorder();
    const syncer = syncerFor([path], rec, { pollIntervalMs: 20, debounceMs: 10 });
    const synced = rec.nextStatus("in-sync");
    await syncer.start();
    await synced;
    await syncer.stop();
    const count = rec.events.length;
    await replaceFile(path, tierDoc("t", 2));
    await new Promise((resolve) => setTimeout(resolve, 200));
    equal(rec.events.length, count);
  });
});

Deno.test("FileSyncer rejects a second start() and an empty file list", async () => {
  throws(
    () =>
      new FileSyncer({ paths: [], convert: fakeConvert, callbacks: new SyncRecorder().callbacks }),
    {
      name: "TypeError",
      message: "Cannot create a file syncer without files: pass at least one path",
    },
  );
  await withTempDir(async (dir) => {
    const path = join(dir, "cluster.yaml");
    await Deno.writeTextFile(path, "[]");
    const syncer = syncerFor([path], new SyncRecorder(), { watch: false, pollIntervalMs: 0 });
    try {
      await syncer.start();
      await rejects(() => syncer.start(), {
        message: "Cannot start a file syncer twice: create a new one",
      });
    } finally {
      await syncer.stop();
    }
  });
});
