/**
 * Label index benches: building 10,000 selectors against 100,000 items with 3 parents each, then
 * 10,000 random item label changes and 10 namespace (parent) label changes. A brute-force index
 * that evaluates every selector against every changed item is measured in the same run; where
 * it would take 10^9 evaluations (the build) it runs on a workload scaled to 10,000 items.
 *
 * Run: deno bench -A tests/bench/label_index_bench.ts
 */
import { LabelIndex, type LabelIndexOptions } from "../../src/calc/label_index.ts";
import { type Labels, parseSelector, type Selector } from "../../src/selector/mod.ts";

// --- Workload --------------------------------------------------------------------------------

const PODS_PER_NS = 500;
const APPS_PER_NS = 10;
const SAS_PER_NS = 5;
const TIERS = ["frontend", "backend", "db", "cache"];
const ROLES = ["web", "worker", "api", "batch", "canary", "admin"];
const NS_LABEL = "projectcalico.org/namespace";

/** A deterministic PRNG (mulberry32), so every run sees the same workload. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ItemSpec {
  readonly id: string;
  readonly labels: ReadonlyMap<string, string>;
  readonly parents: readonly string[];
}

interface Workload {
  readonly parents: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly items: readonly ItemSpec[];
  readonly selectors: readonly (readonly [string, Selector])[];
  /** 10,000 item updates, and the original labels to revert them. */
  readonly changes: readonly ItemSpec[];
  readonly reverts: readonly ItemSpec[];
  /** 10 namespace label changes, and the originals. */
  readonly nsChanges: readonly (readonly [string, ReadonlyMap<string, string>])[];
  readonly nsReverts: readonly (readonly [string, ReadonlyMap<string, string>])[];
}

function nsLabels(ns: number, team: number): Map<string, string> {
  return new Map([
    ["pcns.projectcalico.org/name", `ns-${ns}`],
    ["pcns.team", `team-${team}`],
    ["pcns.env", ["prod", "staging", "dev"][ns % 3]!],
  ]);
}

function buildParents(namespaces: number): Map<string, ReadonlyMap<string, string>> {
  const parents = new Map<string, ReadonlyMap<string, string>>();
  for (let ns = 0; ns < namespaces; ns++) {
    parents.set(`kns.ns-${ns}`, nsLabels(ns, ns % 20));
    for (let sa = 0; sa < SAS_PER_NS; sa++) {
      parents.set(
        `ksa.ns-${ns}.sa-${sa}`,
        new Map([["pcsa.projectcalico.org/name", `sa-${sa}`], ["pcsa.role", ROLES[sa]!]]),
      );
    }
  }
  // A shared zone profile; its pcns.team is always shadowed by the namespace profile.
  for (let z = 0; z < 4; z++) {
    parents.set(`zone-${z}`, new Map([["pz.zone", `zone-${z}`], ["pcns.team", "platform"]]));
  }
  return parents;
}

function itemLabels(p: number, rand: () => number): Map<string, string> {
  const ns = Math.floor(p / PODS_PER_NS);
  const app = ns * APPS_PER_NS + (p % APPS_PER_NS);
  const version = `v${p % 3}`;
  const labels = new Map([
    ["app", `app-${app}`],
    ["tier", TIERS[app % TIERS.length]!],
    ["role", ROLES[Math.floor(rand() * ROLES.length)]!],
    ["version", version],
    [NS_LABEL, `ns-${ns}`],
    ["projectcalico.org/orchestrator", "k8s"],
    ["pod-template-hash", `h${app}${version}`],
  ]);
  if (p % 50 === 0) labels.set("debug", `d-${p % 100}`);
  return labels;
}

function buildItems(count: number, rand: () => number): ItemSpec[] {
  return Array.from({ length: count }, (_, p) => {
    const ns = Math.floor(p / PODS_PER_NS);
    const parents = [`kns.ns-${ns}`, `ksa.ns-${ns}.sa-${p % SAS_PER_NS}`, `zone-${p % 4}`];
    return { id: `pod-${p}`, labels: itemLabels(p, rand), parents };
  });
}

