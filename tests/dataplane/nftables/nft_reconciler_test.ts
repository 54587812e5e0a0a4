import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { FakeNftExecutor } from "../../../src/dataplane/nftables/fake_nft_executor.ts";
import { NftCommandError } from "../../../src/dataplane/nftables/nft_executor.ts";
import type { NftRule, NftTable } from "../../../src/dataplane/nftables/nft_model.ts";
import { NftReconciler } from "../../../src/dataplane/nftables/nft_reconciler.ts";
import { MemoryLog } from "../../../src/lib/log.ts";
import {
  DISPATCH_INPUT,
  DISPATCH_MAP,
  DISPATCH_RULES,
  INPUT_BASE,
  JUMP_TO_DISPATCH,
  rule,
  table,
  type TableParts,
} from "../linux/nft_fixtures.ts";

const POLICY_A = "filter-cali-po-np/a";

/** One workload endpoint `cali1` whose egress goes through policy `np/a`. */
function oneEndpoint(over: Partial<TableParts> = {}): TableParts {
  return {
    base: DISPATCH_INPUT,
    chains: {
      "filter-cali-from-wl-dispatch": DISPATCH_RULES,
      "filter-cali-fw-cali1": [rule("f1", `counter jump ${POLICY_A}`), rule("f2", "counter drop")],
      [POLICY_A]: [rule("p1", "ip daddr @cali40s-a counter accept")],
    },
    sets: { "cali40s-a": { elements: ["10.0.0.1/32"] } },
    maps: DISPATCH_MAP,
    ...over,
  };
}

async function programmed(parts: TableParts = oneEndpoint()) {
  const fake = new FakeNftExecutor();
  const log = new MemoryLog();
  const r = new NftReconciler({ executor: fake, family: "ip", log });
  await r.apply(table(parts));
  return { fake, r, log };
}

function lastScript(fake: FakeNftExecutor): string[] {
  return fake.scripts.at(-1)!.trim().split("\n");
}

/** The fake's table in the shape of `NftTable` parts, to compare with what was desired. */
function contentOf(fake: FakeNftExecutor, family = "ip") {
  const t = fake.table(family, "calico");
  if (t === undefined) return undefined;
  return {
    chains: Object.fromEntries([...t.chains].map(([n, c]) => [n, c.rules.map((r) => r.comment)])),
    sets: Object.fromEntries([...t.sets].map(([n, s]) => [n, [...s.elements.keys()].sort()])),
  };
}

function expectedContent(t: NftTable) {
  return {
    chains: Object.fromEntries(
      [...t.chains].map((
        [n, c],
      ) => [n, c.rules.map((r) => `cali:${r.hash};${r.comment ? ` ${r.comment}` : ""}`)]),
    ),
    sets: Object.fromEntries([
      ...[...t.sets].map(([n, s]) => [n, s.elements.map((e) => e.replace(/\/32$/, "")).sort()]),
      ...[...t.maps].map((
        [n, m],
      ) => [n, [...m.elements.keys()].map((k) => k.replaceAll('"', "")).sort()]),
    ]),
  };
}

Deno.test("NftReconciler creates a missing table in one transaction, sets and maps first", async () => {
  const { fake } = await programmed();
  equal(fake.scripts.length, 1);
  deepEqual(lastScript(fake), [
    "add table ip calico",
    "add set ip calico cali40s-a { type ipv4_addr; flags interval; }",
    "add map ip calico filter-cali-from-wl-dispatch { type ifname : verdict; }",
    "add chain ip calico filter-INPUT { type filter hook input priority 0; policy accept; }",
    "add chain ip calico filter-cali-from-wl-dispatch",
    "add chain ip calico filter-cali-fw-cali1",
    `add chain ip calico ${POLICY_A}`,
    'add rule ip calico filter-INPUT counter jump filter-cali-from-wl-dispatch comment "cali:in1;"',
    'add rule ip calico filter-cali-from-wl-dispatch iifname vmap @filter-cali-from-wl-dispatch comment "cali:d1;"',
    'add rule ip calico filter-cali-from-wl-dispatch counter drop comment "cali:d2; Unknown interface"',
    `add rule ip calico filter-cali-fw-cali1 counter jump ${POLICY_A} comment "cali:f1;"`,
    'add rule ip calico filter-cali-fw-cali1 counter drop comment "cali:f2;"',
    `add rule ip calico ${POLICY_A} ip daddr @cali40s-a counter accept comment "cali:p1;"`,
    "add element ip calico cali40s-a { 10.0.0.1 }",
    'add element ip calico filter-cali-from-wl-dispatch { "cali1" : goto filter-cali-fw-cali1 }',
  ]);
  deepEqual(contentOf(fake), expectedContent(table(oneEndpoint())));
});

