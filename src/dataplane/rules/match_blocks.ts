/**
 * Match blocks: when one rule cannot express an OR (several positive CIDRs on a side, more port
 * slots than one split, numeric plus named ports, or negated CIDRs that do not fit), upstream
 * renders extra rules that compute the OR into the scratch mark bits, and the main rule then
 * matches scratch0 (reference/rules-rendering.md §4.3).
 *
 * @module
 */
import type { PortRange } from "../../proto/rule.ts";
import type { MarkBits } from "./mark_bits.ts";
import { m, type Match, type Protocol, type Rule, rule, type Side } from "./rule_model.ts";

/** Splits ports into groups of at most 15 slots (one per port, two per range), greedily. */
export function splitPortList(ports: readonly PortRange[]): PortRange[][] {
  const splits: PortRange[][] = [];
  let current: PortRange[] = [];
  let free = 15;
  for (const port of ports) {
    const cost = port.first === port.last ? 1 : 2;
    if (free < cost) {
      splits.push(current);
      current = [];
      free = 15;
    }
    current.push(port);
    free -= cost;
  }
  if (current.length > 0) splits.push(current);
  return splits;
}

/** Accumulates block rules; `match` is then the extra term for the main rule. */
export class MatchBlockBuilder {
  readonly #marks: MarkBits;
  readonly #rules: Rule[] = [];
  #positiveBlocks = 0;

  constructor(marks: MarkBits) {
    this.#marks = marks;
  }

  /** The block rules so far. */
  get rules(): readonly Rule[] {
    return this.#rules;
  }

  /** The term the main rule needs (scratch0 set), if any block was rendered. */
  get match(): Match | undefined {
    return this.#rules.length > 0 ? m.markSet(this.#marks.scratch0) : undefined;
  }

  /** An OR over numeric port splits and named-port sets on one side. */
  addPortBlock(
    side: Side,
    protocol: Protocol | undefined,
    splits: readonly (readonly PortRange[])[],
    namedPortSetIds: readonly string[],
  ): void {
    const bit = this.#startPositive();
    for (const ports of splits) {
      const terms: Match[] = protocol === undefined ? [] : [m.proto(protocol)];
      terms.push({ kind: "ports", side, protocol: protocol ?? "", ports, negate: false });
      this.#rules.push(rule(terms, { kind: "setMark", mark: bit }));
    }
    for (const setId of namedPortSetIds) {
      const term: Match = { kind: "ipPortSet", side, setId, negate: false };
      this.#rules.push(rule([term], { kind: "setMark", mark: bit }));
    }
    this.#finishPositive();
  }

  /** An OR over CIDRs on one side. */
  addCIDRBlock(side: Side, cidrs: readonly string[]): void {
    const bit = this.#startPositive();
    for (const cidr of cidrs) {
      const term: Match = { kind: "net", side, cidr, negate: false };
      this.#rules.push(rule([term], { kind: "setMark", mark: bit }));
    }
    this.#finishPositive();
  }

  /** "None of" these CIDRs: each match clears scratch0. */
  addNegatedCIDRBlock(side: Side, cidrs: readonly string[]): void {
    this.#init(this.#marks.scratch0);
    for (const cidr of cidrs) {
      const term: Match = { kind: "net", side, cidr, negate: false };
      this.#rules.push(rule([term], { kind: "clearMark", mark: this.#marks.scratch0 }));
    }
  }

  #init(initial: number): void {
    if (this.#rules.length > 0) return;
    const mask = (this.#marks.scratch0 | this.#marks.scratch1) >>> 0;
    this.#rules.push(rule([], { kind: "setMaskedMark", mark: initial, mask }));
  }

  /** The bit a positive block writes: scratch0 for the first, scratch1 after. */
  #startPositive(): number {
    this.#init(0);
    this.#positiveBlocks++;
    if (this.#positiveBlocks === 1) return this.#marks.scratch0;
    if (this.#positiveBlocks > 2) {
      // scratch1 may still hold the previous block's result: start this block from clear.
      this.#rules.push(rule([], { kind: "clearMark", mark: this.#marks.scratch1 }));
    }
    return this.#marks.scratch1;
  }

  #finishPositive(): void {
    if (this.#positiveBlocks === 1) return;
    this.#rules.push(
      rule([m.markClear(this.#marks.scratch1)], { kind: "clearMark", mark: this.#marks.scratch0 }),
    );
  }
}