/** Selector shapes, by share: see docs/PERFORMANCE.md for the list. */
function selectorText(i: number, namespaces: number, rand: () => number): string {
  const pick = (n: number) => Math.floor(rand() * n);
  const ns = pick(namespaces);
  const app = () => `"app-${ns * APPS_PER_NS + pick(APPS_PER_NS)}"`;
  const r = i % 100;
  if (r < 35) return `${NS_LABEL} == "ns-${ns}" && app == ${app()}`;
  if (r < 50) return `app in {${app()}, ${app()}, ${app()}} && tier == "${TIERS[pick(4)]}"`;
  if (r < 65) return `pcns.team == "team-${pick(20)}" && role == "${ROLES[pick(6)]}"`;
  if (r < 75) return `${NS_LABEL} == "ns-${ns}" && has(role) && version in {"v1", "v2"}`;
  if (r < 85) {
    const sa = `"sa-${pick(SAS_PER_NS)}"`;
    return `pcsa.projectcalico.org/name == ${sa} && pcns.projectcalico.org/name == "ns-${ns}"`;
  }
  if (r < 95) return `has(debug) && app == ${app()}`;
  // 5% unoptimisable: no key is required by every branch.
  if (i % 1000 === 95) return `role != "web"`;
  if (i % 1000 === 96) return `tier not in {"db", "cache"}`;
  return `(app == ${app()} || debug == "d-${pick(100)}") && version != "v0"`;
}

function buildChanges(items: readonly ItemSpec[], count: number, rand: () => number): ItemSpec[] {
  return Array.from({ length: count }, () => {
    const item = items[Math.floor(rand() * items.length)]!;
    const labels = new Map(item.labels);
    const which = Math.floor(rand() * 4);
    if (which === 0) labels.set("version", `v${Math.floor(rand() * 3)}`);
    if (which === 1) labels.set("role", ROLES[Math.floor(rand() * ROLES.length)]!);
    if (which === 2) labels.set("debug", `d-${Math.floor(rand() * 100)}`);
    if (which === 3) labels.set("app", `app-${Math.floor(rand() * items.length / 50)}`);
    return { ...item, labels };
  });
}

function workload(itemCount: number, selectorCount: number, seed: number): Workload {
  const rand = prng(seed);
  const namespaces = Math.ceil(itemCount / PODS_PER_NS);
  const items = buildItems(itemCount, rand);
  const selectors = Array.from(
    { length: selectorCount },
    (_, i) => [`policy-${i}`, parseSelector(selectorText(i, namespaces, rand))] as const,
  );
  const changes = buildChanges(items, 10_000, rand);
  const nsIds = Array.from({ length: 10 }, () => Math.floor(rand() * namespaces));
  return {
    parents: buildParents(namespaces),
    items,
    selectors,
    changes,
    reverts: changes.map((c) => items[Number(c.id.slice(4))]!),
    nsChanges: nsIds.map((ns) => [`kns.ns-${ns}`, nsLabels(ns, (ns + 7) % 20)] as const),
    nsReverts: nsIds.map((ns) => [`kns.ns-${ns}`, nsLabels(ns, ns % 20)] as const),
  };
}

// --- The two indexes under test --------------------------------------------------------------

/** What the benches drive: LabelIndex's mutating API. */
interface Index {
  updateSelector(id: string, selector: Selector): void;
  updateItem(id: string, labels: ReadonlyMap<string, string>, parents: readonly string[]): void;
  updateParentLabels(id: string, labels: ReadonlyMap<string, string>): void;
}

/** The baseline: every selector against every changed item, no candidate search. */
class BruteForceIndex implements Index {
  readonly #selectors = new Map<string, Selector>();
  readonly #items = new Map<string, BruteItem>();
  readonly #parents = new Map<string, ParentLabels>();
  /** Matched selector ids by item id. */
  readonly #matches = new Map<string, Set<string>>();
  readonly #cb: LabelIndexOptions;

  constructor(cb: LabelIndexOptions) {
    this.#cb = cb;
  }

  /** Takes selectors and their known matches without evaluating (avoids 10^9 evaluations). */
  adopt(w: Workload, matchesOfItem: (id: string) => Iterable<string>): void {
    for (const [id, selector] of w.selectors) this.#selectors.set(id, selector);
    for (const { id } of w.items) {
      for (const selId of matchesOfItem(id)) this.#matchesOf(id).add(selId);
    }
  }

  updateSelector(id: string, selector: Selector): void {
    this.#selectors.set(id, selector);
    for (const [itemId, item] of this.#items) {
      this.#set(id, itemId, this.#matchesOf(itemId), selector.evaluate(item));
    }
  }