Deno.test("NftReconciler runs no transaction when nothing changed", async () => {
  const { fake, r } = await programmed();
  const res = await r.apply(table(oneEndpoint()));
  equal(res.commands, 0);
  equal(res.readBack, false);
  equal(fake.scripts.length, 1);
  equal(fake.listings, 1);
});

Deno.test("NftReconciler adds a new endpoint with its chain, map element and set member only", async () => {
  const { fake, r } = await programmed();
  const next = oneEndpoint({
    sets: { "cali40s-a": { elements: ["10.0.0.1/32", "10.0.0.2/32"] } },
    maps: {
      "filter-cali-from-wl-dispatch": {
        '"cali1"': "goto filter-cali-fw-cali1",
        '"cali2"': "goto filter-cali-fw-cali2",
      },
    },
  });
  const chains = {
    ...next.chains,
    "filter-cali-fw-cali2": [rule("g1", `counter jump ${POLICY_A}`)],
  };
  const res = await r.apply(table({ ...next, chains }));
  deepEqual(lastScript(fake), [
    "add chain ip calico filter-cali-fw-cali2",
    `add rule ip calico filter-cali-fw-cali2 counter jump ${POLICY_A} comment "cali:g1;"`,
    "add element ip calico cali40s-a { 10.0.0.2 }",
    'add element ip calico filter-cali-from-wl-dispatch { "cali2" : goto filter-cali-fw-cali2 }',
  ]);
  equal(res.summary?.chainsAdded, 1);
  equal(res.summary?.elementsAdded, 2);
});

Deno.test("NftReconciler rewrites only the chain of a changed policy", async () => {
  const { fake, r } = await programmed();
  const parts = oneEndpoint();
  const chains = {
    ...parts.chains,
    [POLICY_A]: [rule("p2", "ip daddr @cali40s-a tcp dport 80 counter accept", "x")],
  };
  await r.apply(table({ ...parts, chains }));
  deepEqual(lastScript(fake), [
    `flush chain ip calico ${POLICY_A}`,
    `add rule ip calico ${POLICY_A} ip daddr @cali40s-a tcp dport 80 counter accept comment "cali:p2; x"`,
  ]);
});

Deno.test("NftReconciler removes a policy: rewrites its caller, deletes its chain and set", async () => {
  const { fake, r } = await programmed();
  const parts = oneEndpoint();
  const { [POLICY_A]: _gone, ...rest } = parts.chains!;
  const chains = { ...rest, "filter-cali-fw-cali1": [rule("f3", "counter drop")] };
  const res = await r.apply(table({ ...parts, chains, sets: {} }));
  deepEqual(lastScript(fake), [
    "flush chain ip calico filter-cali-fw-cali1",
    `flush chain ip calico ${POLICY_A}`,
    'add rule ip calico filter-cali-fw-cali1 counter drop comment "cali:f3;"',
    `delete chain ip calico ${POLICY_A}`,
    "delete set ip calico cali40s-a",
  ]);
  equal(res.summary?.chainsDeleted, 1);
  equal(res.summary?.setsDeleted, 1);
});

