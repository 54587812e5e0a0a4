/**
 * Rewriting every label key of a selector with a prefix, as the syncer does when it folds
 * namespace and service-account selectors into one endpoint selector (`pcns.`, `pcsa.`).
 *
 * @module
 */
import { canonicalString, type SelectorNode } from "./ast.ts";
import { SelectorParseError } from "./errors.ts";
import { parseSelectorNode } from "./parser.ts";

function prefixNode(node: SelectorNode, prefix: string): SelectorNode {
  switch (node.kind) {
    case "all":
    case "global":
      return node;
    case "not":
      return { kind: "not", operand: prefixNode(node.operand, prefix) };
    case "and":
    case "or":
      return { kind: node.kind, operands: node.operands.map((o) => prefixNode(o, prefix)) };
    default:
      return { ...node, key: prefix + node.key };
  }
}

/**
 * Parses `selector`, prefixes every label key with `prefix` and returns the canonical form
 * (`namespacelabel1 == 'value1'` with `pcns.` gives `pcns.namespacelabel1 == "value1"`).
 * `all()` and `global()` are kept as they are; empty input gives `all()`. Returns undefined
 * when `selector` does not parse.
 */
export function prefixSelectorKeys(selector: string, prefix: string): string | undefined {
  let root: SelectorNode;
  try {
    root = parseSelectorNode(selector);
  } catch (e) {
    if (e instanceof SelectorParseError) return undefined;
    throw e;
  }
  return canonicalString(prefixNode(root, prefix));
}