  updateItem(id: string, labels: ReadonlyMap<string, string>, parents: readonly string[]): void {
    const item = new BruteItem(new Map(labels), parents, parents.map((p) => this.#parent(p)));
    this.#items.set(id, item);
    this.#evaluateAll(id, item);
  }

  updateParentLabels(id: string, labels: ReadonlyMap<string, string>): void {
    this.#parent(id).labels = new Map(labels);
    for (const [itemId, item] of this.#items) {
      if (item.parentIds.includes(id)) this.#evaluateAll(itemId, item);
    }
  }

  #evaluateAll(itemId: string, item: BruteItem): void {
    const matches = this.#matchesOf(itemId);
    for (const [selId, sel] of this.#selectors) {
      this.#set(selId, itemId, matches, sel.evaluate(item));
    }
  }

  #parent(id: string): ParentLabels {
    let parent = this.#parents.get(id);
    if (parent === undefined) this.#parents.set(id, parent = { labels: undefined });
    return parent;
  }

  #matchesOf(itemId: string): Set<string> {
    let set = this.#matches.get(itemId);
    if (set === undefined) this.#matches.set(itemId, set = new Set());
    return set;
  }

  #set(selId: string, itemId: string, matches: Set<string>, match: boolean): void {
    if (match === matches.has(selId)) return;
    if (match) {
      matches.add(selId);
      this.#cb.onMatchStarted(selId, itemId);
    } else {
      matches.delete(selId);
      this.#cb.onMatchStopped(selId, itemId);
    }
  }
}

interface ParentLabels {
  labels: ReadonlyMap<string, string> | undefined;
}

class BruteItem implements Labels {
  readonly own: ReadonlyMap<string, string>;
  readonly parentIds: readonly string[];
  readonly #parents: readonly ParentLabels[];

  constructor(
    own: ReadonlyMap<string, string>,
    parentIds: readonly string[],
    parents: readonly ParentLabels[],
  ) {
    this.own = own;
    this.parentIds = parentIds;
    this.#parents = parents;
  }

