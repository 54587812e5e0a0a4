/**
 * Per-key label restrictions that every label map matching a selector must satisfy.
 *
 * They are an index hint only: a selector is never judged by them, but a label index can
 * skip selectors whose restrictions a label map cannot meet.
 */
import type { SelectorNode } from "./ast.ts";

export interface LabelRestriction {
  /** The key must be present (with any value, unless `values` narrows it). */
  readonly mustBePresent: boolean;
  /** The key must be absent. Together with `mustBePresent`, nothing can match. */
  readonly mustBeAbsent: boolean;
  /** When set, the key's value must be one of these; an empty set means nothing matches. */
  readonly values?: ReadonlySet<string>;
}

export type LabelRestrictions = ReadonlyMap<string, LabelRestriction>;

/** True when some label map could satisfy the restriction. */
export function isSatisfiable(r: LabelRestriction): boolean {
  if (r.mustBePresent && r.mustBeAbsent) return false;
  return r.values === undefined || r.values.size > 0;
}

const NONE: LabelRestrictions = new Map();

/** Derives the restrictions of a selector tree. */
export function labelRestrictions(node: SelectorNode): LabelRestrictions {
  switch (node.kind) {
    case "eq":
      return single(node.key, {
        mustBePresent: true,
        mustBeAbsent: false,
        values: new Set([node.value]),
      });
    case "in":
      return single(node.key, {
        mustBePresent: true,
        mustBeAbsent: false,
        values: new Set(node.values),
      });
    case "has":
    case "contains":
    case "startsWith":
    case "endsWith":
      return single(node.key, { mustBePresent: true, mustBeAbsent: false });
    case "not":
      return node.operand.kind === "has"
        ? single(node.operand.key, { mustBePresent: false, mustBeAbsent: true })
        : NONE;
    case "and":
      return node.operands.map(labelRestrictions).reduce(intersect);
    case "or":
      return node.operands.map(labelRestrictions).reduce(union);
    case "ne":
    case "notIn":
    case "all":
    case "global":
      return NONE;
  }
}

function single(key: string, r: LabelRestriction): LabelRestrictions {
  return new Map([[key, r]]);
}

/** Both sides hold: flags add up, value sets intersect. */
function intersect(a: LabelRestrictions, b: LabelRestrictions): LabelRestrictions {
  const out = new Map(a);
  for (const [key, rb] of b) {
    const ra = a.get(key);
    if (ra === undefined) {
      out.set(key, rb);
      continue;
    }
    const merged: LabelRestriction = {
      mustBePresent: ra.mustBePresent || rb.mustBePresent,
      mustBeAbsent: ra.mustBeAbsent || rb.mustBeAbsent,
    };
    const values = ra.values === undefined
      ? rb.values
      : rb.values === undefined
      ? ra.values
      : new Set([...ra.values].filter((v) => rb.values!.has(v)));
    out.set(key, values === undefined ? merged : { ...merged, values });
  }
  return out;
}

/** Either side holds: keep only what both sides require, value sets unite. */
function union(a: LabelRestrictions, b: LabelRestrictions): LabelRestrictions {
  const out = new Map<string, LabelRestriction>();
  for (const [key, ra] of a) {
    const rb = b.get(key);
    if (rb === undefined) continue;
    const merged: LabelRestriction = {
      mustBePresent: ra.mustBePresent && rb.mustBePresent,
      mustBeAbsent: ra.mustBeAbsent && rb.mustBeAbsent,
    };
    if (ra.values !== undefined && rb.values !== undefined) {
      out.set(key, { ...merged, values: new Set([...ra.values, ...rb.values]) });
    } else if (merged.mustBePresent || merged.mustBeAbsent) {
      out.set(key, merged);
    }
  }
  return out;
}
