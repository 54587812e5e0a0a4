/**
 * Splits the text of one datastore file into raw resource documents: multi-document YAML
 * (`---`), JSON (a JSON text is YAML), top-level arrays, and `kind: List` / `kind: <X>List`
 * objects with `items`. Every document keeps where it came from (path, 0-based document index,
 * 0-based item index inside a list, 1-based line) so problems can point at it.
 *
 * The mid-write rule lives here: a file that may be half-written is reported as `incomplete`
 * instead of as a file with fewer resources (see DESIGN.md).
 *
 * @module
 */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from "yaml";
import { isJsonObject } from "../model/json_reader.ts";
import type { ParseError } from "./syncer.ts";

/** Where a raw document sits in its file. */
export interface DocumentLocation {
  readonly path: string;
  /** 0-based index of the YAML document in the file. */
  readonly document: number;
  /** 0-based index inside a top-level array or `List`, when the document is one. */
  readonly item?: number;
  /** 1-based line where the object starts. */
  readonly line: number;
}

/** One raw object read from a file, not yet decoded. */
export interface RawDocument {
  readonly location: DocumentLocation;
  readonly value: unknown;
}

/**
 * What a file's text holds: its documents plus problems (a document skipped for a syntax error),
 * or `incomplete` when the text looks like a write in progress and must not be used.
 */
export type FileRead =
  | {
    readonly ok: true;
    readonly documents: readonly RawDocument[];
    readonly problems: readonly ParseError[];
  }
  | { readonly ok: false; readonly reason: string };

/** The `source` string of a location: `<path> document <n>[ item <m>]`. */
export function formatSource(loc: DocumentLocation): string {
  const item = loc.item === undefined ? "" : ` item ${loc.item}`;
  return `${loc.path} document ${loc.document}${item}`;
}

/** A location for messages: `"<path>" document 2 (0-based), item 1, line 14`. */
export function describeLocation(loc: DocumentLocation): string {
  const item = loc.item === undefined ? "" : `, item ${loc.item}`;
  return `"${loc.path}" document ${loc.document} (0-based)${item}, line ${loc.line}`;
}

/** Whether a value is a list wrapper: an object whose `kind` is `List` or `<X>List`. */
function isListObject(value: unknown): value is { readonly items?: unknown } {
  if (!isJsonObject(value)) return false;
  const kind = value["kind"];
  return typeof kind === "string" && kind.endsWith("List");
}

/** A document with no content: nothing, or a bare `null` between markers. */
function isBlank(contents: unknown): boolean {
  return contents === null || (isScalar(contents) && contents.value === null);
}

function lineOf(node: Node | null | undefined, counter: LineCounter, fallback: number): number {
  const start = node?.range?.[0];
  return start === undefined ? fallback : counter.linePos(start).line;
}

/** The item nodes of a list document, to locate each item. */
function itemNodes(contents: unknown): readonly unknown[] {
  if (isSeq(contents)) return contents.items;
  if (isMap(contents)) {
    const items = contents.get("items", true);
    if (isSeq(items)) return items.items;
  }
  return [];
}

/** The raw documents in a parsed YAML document, or a reason when it looks cut short. */
function expand(
  value: unknown,
  contents: unknown,
  base: Omit<DocumentLocation, "item">,
  counter: LineCounter,
): RawDocument[] | string {
  const items = Array.isArray(value) ? value : isListObject(value) ? value.items : undefined;
  if (!Array.isArray(value) && !isListObject(value)) return [{ location: base, value }];
  if (items === undefined || items === null) {
    return `document ${base.document} (0-based) is a list without items (write "items: []" ` +
      `for an empty list)`;
  }
  if (!Array.isArray(items)) return [{ location: base, value }]; // bad list: let decoding say why
  const nodes = itemNodes(contents);
  return items.map((item, i) => ({
    location: { ...base, item: i, line: lineOf(nodes[i] as Node | undefined, counter, base.line) },
    value: item,
  }));
}

function syntaxReason(path: string, index: number, message: string): string {
  const reason = (message.split("\n")[0] ?? message).replace(/:$/, "");
  return `Cannot parse "${path}" document ${index} (0-based): ${reason}`;
}

function toJS(doc: Document): { readonly value: unknown } | { readonly error: string } {
  try {
    return { value: doc.toJS({ maxAliasCount: 1000 }) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Read the documents of a file's text. Rules (DESIGN.md, "Mid-write rule"):
 * - no non-blank document (empty, only whitespace, comments or `---`) -> incomplete;
 * - a syntax error in the last non-blank document -> incomplete (a truncated file looks so);
 * - a `List` without `items` (or with `items:` empty) -> incomplete, for the same reason;
 * - a syntax error in an earlier document -> that document is skipped and reported;
 * - `[]` or a `List` with `items: []` is a complete file with no resources.
 */
export function readDocuments(path: string, text: string): FileRead {
  return readJSON(path, text) ?? readYAML(path, text);
}

/**
 * Fast path for a file that is one JSON text: `JSON.parse` is an order of magnitude faster and
 * lighter than the YAML parser on large files. Items of a top-level array or List get the line of
 * the document (1); anything that does not parse as JSON goes the YAML way, which reports
 * locations and applies the mid-write rule.
 */
function readJSON(path: string, text: string): FileRead | undefined {
  const head = text.trimStart()[0];
  if (head !== "{" && head !== "[") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const base = { path, document: 0, line: 1 };
  const items = Array.isArray(value) ? value : isListObject(value) ? value.items : undefined;
  if (!Array.isArray(value) && !isListObject(value)) {
    return { ok: true, documents: [{ location: base, value }], problems: [] };
  }
  if (items === undefined || items === null) return undefined; // let the YAML path explain
  if (!Array.isArray(items)) {
    return { ok: true, documents: [{ location: base, value }], problems: [] };
  }
  const documents = items.map((item, i) => ({ location: { ...base, item: i }, value: item }));
  return { ok: true, documents, problems: [] };
}

function readYAML(path: string, text: string): FileRead {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, prettyErrors: true });
  const used = [...docs.entries()].filter(([, d]) => !isBlank(d.contents) || d.errors.length > 0);
  const [lastIndex, last] = used.at(-1) ?? [-1, undefined];
  if (last === undefined) {
    return { ok: false, reason: `"${path}" has no documents (it is empty or only comments)` };
  }
  if (last.errors.length > 0) {
    return { ok: false, reason: syntaxReason(path, lastIndex, last.errors[0]?.message ?? "") };
  }
  const documents: RawDocument[] = [];
  const problems: ParseError[] = [];
  for (const [index, doc] of used) {
    const js = doc.errors.length > 0 ? { error: doc.errors[0]?.message ?? "" } : toJS(doc);
    if ("error" in js) {
      problems.push({
        source: `${path} document ${index}`,
        message: `${syntaxReason(path, index, js.error)}; the document is skipped`,
      });
      continue;
    }
    const line = lineOf(doc.contents, counter, counter.linePos(doc.range[0]).line);
    const out = expand(js.value, doc.contents, { path, document: index, line }, counter);
    if (typeof out === "string") return { ok: false, reason: `"${path}" ${out}` };
    documents.push(...out);
  }
  return { ok: true, documents, problems };
}