Deno.test("NftReconciler applies a set member delta as element deletes and adds", async () => {
  const { fake, r } = await programmed();
  const sets = { "cali40s-a": { elements: ["10.0.0.7", "10.9.0.0/16"] } };
  await r.apply(table(oneEndpoint({ sets })));
  deepEqual(lastScript(fake), [
    "delete element ip calico cali40s-a { 10.0.0.1 }",
    "add element ip calico cali40s-a { 10.0.0.7, 10.9.0.0/16 }",
  ]);
});

Deno.test("NftReconciler replaces a changed map element with delete then add", async () => {
  const { fake, r } = await programmed();
  const parts = oneEndpoint();
  const chains: Record<string, readonly NftRule[]> = {
    ...parts.chains,
    "filter-cali-fw-cali9": [rule("n1")],
  };
  const maps = { "filter-cali-from-wl-dispatch": { '"cali1"': "goto filter-cali-fw-cali9" } };
  const { "filter-cali-fw-cali1": _old, ...kept } = chains;
  await r.apply(table({ ...parts, chains: kept, maps }));
  deepEqual(lastScript(fake), [
    "add chain ip calico filter-cali-fw-cali9",
    'delete element ip calico filter-cali-from-wl-dispatch { "cali1" }',
    "flush chain ip calico filter-cali-fw-cali1",
    'add rule ip calico filter-cali-fw-cali9 counter accept comment "cali:n1;"',
    'add element ip calico filter-cali-from-wl-dispatch { "cali1" : goto filter-cali-fw-cali9 }',
    "delete chain ip calico filter-cali-fw-cali1",
  ]);
});

Deno.test("NftReconciler resync re-creates a deleted table", async () => {
  const { fake, r, log } = await programmed();
  await fake.tamper("delete table ip calico");
  const quiet = await r.apply(table(oneEndpoint()));
  equal(quiet.commands, 0, "without a resync the reconciler trusts what it programmed");
  r.markForResync();
  const res = await r.apply(table(oneEndpoint()));
  equal(res.readBack, true);
  equal(res.summary?.tableCreated, true);
  deepEqual(contentOf(fake), expectedContent(table(oneEndpoint())));
  ok(log.records.some((l) => l.message === "Repaired drift found by the nftables resync"));
});

Deno.test("NftReconciler resync refills a flushed chain and nothing else", async () => {
  const { fake, r } = await programmed();
  await fake.tamper("flush chain ip calico filter-cali-fw-cali1");
  r.markForResync();
  await r.apply(table(oneEndpoint()));
  deepEqual(lastScript(fake), [
    "flush chain ip calico filter-cali-fw-cali1",
    `add rule ip calico filter-cali-fw-cali1 counter jump ${POLICY_A} comment "cali:f1;"`,
    'add rule ip calico filter-cali-fw-cali1 counter drop comment "cali:f2;"',
  ]);
});

Deno.test("NftReconciler resync removes foreign objects from our table, never other tables", async () => {
  const { fake, r } = await programmed();
  await fake.tamper(
    [
      "add table ip other",
      "add chain ip other keep",
      "add rule ip other keep counter accept",
      "add chain ip calico intruder",
      "add rule ip calico filter-cali-fw-cali1 counter accept",
      "add element ip calico cali40s-a { 192.168.0.1 }",
    ].join("\n"),
  );
  r.markForResync();
  await r.apply(table(oneEndpoint()));
  deepEqual(lastScript(fake), [
    "delete element ip calico cali40s-a { 192.168.0.1 }",
    "flush chain ip calico filter-cali-fw-cali1",
    "flush chain ip calico intruder",
    `add rule ip calico filter-cali-fw-cali1 counter jump ${POLICY_A} comment "cali:f1;"`,
    'add rule ip calico filter-cali-fw-cali1 counter drop comment "cali:f2;"',
    "delete chain ip calico intruder",
  ]);
  deepEqual(fake.tableNames(), ["ip calico", "ip other"]);
  deepEqual(fake.table("ip", "other")?.chains.get("keep")?.rules, [
    { body: "counter accept", comment: undefined },
  ]);
});

