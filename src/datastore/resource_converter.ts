/**
 * The real {@linkcode DocumentConverter}: decode and validate a raw object (`model/decode.ts`),
 * then convert it to internal-model updates (`model/to_kvs.ts`), with FelixConfiguration fanned
 * out by `config/`.
 *
 * Decode failures are errors (the resource is absent). Decoder warnings, conversion problems and
 * configuration issues are warnings, except when the conversion left the object with no usable
 * key at all: then its problems are the error.
 *
 * @module
 */
import { felixConfigurationToKVs } from "../config/felix_configuration_kvs.ts";
import { type ConfigIssue, formatIssue } from "../config/sources.ts";
import { decodeObject } from "../model/decode.ts";
import type { KVUpdate } from "../model/kv.ts";
import { type ConversionContext, objectToKVs } from "../model/to_kvs.ts";
import { describeResource, type ResourceError } from "../model/resource_error.ts";
import type { Conversion, ConversionError, DocumentConverter } from "./document_converter.ts";

/** Options of {@linkcode createResourceConverter}. */
export interface ResourceConverterOptions {
  /**
   * The pod interface name prefix: Felix's `InterfacePrefix`; only the first comma-separated
   * entry is used. Default `cali`.
   */
  readonly interfacePrefix?: string;
}

function conversionError(e: ResourceError): ConversionError {
  return {
    message: e.message,
    ...(e.kind === "" ? {} : { kind: e.kind }),
    ...(e.namespace === undefined ? {} : { namespace: e.namespace }),
    ...(e.resourceName === undefined ? {} : { name: e.resourceName }),
  };
}

/** A converter from raw documents to updates, for the file syncer (and later ones). */
export function createResourceConverter(opts: ResourceConverterOptions = {}): DocumentConverter {
  const interfacePrefix = (opts.interfacePrefix ?? "cali").split(",")[0]?.trim() || "cali";
  return (doc: unknown): Conversion => {
    const decoded = decodeObject(doc);
    if (!decoded.ok) return { ok: false, error: conversionError(decoded.error) };
    const issues: ConfigIssue[] = [];
    const ctx: ConversionContext = {
      interfacePrefix,
      felixConfigurationToKVs: (fc) =>
        felixConfigurationToKVs(fc, { onIssue: (i) => issues.push(i) }),
    };
    const { object } = decoded;
    const result = objectToKVs(object, ctx);
    const subject = describeResource({ kind: object.kind, ...object.metadata });
    const problems = [
      ...result.problems,
      ...issues.map((i) => `${subject}: ${formatIssue(i)}`),
    ];
    if (problems.length > 0 && !hasValue(result.updates)) {
      const { namespace, name } = object.metadata;
      return {
        ok: false,
        error: {
          message: problems.join("; "),
          kind: object.kind,
          name,
          ...(namespace === undefined ? {} : { namespace }),
        },
      };
    }
    return { ok: true, updates: result.updates, warnings: [...decoded.warnings, ...problems] };
  };
}

function hasValue(updates: readonly KVUpdate[]): boolean {
  return updates.some((u) => u.value !== null);
}
