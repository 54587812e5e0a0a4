/**
 * A `LabelIndex` whose callbacks are recorded: the live match set, the events since the last
 * look, and any duplicate start or stray stop (which the index must never report).
 *
 * @module
 */
import { LabelIndex } from "../../src/calc/label_index.ts";

/** Records callbacks, the live match set, and any duplicate start or stray stop. */
export class MatchRecorder {
  readonly live = new Set<string>();
  readonly violations: string[] = [];
  #events: string[] = [];

  readonly index = new LabelIndex({
    onMatchStarted: (s, i) => {
      const pair = `${s} ${i}`;
      if (this.live.has(pair)) this.violations.push(`duplicate start ${pair}`);
      this.live.add(pair);
      this.#events.push(`+${pair}`);
    },
    onMatchStopped: (s, i) => {
      const pair = `${s} ${i}`;
      if (!this.live.has(pair)) this.violations.push(`stop without start ${pair}`);
      this.live.delete(pair);
      this.#events.push(`-${pair}`);
    },
  });

  /** The events since the last call, sorted. */
  events(): string[] {
    const out = this.#events.sort();
    this.#events = [];
    return out;
  }
}