  get(key: string): string | undefined {
    const own = this.own.get(key);
    if (own !== undefined) return own;
    for (const p of this.#parents) {
      const v = p.labels?.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

// --- Drivers ---------------------------------------------------------------------------------

const counts = { started: 0, stopped: 0 };
const counting: LabelIndexOptions = {
  onMatchStarted: () => counts.started++,
  onMatchStopped: () => counts.stopped++,
};

type Order = "items first" | "selectors first";

function build(index: Index, w: Workload, order: Order): void {
  for (const [id, labels] of w.parents) index.updateParentLabels(id, labels);
  const items = () => w.items.forEach((it) => index.updateItem(it.id, it.labels, it.parents));
  const selectors = () => w.selectors.forEach(([id, sel]) => index.updateSelector(id, sel));
  if (order === "items first") {
    items();
    selectors();
  } else {
    selectors();
    items();
  }
}

/** Applies the changes on even calls and reverts them on odd ones, so state stays bounded. */
function alternate<T>(
  forward: readonly T[],
  back: readonly T[],
  apply: (t: T) => void,
): () => void {
  let flip = false;
  return () => {
    (flip ? back : forward).forEach(apply);
    flip = !flip;
  };
}

function report(line: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(`${line}\n`));
}

/** Runs `fn` once outside the bench harness; reports and returns its callback counts. */
function countCallbacks(label: string, fn: () => void): string {
  counts.started = counts.stopped = 0;
  const t0 = performance.now();
  fn();
  const ms = (performance.now() - t0).toFixed(0);
  const result = `${counts.started} starts, ${counts.stopped} stops`;
  report(`${label}: ${result} (${ms} ms)`);
  return result;
}

/** Fails the run if the two indexes disagree on a workload's callbacks. */
function crossCheck(label: string, fast: () => void, brute: () => void): void {
  const a = countCallbacks(`${label} (LabelIndex)`, fast);
  const b = countCallbacks(`${label} (brute force)`, brute);
  if (a !== b) throw new Error(`LabelIndex and brute force disagree on ${label}: ${a} vs ${b}`);
}

// --- Benches ---------------------------------------------------------------------------------

const FULL = workload(100_000, 10_000, 1);
const SCALED = workload(10_000, 10_000, 1);

function fullIndex(): LabelIndex {
  const index = new LabelIndex(counting);
  build(index, FULL, "items first");
  return index;
}

/** Heap in use, after a full GC when run with `--v8-flags=--expose-gc` (else it is rougher). */
function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().heapUsed;
}

const heapBefore = heapUsed();
const CHANGING = fullIndex();
const heapMb = ((heapUsed() - heapBefore) / 2 ** 20).toFixed(0);
const gcNote = "gc" in globalThis ? "after GC" : "without forced GC";
report(`full index: ${JSON.stringify(CHANGING.stats())}; heap growth ${heapMb} MiB (${gcNote})`);
const BRUTE_CHANGING = new BruteForceIndex(counting);
build(BRUTE_CHANGING, { ...FULL, selectors: [] }, "items first");
BRUTE_CHANGING.adopt(FULL, (id) => CHANGING.matchesOfItem(id));

const itemChange = (index: Index) => (c: ItemSpec) => index.updateItem(c.id, c.labels, c.parents);
const nsChange = (index: Index) => ([id, labels]: readonly [string, ReadonlyMap<string, string>]) =>
  index.updateParentLabels(id, labels);

const both = <T>(list: readonly T[], back: readonly T[], f: (t: T) => void) => () => {
  list.forEach(f);
  back.forEach(f);
};
crossCheck(
  "scaled build, 10k items x 10k selectors",
  () => build(new LabelIndex(counting), SCALED, "items first"),
  () => build(new BruteForceIndex(counting), SCALED, "items first"),
);
const [some, someBack] = [FULL.changes.slice(0, 1000), FULL.reverts.slice(0, 1000)];
crossCheck(
  "1,000 item label changes and their reverts",
  both(some, someBack, itemChange(CHANGING)),
  both(some, someBack, itemChange(BRUTE_CHANGING)),
);
crossCheck(
  "10 namespace label changes and their reverts",
  both(FULL.nsChanges, FULL.nsReverts, nsChange(CHANGING)),
  both(FULL.nsChanges, FULL.nsReverts, nsChange(BRUTE_CHANGING)),
);
countCallbacks(
  "10,000 item label changes and their reverts (LabelIndex)",
  both(FULL.changes, FULL.reverts, itemChange(CHANGING)),
);
const before = CHANGING.stats().evaluations;
FULL.changes.forEach(itemChange(CHANGING));
const perChange = (CHANGING.stats().evaluations - before) / FULL.changes.length;
FULL.reverts.forEach(itemChange(CHANGING));
report(`evaluations per item change: ${perChange.toFixed(1)} (brute force: 10,000)`);

for (const order of ["items first", "selectors first"] as const) {
  Deno.bench(`LabelIndex build 100k items x 10k selectors (${order})`, {
    group: `build full ${order}`,
    n: 3,
    warmup: 1,
  }, () => build(new LabelIndex(counting), FULL, order));
}

Deno.bench("LabelIndex build 10k items x 10k selectors (scaled)", {
  group: "build scaled",
  n: 5,
  warmup: 1,
}, () => build(new LabelIndex(counting), SCALED, "items first"));

Deno.bench("brute force build 10k items x 10k selectors (scaled)", {
  group: "build scaled",
  baseline: true,
  n: 1,
  warmup: 0,
}, () => build(new BruteForceIndex(counting), SCALED, "items first"));

Deno.bench("LabelIndex 10,000 item label changes (100k items)", {
  group: "item changes",
  n: 10,
  warmup: 2,
}, alternate(FULL.changes, FULL.reverts, itemChange(CHANGING)));

Deno.bench("brute force 10,000 item label changes (100k items)", {
  group: "item changes",
  baseline: true,
  n: 2,
  warmup: 0,
}, alternate(FULL.changes, FULL.reverts, itemChange(BRUTE_CHANGING)));

Deno.bench("LabelIndex 10 namespace label changes (500 children each)", {
  group: "parent changes",
  n: 10,
  warmup: 2,
}, alternate(FULL.nsChanges, FULL.nsReverts, nsChange(CHANGING)));

Deno.bench("brute force 10 namespace label changes (500 children each)", {
  group: "parent changes",
  baseline: true,
  n: 2,
  warmup: 0,
}, alternate(FULL.nsChanges, FULL.nsReverts, nsChange(BRUTE_CHANGING)));