Deno.test("NftReconciler retries after a failure and rebuilds the table whole after three", async () => {
  const { fake, r, log } = await programmed();
  const next = table(oneEndpoint({ sets: { "cali40s-a": { elements: ["10.0.0.3"] } } }));
  fake.failNext(3, "Could not process rule: Cannot allocate memory");
  for (let i = 1; i <= 3; i++) {
    await rejects(
      r.apply(next),
      (e) => e instanceof NftCommandError && /Cannot allocate/.test(e.message),
    );
    equal(r.failures, i);
  }
  const res = await r.apply(next);
  equal(res.summary?.rebuilt, true);
  deepEqual(lastScript(fake).slice(0, 4), [
    "add table ip calico",
    "delete table ip calico",
    "add table ip calico",
    "add set ip calico cali40s-a { type ipv4_addr; flags interval; }",
  ]);
  equal(fake.listings, 4, "every attempt after a failure reads the table back");
  equal(r.failures, 0);
  deepEqual(contentOf(fake), expectedContent(next));
  deepEqual(
    log.records.filter((l) => l.level === "WARNING").map((l) => [l.message, l.fields.rebuildNext]),
    [
      ["Cannot program the nftables table", false],
      ["Cannot program the nftables table", false],
      ["Cannot program the nftables table", true],
      ["Rebuilt the nftables table whole", undefined],
    ],
  );
});

Deno.test("NftReconciler after a failed retry sees the kernel's real state", async () => {
  const { fake, r } = await programmed();
  await fake.tamper("delete table ip calico");
  const next = table(oneEndpoint({ sets: { "cali40s-a": { elements: ["10.0.0.3"] } } }));
  await rejects(r.apply(next), /No such file or directory/);
  const res = await r.apply(next);
  equal(res.summary?.tableCreated, true);
  deepEqual(contentOf(fake), expectedContent(next));
});

Deno.test("NftReconciler rebuilds when a set changes type", async () => {
  const { fake, r } = await programmed();
  const sets = { "cali40s-a": { type: "ipv4_addr", flags: [], elements: ["10.0.0.1"] } };
  const res = await r.apply(table(oneEndpoint({ sets })));
  equal(res.summary?.rebuilt, true);
  equal(lastScript(fake)[1], "delete table ip calico");
  deepEqual(fake.table("ip", "calico")?.sets.get("cali40s-a")?.flags, []);
});

Deno.test("NftReconciler replaces a base chain whose priority changed", async () => {
  const { fake, r } = await programmed();
  const parts = oneEndpoint();
  const base = {
    "filter-INPUT": {
      base: { ...INPUT_BASE, priority: 10 },
      rules: [JUMP_TO_DISPATCH],
    },
  };
  await r.apply(table({ ...parts, base }));
  deepEqual(lastScript(fake), [
    "flush chain ip calico filter-INPUT",
    "delete chain ip calico filter-INPUT",
    "add chain ip calico filter-INPUT { type filter hook input priority 10; policy accept; }",
    'add rule ip calico filter-INPUT counter jump filter-cali-from-wl-dispatch comment "cali:in1;"',
  ]);
});

Deno.test("NftReconciler drops prefixes an interval set already covers", async () => {
  const { fake } = await programmed(oneEndpoint({
    sets: { "cali40s-a": { elements: ["10.0.0.0/8", "10.1.2.3/32", "192.168.0.0/24"] } },
  }));
  deepEqual([...fake.table("ip", "calico")!.sets.get("cali40s-a")!.elements.keys()], [
    "10.0.0.0/8",
    "192.168.0.0/24",
  ]);
});

Deno.test("NftReconciler deletes the table when nothing is desired, and only once", async () => {
  const { fake, r } = await programmed();
  const res = await r.apply(undefined);
  equal(res.removed, true);
  deepEqual(fake.tableNames(), []);
  const again = await r.apply(undefined);
  equal(again.commands, 0);
  equal(fake.scripts.length, 2);
});
