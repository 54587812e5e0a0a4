/**
 * FileSyncer on awkward input: syntax errors, bad documents, JSON, lists, duplicates, conflicting
 * IP pools, warnings, batching and the built-ins. Each test loads files once, without watching.
 */
import { deepEqual, equal } from "node:assert/strict";
import { join } from "node:path";
import { BUILT_IN_DOCUMENTS } from "../../src/datastore/built_ins.ts";
import { FileSyncer } from "../../src/datastore/file_syncer.ts";
import { MemoryLog } from "../../src/lib/log.ts";
import { fakeConvert } from "./fake_converter.ts";
import {
  docs,
  loadOnce,
  loadRecorded,
  poolDoc,
  poolPair,
  runOnce,
  setDoc,
  setPair,
  tierDoc,
  tierPair,
  withSyncedFile,
} from "./fixtures.ts";
import { replaceFile, SyncRecorder, view, withTempDir } from "./sync_recorder.ts";

const SYNC_START = ["wait-for-datastore", "resync-in-progress"];

Deno.test("FileSyncer skips a document with a YAML syntax error and keeps the ones around it", async () => {
  await withTempDir(async (dir) => {
    const broken = "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: [broken\n";
    const events = await loadOnce(dir, {
      "c.yaml": docs(poolDoc("pool-a", "10.0.0.0/16"), broken, tierDoc("t", 5)),
    });
    deepEqual(events, [
      "wait-for-datastore",
      `error: Cannot parse "<dir>/c.yaml" document 1 (0-based): Flow sequence in block ` +
      `collection must be sufficiently indented and end with a ] at line 13, column 1; the ` +
      `document is skipped`,
      "resync-in-progress",
      [poolPair("10.0.0.0/16"), tierPair("t", 5)],
      "in-sync",
    ]);
  });
});

Deno.test("FileSyncer reports a bad document with its location and treats it as absent", async () => {
  await withTempDir(async (dir) => {
    const events = await loadOnce(dir, {
      "c.yaml": docs(
        poolDoc("pool-a", "10.0.0.0/16"),
        poolDoc("pool-b", "banana"),
        tierDoc("t", 5),
      ),
    });
    deepEqual(events, [
      "wait-for-datastore",
      `error: "<dir>/c.yaml" document 1 (0-based), line 9: IPPool "pool-b": spec.cidr: bad ` +
      `CIDR "banana"`,
      "resync-in-progress",
      [poolPair("10.0.0.0/16"), tierPair("t", 5)],
      "in-sync",
    ]);
  });
});

Deno.test("FileSyncer passes the bad document's kind, name and source to onParseError", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "c.yaml");
    const rec = await loadRecorded(dir, {
      "c.yaml": docs(tierDoc("t", 1), poolDoc("pool-b", "banana")),
    });
    const errors = rec.events.flatMap((e) => e.type === "error" ? [e.error] : []);
    deepEqual(errors, [{
      source: `${path} document 1`,
      kind: "IPPool",
      name: "pool-b",
      message: `"${path}" document 1 (0-based), line 8: IPPool "pool-b": spec.cidr: bad CIDR ` +
        `"banana"`,
    }]);
  });
});

Deno.test("FileSyncer reads JSON objects and arrays", async () => {
  await withTempDir(async (dir) => {
    const pool = {
      apiVersion: "projectcalico.org/v3",
      kind: "IPPool",
      metadata: { name: "p" },
      spec: { cidr: "10.5.0.0/16" },
    };
    const tier = { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "t" } };
    const events = await loadOnce(dir, {
      "one.json": JSON.stringify(pool, null, 2),
      "many.json": JSON.stringify([{ ...tier, spec: { order: 3, defaultAction: "Pass" } }]),
    });
    deepEqual(events, [
      ...SYNC_START,
      [poolPair("10.5.0.0/16"), tierPair("t", 3, "Pass")],
      "in-sync",
    ]);
  });
});

Deno.test("FileSyncer expands kind List and kind <X>List items and locates each item", async () => {
  await withTempDir(async (dir) => {
    const list = `apiVersion: v1
kind: List
items:
- apiVersion: projectcalico.org/v3
  kind: Tier
  metadata: {name: t}
  spec: {order: 7}
- apiVersion: projectcalico.org/v3
  kind: IPPool
  metadata: {name: bad}
  spec: {cidr: nope}
`;
    const poolList = `apiVersion: projectcalico.org/v3
kind: IPPoolList
items:
- {apiVersion: projectcalico.org/v3, kind: IPPool, metadata: {name: p}, spec: {cidr: 10.6.0.0/16}}
`;
    const events = await loadOnce(dir, { "list.yaml": docs(list, poolList) });
    deepEqual(events, [
      "wait-for-datastore",
      `error: "<dir>/list.yaml" document 0 (0-based), item 1, line 8: IPPool "bad": spec.cidr: ` +
      `bad CIDR "nope"`,
      "resync-in-progress",
      [tierPair("t", 7), poolPair("10.6.0.0/16")],
      "in-sync",
    ]);
  });
});

Deno.test("FileSyncer treats [] and an empty List as files with no resources", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "c.yaml");
    await withSyncedFile(path, docs(tierDoc("t", 1), setDoc("s", ["10.0.0.0/8"])), async (rec) => {
      rec.take();
      let next = rec.nextUpdates();
      await replaceFile(path, "[]\n");
      await next;
      deepEqual(view(rec.take()), [[
        ["/calico/v1/policy/tier/t/metadata", null],
        ["/calico/v1/netset/s", null],
      ]]);
      next = rec.nextUpdates();
      await replaceFile(path, tierDoc("t", 1));
      await next;
      next = rec.nextUpdates();
      await replaceFile(path, "apiVersion: v1\nkind: List\nitems: []\n");
      await next;
      deepEqual(view(rec.take()), [
        [tierPair("t", 1)],
        [["/calico/v1/policy/tier/t/metadata", null]],
      ]);
    });
  });
});

