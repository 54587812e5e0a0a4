/**
 * The calc-graph state-sequence harness (STYLE rule 15).
 *
 * A scenario is a list of datastore states, each a list of resources as a cluster stores them.
 * The harness computes the updates that move the datastore from one state to the next, feeds
 * them to a fresh `CalcGraph`, flushes, and applies every message to a checking dataplane that
 * throws on any ordering or reference violation. It runs each scenario in five ways:
 *
 * - each state alone, from an empty datastore (this defines the reference output per state);
 * - forward: the states in order;
 * - reversed;
 * - with an empty state between every two states;
 * - squashed: every update of the forward run delivered in one batch before a single flush.
 *
 * After each state, the dataplane's snapshot must equal that state's reference, and each state's
 * own `check` must pass against it.
 *
 * @module
 */
import { deepEqual } from "node:assert/strict";
import { CalcGraph } from "../../src/calc/calc_graph.ts";
import { keyPath } from "../../src/model/keys.ts";
import type { KVUpdate } from "../../src/model/kv.ts";
import type { DocumentConverter } from "../../src/datastore/document_converter.ts";
import { CheckingDataplane, type DataplaneSnapshot } from "./checking_dataplane.ts";

/** One datastore state: its resources, and what must hold for the dataplane after it. */
export interface ScenarioState {
  readonly name: string;
  readonly resources: readonly unknown[];
  readonly check?: (snapshot: DataplaneSnapshot) => void;
}

/** A scenario: this node's name and a sequence of states. */
export interface Scenario {
  readonly name: string;
  readonly hostname: string;
  readonly states: readonly ScenarioState[];
}

type Desired = ReadonlyMap<string, KVUpdate>;

/** Convert a state's resources into the set of keys and values it implies. */
export function desiredOf(convert: DocumentConverter, resources: readonly unknown[]): Desired {
  const out = new Map<string, KVUpdate>();
  for (const [i, doc] of resources.entries()) {
    const c = convert(doc);
    if (!c.ok) continue; // Invalid resources are absent; scenarios may include them on purpose.
    for (const u of c.updates) {
      if (u.value === null) out.delete(keyPath(u.key));
      else out.set(keyPath(u.key), u);
    }
    void i;
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

  constructor(hostname: string) {
    this.graph = new CalcGraph({ hostname });
  }

  /** Move to `next` (optionally without flushing, for the squashed run). */
  moveTo(next: Desired, flush = true): void {
    this.graph.onUpdates(transition(this.#current, next));
    this.#current = next;
    if (!this.#started) {
      this.#started = true;
      this.graph.onInSync();
    }
    if (flush) this.flush();
  }

  flush(): void {
    this.dataplane.applyFlush(this.graph.flush());
  }
}

function checkState(label: string, state: ScenarioState, got: DataplaneSnapshot, ref: unknown) {
  deepEqual(got, ref, `${label}: dataplane differs from the reference for state "${state.name}"`);
  state.check?.(got);
}

/** Run a scenario every way; throws on the first difference or violation. */
export function runScenario(scenario: Scenario, convert: DocumentConverter): void {
  const desired = scenario.states.map((s) => desiredOf(convert, s.resources));
  const empty: Desired = new Map();
  const refs = desired.map((d) => {
    const run = new Run(scenario.hostname);
    run.moveTo(d);
    return run.dataplane.snapshot();
  });
  const emptyRef = (() => {
    const run = new Run(scenario.hostname);
    run.moveTo(empty);
    return run.dataplane.snapshot();
  })();
  scenario.states.forEach((s, i) => s.check?.(refs[i]!));

  const sequences: [string, number[]][] = [
    ["forward", desired.map((_, i) => i)],
    ["reversed", desired.map((_, i) => desired.length - 1 - i)],
    ["interleaved with empty states", desired.flatMap((_, i) => [i, -1])],
  ];
  for (const [label, order] of sequences) {
    const run = new Run(scenario.hostname);
    for (const i of order) {
      run.moveTo(i < 0 ? empty : desired[i]!);
      const snap = run.dataplane.snapshot();
      if (i < 0) deepEqual(snap, emptyRef, `${label}: empty state differs`);
      else checkState(label, scenario.states[i]!, snap, refs[i]);
    }
  }
  const squashed = new Run(scenario.hostname);
  for (const d of desired) squashed.moveTo(d, false);
  squashed.flush();
  const last = scenario.states.length - 1;
  checkState("squashed", scenario.states[last]!, squashed.dataplane.snapshot(), refs[last]);
}
