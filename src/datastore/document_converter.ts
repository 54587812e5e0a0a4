/**
 * The seam between a syncer's mechanics (reading, diffing, batching) and the resource model: a
 * function that turns one raw document (a parsed YAML/JSON object) into internal-model updates.
 *
 * The real converter (`resource_converter.ts`) decodes and validates the object and converts it;
 * tests inject small fakes.
 *
 * @module
 */
import type { KVUpdate } from "../model/kv.ts";

/** Why a document could not be used, with what it was when that is known. */
export interface ConversionError {
  /** The full reason; names the kind, the name and the field path when known. */
  readonly message: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/**
 * The result of converting one document. On success, `updates` with a `null` value name keys the
 * object says must be absent (a pod without IPs); `warnings` describe parts that were dropped.
 */
export type Conversion =
  | {
    readonly ok: true;
    readonly updates: readonly KVUpdate[];
    readonly warnings: readonly string[];
  }
  | { readonly ok: false; readonly error: ConversionError };

/** Converts one raw document. Must be deterministic and must not keep the input. */
export type DocumentConverter = (doc: unknown) => Conversion;
