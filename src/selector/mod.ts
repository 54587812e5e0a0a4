/**
 * The Calico selector language: parse, evaluate, canonical string, unique id and the
 * label restrictions a label index uses to find candidate selectors.
 *
 * @module
 */
export { parseSelector, Selector } from "./selector.ts";
export { SelectorParseError } from "./errors.ts";
export type { Labels, SelectorNode } from "./ast.ts";
export { compareUtf8 } from "../lib/order.ts";
export {
  isSatisfiable,
  type LabelRestriction,
  type LabelRestrictions,
} from "./label_restrictions.ts";
export { prefixSelectorKeys } from "./prefix_keys.ts";
