/**
 * The lexical layer of the selector language: raw text to a token list.
 *
 * Word operators (`contains`, `starts with`, `ends with`, `in`, `not in`) are recognised
 * only right after a label, so the same words are legal label keys elsewhere.
 */
import { SelectorParseError } from "./errors.ts";

export type TokenKind =
  | "label"
  | "string"
  | "has"
  | "all"
  | "global"
  | "eq"
  | "ne"
  | "contains"
  | "startsWith"
  | "endsWith"
  | "in"
  | "notIn"
  | "not"
  | "and"
  | "or"
  | "lparen"
  | "rparen"
  | "lbrace"
  | "rbrace"
  | "comma"
  | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** The label key or string literal value, when the kind carries one. */
  readonly value: string;
  /** 0-based offset of the token's first character in the input. */
  readonly pos: number;
}

/** The longest label key accepted, in bytes (keys are ASCII, so characters). */
export const MAX_LABEL_LENGTH = 512;

const SPACE = 0x20;
const TAB = 0x09;

function isWhitespace(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** `a-z A-Z 0-9 _ . / -` */
export function isIdentChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x5f || c === 0x2e || c === 0x2f || c === 0x2d;
}

const WORD_OPERATORS: ReadonlyArray<readonly [TokenKind, readonly string[]]> = [
  ["contains", ["contains"]],
  ["startsWith", ["starts", "with"]],
  ["endsWith", ["ends", "with"]],
  ["notIn", ["not", "in"]],
  ["in", ["in"]],
];

const FUNCTIONS: ReadonlyArray<readonly [TokenKind, string]> = [
  ["has", "has("],
  ["all", "all("],
  ["global", "global("],
];

class Lexer {
  readonly #text: string;
  readonly #tokens: Token[] = [];
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  run(): Token[] {
    const text = this.#text;
    for (;;) {
      this.#skipWhitespace();
      if (this.#pos >= text.length) break;
      const prev = this.#tokens[this.#tokens.length - 1];
      if (prev?.kind === "label" && this.#wordOperator()) continue;
      if (this.#punctuation()) continue;
      if (prev?.kind === "label") {
        const found = JSON.stringify(text[this.#pos]);
        this.#fail(
          this.#pos,
          `expected an operator after label "${prev.value}" but found ${found}`,
        );
      }
      if (this.#stringLiteral() || this.#function()) continue;
      this.#label();
    }
    this.#tokens.push({ kind: "eof", value: "", pos: text.length });
    return this.#tokens;
  }

  #fail(pos: number, reason: string): never {
    throw new SelectorParseError(this.#text, pos + 1, reason);
  }

  #skipWhitespace(): void {
    while (this.#pos < this.#text.length && isWhitespace(this.#text.charCodeAt(this.#pos))) {
      this.#pos++;
    }
  }

  #push(kind: TokenKind, pos: number, end: number, value = ""): true {
    this.#tokens.push({ kind, value, pos });
    this.#pos = end;
    return true;
  }

  /** Matches `words` separated by any run of whitespace (even none), then a word boundary. */
  #matchWords(words: readonly string[]): number | undefined {
    const text = this.#text;
    let p = this.#pos;
    for (const [i, word] of words.entries()) {
      if (i > 0) { while (p < text.length && isWhitespace(text.charCodeAt(p))) p++; }
      if (!text.startsWith(word, p)) return undefined;
      p += word.length;
    }
    return p < text.length && isIdentChar(text.charCodeAt(p)) ? undefined : p;
  }

  #wordOperator(): boolean {
    for (const [kind, words] of WORD_OPERATORS) {
      const end = this.#matchWords(words);
      if (end !== undefined) return this.#push(kind, this.#pos, end);
    }
    return false;
  }

  #punctuation(): boolean {
    const text = this.#text;
    const pos = this.#pos;
    const c = text[pos];
    const next = text[pos + 1];
    switch (c) {
      case "(":
        return this.#push("lparen", pos, pos + 1);
      case ")":
        return this.#push("rparen", pos, pos + 1);
      case "{":
        return this.#push("lbrace", pos, pos + 1);
      case "}":
        return this.#push("rbrace", pos, pos + 1);
      case ",":
        return this.#push("comma", pos, pos + 1);
      case "!":
        return next === "=" ? this.#push("ne", pos, pos + 2) : this.#push("not", pos, pos + 1);
      case "=":
        if (next === "=") return this.#push("eq", pos, pos + 2);
        return this.#fail(pos, 'expected "==" but found a lone "="');
      case "&":
        if (next === "&") return this.#push("and", pos, pos + 2);
        return this.#fail(pos, 'expected "&&" but found a lone "&"');
      case "|":
        if (next === "|") return this.#push("or", pos, pos + 2);
        return this.#fail(pos, 'expected "||" but found a lone "|"');
      default:
        return false;
    }
  }

  #stringLiteral(): boolean {
    const text = this.#text;
    const pos = this.#pos;
    const quote = text[pos];
    if (quote !== '"' && quote !== "'") return false;
    const end = text.indexOf(quote, pos + 1);
    if (end < 0) this.#fail(pos, `unterminated string (no closing ${quote})`);
    return this.#push("string", pos, end + 1, text.slice(pos + 1, end));
  }

  #function(): boolean {
    const text = this.#text;
    const pos = this.#pos;
    for (const [kind, opener] of FUNCTIONS) {
      if (!text.startsWith(opener, pos)) continue;
      this.#pos = pos + opener.length;
      this.#skipWhitespace();
      let key = "";
      if (kind === "has") {
        const start = this.#pos;
        key = this.#identifier();
        if (key === "") this.#fail(start, "expected a label key inside has()");
        this.#skipWhitespace();
      }
      if (text[this.#pos] !== ")") this.#fail(this.#pos, `expected ")" to close ${opener}`);
      return this.#push(kind, pos, this.#pos + 1, key);
    }
    return false;
  }

  /** Consumes a maximal identifier at the cursor; returns "" when there is none. */
  #identifier(): string {
    const text = this.#text;
    const start = this.#pos;
    let p = start;
    while (p < text.length && isIdentChar(text.charCodeAt(p))) p++;
    if (p - start > MAX_LABEL_LENGTH) {
      this.#fail(start, `label key longer than ${MAX_LABEL_LENGTH} characters`);
    }
    this.#pos = p;
    return text.slice(start, p);
  }

  #label(): void {
    const pos = this.#pos;
    const key = this.#identifier();
    if (key === "") {
      this.#fail(pos, `unexpected character ${JSON.stringify(this.#text[pos])}`);
    }
    this.#tokens.push({ kind: "label", value: key, pos });
  }
}

/** Splits selector text into tokens, ending with one `eof` token. */
export function tokenize(text: string): Token[] {
  return new Lexer(text).run();
}
