/**
 * Turns the text of one datastore file into converted documents: split into raw documents
 * (`document_reader.ts`), identify each, run the converter, and collect what went wrong. The
 * result is the file's "good state" that the syncer keeps while the file is mid-write.
 *
 * @module
 */
import type { DocumentConverter } from "./document_converter.ts";
import type { ConvertedDocument } from "./desired_state.ts";
import {
  describeLocation,
  formatSource,
  type RawDocument,
  readDocuments,
} from "./document_reader.ts";
import { identityOf } from "./resource_identity.ts";
import type { ParseError } from "./syncer.ts";

/** A file's converted documents and what was reported while converting them. */
export interface LoadedFile {
  readonly text: string;
  readonly documents: readonly ConvertedDocument[];
  /** Documents skipped or not usable (syntax errors, decode and validation errors). */
  readonly problems: readonly ParseError[];
  /** Parts of used documents that were dropped. */
  readonly warnings: readonly ParseError[];
}

/** The outcome of loading a file: its new good state, or why the text cannot be used yet. */
export type FileLoad =
  | { readonly ok: true; readonly file: LoadedFile }
  | { readonly ok: false; readonly reason: string };

/** One document after conversion, with the problems and warnings it caused. */
export interface DocumentOutcome {
  readonly document: ConvertedDocument;
  readonly problems: readonly ParseError[];
  readonly warnings: readonly ParseError[];
}

function located(
  base: Pick<ParseError, "source">,
  what: Omit<ParseError, "source" | "message">,
  message: string,
): ParseError {
  return { ...base, ...what, message };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Convert one raw document; a converter that throws counts as a failed conversion. */
export function convertDocument(
  value: unknown,
  where: { readonly source: string; readonly where: string; readonly builtIn: boolean },
  convert: DocumentConverter,
): DocumentOutcome {
  const identity = identityOf(value);
  const what = identity === undefined ? {} : {
    kind: identity.kind,
    name: identity.name,
    ...(identity.namespace === "" ? {} : { namespace: identity.namespace }),
  };
  const base = { source: where.source };
  let result;
  try {
    result = convert(value);
  } catch (e) {
    result = { ok: false as const, error: { message: `Converter failed: ${errorText(e)}` } };
  }
  const withId = identity === undefined ? {} : { identity };
  if (!result.ok) {
    const { message, ...errWhat } = result.error;
    return {
      document: { ...where, ...withId, updates: null },
      problems: [located(base, { ...what, ...errWhat }, `${where.where}: ${message}`)],
      warnings: [],
    };
  }
  return {
    document: { ...where, ...withId, updates: result.updates },
    problems: [],
    warnings: result.warnings.map((w) => located(base, what, `${where.where}: ${w}`)),
  };
}

function convertRaw(raw: RawDocument, convert: DocumentConverter): DocumentOutcome {
  const where = {
    source: formatSource(raw.location),
    where: describeLocation(raw.location),
    builtIn: false,
  };
  return convertDocument(raw.value, where, convert);
}

/** Load a file's text: its good state, or the reason it looks incomplete. */
export function loadFileText(path: string, text: string, convert: DocumentConverter): FileLoad {
  let read;
  try {
    read = readDocuments(path, text);
  } catch (e) {
    return { ok: false, reason: `cannot parse "${path}": ${errorText(e)}` };
  }
  if (!read.ok) return read;
  const outcomes = read.documents.map((raw) => convertRaw(raw, convert));
  return {
    ok: true,
    file: {
      text,
      documents: outcomes.map((o) => o.document),
      problems: [...read.problems, ...outcomes.flatMap((o) => o.problems)],
      warnings: outcomes.flatMap((o) => o.warnings),
    },
  };
}