Deno.test("FileSyncer uses the later of two duplicate documents and reports the earlier", async () => {
  await withTempDir(async (dir) => {
    const events = await loadOnce(dir, {
      "a.yaml": docs(tierDoc("t", 1), tierDoc("t", 2)),
      "b.yaml": docs(setDoc("s", ["10.0.0.0/8"])),
      "c.yaml": docs(setDoc("s", ["10.9.0.0/16"])),
    });
    deepEqual(events, [
      "wait-for-datastore",
      `error: Tier "t" in "<dir>/a.yaml" document 0 (0-based), line 1 is defined again in ` +
      `"<dir>/a.yaml" document 1 (0-based), line 8; the later definition is used`,
      `error: GlobalNetworkSet "s" in "<dir>/b.yaml" document 0 (0-based), line 1 is defined ` +
      `again in "<dir>/c.yaml" document 0 (0-based), line 1; the later definition is used`,
      "resync-in-progress",
      [tierPair("t", 2), setPair("s", ["10.9.0.0/16"])],
      "in-sync",
    ]);
  });
});

Deno.test("FileSyncer gives an IPPool CIDR to the alphabetically-first pool and promotes the next on delete", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "pools.yaml");
    const b = poolDoc("pool-b", "10.0.0.0/16", true);
    const a = poolDoc("pool-a", "10.0.0.0/16", false);
    await withSyncedFile(path, docs(b, a), async (rec) => {
      deepEqual(view(rec.take()), [
        "wait-for-datastore",
        `error: IPPool "pool-b" in "${path}" document 0 (0-based), line 1 maps to the same key ` +
        `"/calico/v1/ipam/v4/pool/10.0.0.0-16" as IPPool "pool-a"; "pool-a" is used because ` +
        `its name sorts first`,
        ...SYNC_START.slice(1),
        [poolPair("10.0.0.0/16", false)],
        "in-sync",
      ]);
      const next = rec.nextUpdates();
      await replaceFile(path, b);
      await next;
      deepEqual(view(rec.take()), [[poolPair("10.0.0.0/16", true)]]);
    });
  });
});

Deno.test("FileSyncer reports converter warnings through onWarning and uses the resource", async () => {
  await withTempDir(async (dir) => {
    const events = await loadOnce(dir, { "s.yaml": setDoc("s", ["10.0.0.0/8", "junk"]) });
    deepEqual(events, [
      "wait-for-datastore",
      `warning: "<dir>/s.yaml" document 0 (0-based), line 1: spec.nets: skipped "junk"`,
      "resync-in-progress",
      [setPair("s", ["10.0.0.0/8"])],
      "in-sync",
    ]);
  });
});

Deno.test("FileSyncer sends at most 1000 updates per onUpdates call", async () => {
  await withTempDir(async (dir) => {
    const sets = Array.from({ length: 2500 }, (_, i) => setDoc(`s${i}`, [`10.0.${i % 250}.0/24`]));
    const events = await loadOnce(dir, { "many.yaml": docs(...sets) });
    const sizes = events.map((e) => Array.isArray(e) ? e.length : e);
    deepEqual(sizes, [...SYNC_START, 1000, 1000, 500, "in-sync"]);
  });
});

Deno.test("FileSyncer loads the built-in tiers and profile unless a file defines them", async () => {
  await withTempDir(async (dir) => {
    const events = await loadOnce(dir, { "t.yaml": tierDoc("default", 5) }, {
      builtIns: BUILT_IN_DOCUMENTS,
    });
    deepEqual(events, [
      ...SYNC_START,
      [
        tierPair("kube-admin", 1000, "Pass"),
        tierPair("kube-baseline", 10_000_000, "Pass"),
        ["/calico/v1/policy/profile/projectcalico-default-allow/rules", {
          inboundRules: [],
          outboundRules: [],
        }],
        tierPair("default", 5),
      ],
      "in-sync",
    ]);
  });
});

Deno.test("FileSyncer uses BUILT_IN_DOCUMENTS by default", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "c.yaml");
    await Deno.writeTextFile(path, "[]");
    const rec = new SyncRecorder();
    await runOnce(
      new FileSyncer({
        paths: [path],
        convert: fakeConvert,
        callbacks: rec.callbacks,
        watch: false,
        pollIntervalMs: 0,
      }),
    );
    const paths = rec.events.flatMap((e) => e.type === "updates" ? view([e]).flat() : []);
    equal(paths.length, 4);
    deepEqual((paths as [string, unknown][]).map(([p]) => p), [
      "/calico/v1/policy/tier/default/metadata",
      "/calico/v1/policy/tier/kube-admin/metadata",
      "/calico/v1/policy/tier/kube-baseline/metadata",
      "/calico/v1/policy/profile/projectcalico-default-allow/rules",
    ]);
  });
});

Deno.test("FileSyncer logs each reload to the injected log", async () => {
  await withTempDir(async (dir) => {
    const log = new MemoryLog();
    await loadOnce(dir, { "t.yaml": tierDoc("t", 1) }, { log });
    deepEqual(log.records, [{
      level: "INFO",
      message: "Reloaded datastore files",
      fields: {
        status: "in-sync",
        updates: 1,
        problems: 0,
        files: [`${join(dir, "t.yaml")} (loaded, 1 document)`],
      },
    }]);
  });
});
