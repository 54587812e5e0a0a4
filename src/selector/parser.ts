/**
 * Recursive-descent parser: tokens to a `SelectorNode` tree.
 *
 * Precedence, low to high: `||`, `&&`, `!`, primary. Runs of `!` cancel pairwise, a
 * single-operand AND/OR collapses to its operand, and empty input means `all()`.
 */
import { canonicalSet, negate, type SelectorNode } from "./ast.ts";
import { SelectorParseError } from "./errors.ts";
import { type Token, tokenize, type TokenKind } from "./tokenizer.ts";

const COMPARISONS: ReadonlySet<TokenKind> = new Set([
  "eq",
  "ne",
  "contains",
  "startsWith",
  "endsWith",
]);

const DESCRIPTIONS: Record<TokenKind, string> = {
  label: "a label",
  string: "a string",
  has: '"has()"',
  all: '"all()"',
  global: '"global()"',
  eq: '"=="',
  ne: '"!="',
  contains: '"contains"',
  startsWith: '"starts with"',
  endsWith: '"ends with"',
  in: '"in"',
  notIn: '"not in"',
  not: '"!"',
  and: '"&&"',
  or: '"||"',
  lparen: '"("',
  rparen: '")"',
  lbrace: '"{"',
  rbrace: '"}"',
  comma: '","',
  eof: "the end of the selector",
};

class Parser {
  readonly #text: string;
  readonly #tokens: Token[];
  #i = 0;

  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenize(text);
  }

  parse(): SelectorNode {
    if (this.#peek().kind === "eof") return { kind: "all" };
    const node = this.#orExpr();
    const rest = this.#peek();
    if (rest.kind !== "eof") this.#fail(rest, "unexpected content at the end of the selector");
    return node;
  }

  #peek(): Token {
    // The token list always ends with eof and the cursor never moves past it.
    return this.#tokens[this.#i]!;
  }

  #next(): Token {
    const t = this.#peek();
    if (t.kind !== "eof") this.#i++;
    return t;
  }

  #fail(token: Token, reason: string): never {
    throw new SelectorParseError(this.#text, token.pos + 1, reason);
  }

  #expect(kind: TokenKind, what: string): Token {
    const t = this.#next();
    if (t.kind !== kind) this.#fail(t, `expected ${what} but found ${describe(t)}`);
    return t;
  }

  #orExpr(): SelectorNode {
    return this.#junction("or", () => this.#andExpr());
  }

  #andExpr(): SelectorNode {
    return this.#junction("and", () => this.#unary());
  }

  #junction(kind: "and" | "or", operand: () => SelectorNode): SelectorNode {
    const operands = [operand()];
    while (this.#peek().kind === kind) {
      this.#next();
      operands.push(operand());
    }
    return operands.length === 1 ? operands[0]! : { kind, operands };
  }

  #unary(): SelectorNode {
    let negations = 0;
    while (this.#peek().kind === "not") {
      this.#next();
      negations++;
    }
    const node = this.#primary();
    return negations % 2 === 1 ? negate(node) : node;
  }

  #primary(): SelectorNode {
    const t = this.#next();
    switch (t.kind) {
      case "has":
        return { kind: "has", key: t.value };
      case "all":
        return { kind: "all" };
      case "global":
        return { kind: "global" };
      case "lparen": {
        const inner = this.#orExpr();
        this.#expect("rparen", '")"');
        return inner;
      }
      case "label":
        return this.#comparison(t.value);
      default:
        return this.#fail(
          t,
          `expected a label, has(), all(), global(), "!" or "(" but found ${describe(t)}`,
        );
    }
  }

  #comparison(key: string): SelectorNode {
    const op = this.#next();
    if (COMPARISONS.has(op.kind)) {
      const value = this.#expect("string", "a quoted string after the operator").value;
      return { kind: op.kind as "eq", key, value };
    }
    if (op.kind === "in" || op.kind === "notIn") {
      return { kind: op.kind, key, values: this.#setLiteral() };
    }
    return this.#fail(op, `expected an operator after label "${key}" but found ${describe(op)}`);
  }

  /** `{}`, `{"a"}`, `{"a", "b"}`, with one trailing comma tolerated. */
  #setLiteral(): string[] {
    this.#expect("lbrace", '"{" to open a set');
    const values: string[] = [];
    for (;;) {
      const t = this.#next();
      if (t.kind === "rbrace") break;
      if (t.kind !== "string") {
        this.#fail(t, `expected a string or "}" in a set but found ${describe(t)}`);
      }
      values.push(t.value);
      const sep = this.#next();
      if (sep.kind === "rbrace") break;
      if (sep.kind !== "comma") {
        this.#fail(sep, `expected "," or "}" in a set but found ${describe(sep)}`);
      }
    }
    return canonicalSet(values);
  }
}

function describe(t: Token): string {
  if (t.kind === "label") return `label "${t.value}"`;
  return DESCRIPTIONS[t.kind];
}

/** Parses selector text into a tree; throws `SelectorParseError`. */
export function parseSelectorNode(text: string): SelectorNode {
  return new Parser(text).parse();
}
