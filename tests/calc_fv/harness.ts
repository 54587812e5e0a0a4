/**
 * The calc-graph state-sequence harness (STYLE rule 15).
 *
 * A scenario is a list of datastore states, each a list of resources as a cluster stores them
 * (raw documents, as YAML would give them). Unless the scenario opts out, every state also holds
 * the built-in documents (`BUILT_IN_DOCUMENTS`: the three tiers and the default-allow profile),
 * as the file syncer loads them. The harness converts each state with the real resource
 * converter, computes the updates that move the datastore from one state to the next, feeds them
 * to a fresh `CalcGraph`, flushes, and applies every flush to a checking dataplane that throws on
 * any ordering or reference violation. It runs each scenario in seven ways:
 *
 * - each state alone, from an empty datastore (this defines the reference output per state);
 * - forward: the states in order;
 * - forward again, with the first state's updates flushed before the datastore is in sync (no
 *   endpoint and no `InSync` may reach the dataplane then);
 * - reversed;
 * - with an empty state after every state;
 * - every state straight after every other (non-neighbouring) state;
 * - squashed: every update of the forward run delivered before a single flush.
 *
 * After each state the dataplane's snapshot must equal that state's reference, a second flush
 * must be empty, and the state's own `check` must pass. A state's `invalid` resources must be
 * rejected or reported by the converter (or rejected by the graph's validation filter), and the
 * state's reference must equal the reference of the same state without them: they are ignored
 * without disturbing the rest.
 *
 * @module
 */
import { deepEqual, fail } from "node:assert/strict";
import { CalcGraph, type CalcGraphOptions } from "../../src/calc/calc_graph.ts";
import { BUILT_IN_DOCUMENTS } from "../../src/datastore/built_ins.ts";
import type { DocumentConverter } from "../../src/datastore/document_converter.ts";
import { createResourceConverter } from "../../src/datastore/resource_converter.ts";
import { keyPath } from "../../src/model/keys.ts";
import type { KVUpdate } from "../../src/model/kv.ts";
import { CheckingDataplane, type DataplaneSnapshot } from "./checking_dataplane.ts";

/** One datastore state: its resources, and what must hold for the dataplane after it. */
export interface ScenarioState {
  readonly name: string;
  /** Valid resources: each must convert without an error or a warning. */
  readonly resources: readonly unknown[];
  /** Resources the converter must reject or report, and that must count as absent. */
  readonly invalid?: readonly unknown[];
  readonly check?: (snapshot: DataplaneSnapshot) => void;
}

/** A scenario: this node's name and a sequence of states. */
export interface Scenario {
  readonly name: string;
  readonly hostname: string;
  readonly states: readonly ScenarioState[];
  /** Add `BUILT_IN_DOCUMENTS` to every state (default true). */
  readonly builtIns?: boolean;
  /** Felix's `RouteSource` for the graph. */
  readonly routeSource?: CalcGraphOptions["routeSource"];
}

type Desired = ReadonlyMap<string, KVUpdate>;

const CONVERT = createResourceConverter();

function describeDoc(doc: unknown): string {
  const d = doc as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const ns = typeof d.metadata?.namespace === "string" ? `${d.metadata.namespace}/` : "";
  return `${String(d.kind)} "${ns}${String(d.metadata?.name)}"`;
}

/**
 * Convert a state's resources into the keys and values they imply. With `strict`, a resource
 * that fails or warns throws (a typo in a scenario must not silently empty it).
 */
export function desiredOf(
  convert: DocumentConverter,
  resources: readonly unknown[],
  strict = false,
): Desired {
  const out = new Map<string, KVUpdate>();
  for (const doc of resources) {
    const c = convert(doc);
    if (!c.ok) {
      if (strict) fail(`${describeDoc(doc)} does not convert: ${c.error.message}`);
      continue;
    }
    if (strict && c.warnings.length > 0) {
      fail(`${describeDoc(doc)} converts with warnings: ${c.warnings.join("; ")}`);
    }
    for (const u of c.updates) {
      if (u.value === null) out.delete(keyPath(u.key));
      else out.set(keyPath(u.key), u);
    }
  }
  return out;
}

/** The updates that move the datastore from `from` to `to`: deletions first, then upserts. */
export function transition(from: Desired, to: Desired): KVUpdate[] {
  const out: KVUpdate[] = [];
  for (const [path, u] of from) {
    if (!to.has(path)) out.push({ key: u.key, value: null, revision: "" } as KVUpdate);
  }
  for (const [path, u] of to) {
    const old = from.get(path);
    if (old === undefined || JSON.stringify(old.value) !== JSON.stringify(u.value)) out.push(u);
  }
  return out;
}

/** Drives one graph and one checking dataplane. */
class Run {
  readonly graph: CalcGraph;
  readonly dataplane = new CheckingDataplane();
  #current: Desired = new Map();
  #started = false;
  readonly #lateInSync: boolean;

  /** With `lateInSync`, the first state is flushed before the datastore is in sync. */
  constructor(scenario: Scenario, lateInSync = false) {
    this.graph = new CalcGraph({
      hostname: scenario.hostname,
      ...(scenario.routeSource === undefined ? {} : { routeSource: scenario.routeSource }),
    });
    this.#lateInSync = lateInSync;
  }

