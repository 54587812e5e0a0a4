/** A parsed selector: evaluation, canonical form, unique id and label restrictions. */
import { canonicalString, compile, type Evaluator, type Labels, type SelectorNode } from "./ast.ts";
import { type LabelRestrictions, labelRestrictions } from "./label_restrictions.ts";
import { parseSelectorNode } from "./parser.ts";
import { hashedId } from "../lib/hash_id.ts";

export class Selector {
  /** The syntax tree, after negation folding. */
  readonly root: SelectorNode;
  readonly #evaluate: Evaluator;
  readonly #canonical: string;
  #uniqueId: string | undefined;
  #restrictions: LabelRestrictions | undefined;

  constructor(root: SelectorNode) {
    this.root = root;
    this.#evaluate = compile(root);
    this.#canonical = canonicalString(root);
  }

  /** True when the labels satisfy the selector. */
  evaluate(labels: Labels): boolean {
    return this.#evaluate(labels);
  }

  /** The canonical form; parsing it again yields the same string. */
  toString(): string {
    return this.#canonical;
  }

  /** `"s:"` + base64url-no-pad(SHA-224(`"s:"` + canonical)): equal ids mean equal selectors. */
  uniqueId(): string {
    return this.#uniqueId ??= hashedId("s", this.#canonical);
  }

  /** Per-key requirements every matching label map meets (an index hint). */
  labelRestrictions(): LabelRestrictions {
    return this.#restrictions ??= labelRestrictions(this.root);
  }
}

/** Parses Calico selector text; throws `SelectorParseError` for invalid syntax. */
export function parseSelector(text: string): Selector {
  return new Selector(parseSelectorNode(text));
}
