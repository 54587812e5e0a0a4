/**
 * The selector syntax tree, its canonical string form and its compiled evaluator.
 *
 * Trees are immutable. Set members are stored de-duplicated and sorted by UTF-8 byte order,
 * which is the order the canonical form prints them in.
 */
import { compareUtf8 } from "../lib/order.ts";

/** Anything that can look a label up by key; a `Map<string, string>` qualifies. */
export interface Labels {
  get(key: string): string | undefined;
}

export type ComparisonOp = "eq" | "ne" | "contains" | "startsWith" | "endsWith";
export type SetOp = "in" | "notIn";

export type SelectorNode =
  | { readonly kind: "all" }
  | { readonly kind: "global" }
  | { readonly kind: "has"; readonly key: string }
  | { readonly kind: ComparisonOp; readonly key: string; readonly value: string }
  | { readonly kind: SetOp; readonly key: string; readonly values: readonly string[] }
  | { readonly kind: "not"; readonly operand: SelectorNode }
  | { readonly kind: "and" | "or"; readonly operands: readonly SelectorNode[] };

/** Negation that never stacks: `not(not(x))` is `x`. */
export function negate(node: SelectorNode): SelectorNode {
  return node.kind === "not" ? node.operand : { kind: "not", operand: node };
}

/** De-duplicates and sorts set members into canonical order. */
export function canonicalSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareUtf8);
}

/** Quotes with `"` unless the value holds a `"` (no value can hold both quote characters). */
export function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

const OPERATOR_TEXT: Record<ComparisonOp | SetOp, string> = {
  eq: "==",
  ne: "!=",
  contains: "contains",
  startsWith: "starts with",
  endsWith: "ends with",
  in: "in",
  notIn: "not in",
};

/** The canonical form: built from the tree, never from the source text. */
export function canonicalString(node: SelectorNode): string {
  switch (node.kind) {
    case "all":
      return "all()";
    case "global":
      return "global()";
    case "has":
      return `has(${node.key})`;
    case "eq":
    case "ne":
    case "contains":
    case "startsWith":
    case "endsWith":
      return `${node.key} ${OPERATOR_TEXT[node.kind]} ${quote(node.value)}`;
    case "in":
    case "notIn":
      return `${node.key} ${OPERATOR_TEXT[node.kind]} {${node.values.map(quote).join(", ")}}`;
    case "not":
      return `!${canonicalString(node.operand)}`;
    case "and":
      return `(${node.operands.map(canonicalString).join(" && ")})`;
    case "or":
      return `(${node.operands.map(canonicalString).join(" || ")})`;
  }
}

export type Evaluator = (labels: Labels) => boolean;

const always: Evaluator = () => true;

/** Turns a tree into a closure: no tree walk or kind dispatch per evaluation. */
export function compile(node: SelectorNode): Evaluator {
  switch (node.kind) {
    case "all":
    case "global":
      return always;
    case "has": {
      const k = node.key;
      return (l) => l.get(k) !== undefined;
    }
    case "eq": {
      const { key: k, value: v } = node;
      return (l) => l.get(k) === v;
    }
    case "ne": {
      const { key: k, value: v } = node;
      return (l) => l.get(k) !== v;
    }
    case "contains": {
      const { key: k, value: v } = node;
      return (l) => l.get(k)?.includes(v) ?? false;
    }
    case "startsWith": {
      const { key: k, value: v } = node;
      return (l) => l.get(k)?.startsWith(v) ?? false;
    }
    case "endsWith": {
      const { key: k, value: v } = node;
      return (l) => l.get(k)?.endsWith(v) ?? false;
    }
    case "in":
    case "notIn":
      return compileSet(node.kind, node.key, node.values);
    case "not": {
      const inner = compile(node.operand);
      return (l) => !inner(l);
    }
    case "and":
    case "or":
      return compileJunction(node.kind, node.operands.map(compile));
  }
}

function compileSet(kind: SetOp, k: string, values: readonly string[]): Evaluator {
  const set = new Set(values);
  if (kind === "in") {
    return (l) => {
      const v = l.get(k);
      return v !== undefined && set.has(v);
    };
  }
  return (l) => {
    const v = l.get(k);
    return v === undefined || !set.has(v);
  };
}

function compileJunction(kind: "and" | "or", parts: Evaluator[]): Evaluator {
  if (parts.length === 2) {
    const [a, b] = parts as [Evaluator, Evaluator];
    return kind === "and" ? (l) => a(l) && b(l) : (l) => a(l) || b(l);
  }
  if (kind === "and") return (l) => parts.every((p) => p(l));
  return (l) => parts.some((p) => p(l));
}