  /** Move to `next` (optionally without flushing, for the squashed run). */
  moveTo(next: Desired, flush = true): void {
    this.graph.onUpdates(transition(this.#current, next));
    this.#current = next;
    if (!this.#started) {
      this.#started = true;
      if (this.#lateInSync) this.#flushBeforeInSync();
      this.graph.onInSync();
    }
    if (flush) this.flush();
  }

  #flushBeforeInSync(): void {
    this.dataplane.applyFlush(this.graph.flush());
    const snap = this.snapshot();
    deepEqual(
      [snap.inSync, snap.workloadEndpoints, snap.hostEndpoints],
      [false, {}, {}],
      "before in-sync: no endpoint and no InSync",
    );
  }

  flush(): void {
    this.dataplane.applyFlush(this.graph.flush());
    deepEqual(this.graph.flush(), [], "a second flush with no new input must be empty");
  }

  snapshot(): DataplaneSnapshot {
    return this.dataplane.snapshot();
  }
}

function withBuiltIns(scenario: Scenario, docs: readonly unknown[]): readonly unknown[] {
  return scenario.builtIns === false ? docs : [...BUILT_IN_DOCUMENTS, ...docs];
}

function referenceOf(scenario: Scenario, desired: Desired): DataplaneSnapshot {
  const run = new Run(scenario);
  run.moveTo(desired);
  return run.snapshot();
}

/** The snapshot after a single state of `scenario` (built-ins added unless it opts out). */
export function snapshotOf(scenario: Scenario, resources: readonly unknown[]): DataplaneSnapshot {
  return referenceOf(scenario, desiredOf(CONVERT, withBuiltIns(scenario, resources), true));
}

/** Whether the converter rejects or warns about `doc`, or the graph's validation rejects it. */
function reported(doc: unknown): boolean {
  const c = CONVERT(doc);
  if (!c.ok || c.warnings.length > 0) return true;
  const graph = new CalcGraph({ hostname: "" });
  graph.onUpdates(c.updates);
  return graph.stats().updatesRejected > 0;
}

function desiredOfState(scenario: Scenario, state: ScenarioState): Desired {
  const valid = desiredOf(CONVERT, withBuiltIns(scenario, state.resources), true);
  for (const doc of state.invalid ?? []) {
    if (!reported(doc)) {
      fail(
        `state "${state.name}": ${describeDoc(doc)} is listed as invalid but nothing rejects it`,
      );
    }
  }
  if ((state.invalid ?? []).length === 0) return valid;
  return desiredOf(CONVERT, withBuiltIns(scenario, [...state.resources, ...state.invalid!]));
}

function checkState(label: string, state: ScenarioState, got: DataplaneSnapshot, ref: unknown) {
  deepEqual(got, ref, `${label}: dataplane differs from the reference for state "${state.name}"`);
  state.check?.(got);
}

function checkReferences(scenario: Scenario, refs: readonly DataplaneSnapshot[]): void {
  scenario.states.forEach((s, i) => {
    const ref = refs[i]!;
    if ((s.invalid ?? []).length > 0) {
      const without = snapshotOf(scenario, s.resources);
      deepEqual(ref, without, `state "${s.name}": its invalid resources disturbed the rest`);
    }
    s.check?.(ref);
  });
}

/** Every state straight after every other state (forward and reversed cover neighbours). */
function checkAllPairs(
  scenario: Scenario,
  desired: readonly Desired[],
  refs: readonly DataplaneSnapshot[],
): void {
  desired.forEach((from, i) => {
    desired.forEach((to, j) => {
      if (Math.abs(i - j) <= 1) return;
      const run = new Run(scenario);
      run.moveTo(from);
      run.moveTo(to);
      checkState(`from state ${i} to state ${j}`, scenario.states[j]!, run.snapshot(), refs[j]);
    });
  });
}

/** Run a scenario every way; throws on the first difference or violation. */
export function runScenario(scenario: Scenario): void {
  const desired = scenario.states.map((s) => desiredOfState(scenario, s));
  const empty: Desired = desiredOf(CONVERT, withBuiltIns(scenario, []), true);
  const refs = desired.map((d) => referenceOf(scenario, d));
  const emptyRef = referenceOf(scenario, empty);
  checkReferences(scenario, refs);

  const sequences: [string, number[], boolean?][] = [
    ["forward", desired.map((_, i) => i)],
    ["forward, the first state flushed before in-sync", desired.map((_, i) => i), true],
    ["reversed", desired.map((_, i) => desired.length - 1 - i)],
    ["interleaved with empty states", desired.flatMap((_, i) => [i, -1])],
  ];
  for (const [label, order, lateInSync] of sequences) {
    const run = new Run(scenario, lateInSync);
    for (const i of order) {
      run.moveTo(i < 0 ? empty : desired[i]!);
      if (i < 0) deepEqual(run.snapshot(), emptyRef, `${label}: empty state differs`);
      else checkState(label, scenario.states[i]!, run.snapshot(), refs[i]);
    }
  }
  checkAllPairs(scenario, desired, refs);
  const squashed = new Run(scenario);
  for (const d of desired) squashed.moveTo(d, false);
  squashed.flush();
  const last = scenario.states.length - 1;
  checkState("squashed", scenario.states[last]!, squashed.snapshot(), refs[last]);
}

/**
 * Registers a scenario as a `Deno.test` named `calc FV: <name>`. `ignore: true` is for a
 * scenario that documents a known calc-graph bug; say expected vs actual in a comment beside it.
 */
export function scenarioTest(
  scenario: Scenario,
  options: { readonly ignore?: boolean } = {},
): void {
  Deno.test({
    name: `calc FV: ${scenario.name}`,
    ignore: options.ignore ?? false,
    fn: () => runScenario(scenario),
  });
}
