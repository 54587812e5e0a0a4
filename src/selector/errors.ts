/**
 * The error thrown for a selector that is not valid Calico selector syntax.
 *
 * `column` is 1-based and counts UTF-16 code units of the input, which equals bytes for
 * every selector that is not rejected for a non-ASCII character before that point.
 */
export class SelectorParseError extends SyntaxError {
  readonly selector: string;
  readonly column: number;
  readonly reason: string;

  constructor(selector: string, column: number, reason: string) {
    super(`Cannot parse selector "${selector}": ${reason} at column ${column}`);
    this.name = "SelectorParseError";
    this.selector = selector;
    this.column = column;
    this.reason = reason;
  }
}
