/**
 * A typed reader over untrusted JSON that knows where it is: every wrong type, missing field and
 * unknown field is recorded against its path (`spec.ingress[0].source.nets[1]`) in a
 * `DecodeContext`, and reading goes on so that one pass finds every problem.
 *
 * `null` counts as absent, as it does for Go's JSON decoding of optional fields.
 *
 * @module
 */
import type { FieldProblem } from "./resource_error.ts";

/** A JSON object as parsed. */
export type JsonObject = { readonly [key: string]: unknown };

/** Whether a value is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The path of `key` inside `path`: `spec.order`, or `metadata.labels["app/x"]` for odd keys. */
export function childPath(path: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** The path of element `index` of the array at `path`. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** How an unexpected value is named in errors: `string "10"`, `number 10`, `object`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "string":
      return `string ${JSON.stringify(value)}`;
    case "number":
    case "boolean":
      return `${typeof value} ${String(value)}`;
    default:
      return typeof value;
  }
}

/** The reason text for a value of the wrong JSON type. */
export function typeMismatch(expected: string, value: unknown): string {
  return `expected ${expected}, got ${describeValue(value)}`;
}

/** The reason recorded for a required field that is absent, null or empty. */
export const MISSING = "missing required field";

/** Collects the problems (errors) and warnings found while decoding one object. */
export class DecodeContext {
  /** Whether unknown fields are reported as warnings (Calico kinds) or ignored (Kubernetes). */
  readonly warnUnknown: boolean;
  readonly #problems: FieldProblem[] = [];
  readonly #warnings: FieldProblem[] = [];

  constructor(warnUnknown: boolean) {
    this.warnUnknown = warnUnknown;
  }

  /** Records an error against a field. */
  error(field: string, reason: string): void {
    this.#problems.push({ field, reason });
  }

  /** Records a warning against a field. */
  warn(field: string, reason: string): void {
    this.#warnings.push({ field, reason });
  }

  /** The errors so far, in the order found. */
  get problems(): readonly FieldProblem[] {
    return this.#problems;
  }

  /** The warnings so far, in the order found. */
  get warnings(): readonly FieldProblem[] {
    return this.#warnings;
  }
}

/** Reads a string; records a type error and returns undefined for anything else. */
export function asString(ctx: DecodeContext, path: string, value: unknown): string | undefined {
  if (typeof value === "string") return value;
  ctx.error(path, typeMismatch("a string", value));
  return undefined;
}

/** Reads a finite number. */
export function asNumber(ctx: DecodeContext, path: string, value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  ctx.error(path, typeMismatch("a number", value));
  return undefined;
}

/** Reads an integer. */
export function asInteger(ctx: DecodeContext, path: string, value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  ctx.error(path, typeMismatch("an integer", value));
  return undefined;
}

/** Reads a boolean. */
export function asBoolean(ctx: DecodeContext, path: string, value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  ctx.error(path, typeMismatch("a boolean", value));
  return undefined;
}

/** Reads an integer and checks `min <= n <= max`. */
export function asIntegerIn(
  ctx: DecodeContext,
  path: string,
  value: unknown,
  min: number,
  max: number,
): number | undefined {
  const n = asInteger(ctx, path, value);
  if (n === undefined) return undefined;
  if (n >= min && n <= max) return n;
  ctx.error(path, `${n} is out of range: must be between ${min} and ${max}`);
  return undefined;
}

/** Decodes one element (or field value) at a path; undefined when it is invalid. */
export type ValueDecoder<T> = (ctx: DecodeContext, path: string, value: unknown) => T | undefined;

/** Decodes the object read by `r`; `r.finish()` runs after it. */
export type ObjectDecoder<T> = (r: ObjectReader) => T;

/** Limits on a list. */
export interface ListOptions {
  /** The most elements allowed. */
  readonly max?: number;
}

/** Reads the fields of one JSON object at a path, remembering which fields were read. */
export class ObjectReader {
  readonly ctx: DecodeContext;
  readonly path: string;
  readonly #object: JsonObject;
  readonly #seen = new Set<string>();

  constructor(ctx: DecodeContext, path: string, object: JsonObject) {
    this.ctx = ctx;
    this.path = path;
    this.#object = object;
  }

  /** Runs `decode` over `value` if it is an object (else records a type error). */
  static read<T>(
    ctx: DecodeContext,
    path: string,
    value: unknown,
    decode: ObjectDecoder<T>,
  ): T | undefined {
    if (!isJsonObject(value)) {
      ctx.error(path, typeMismatch("an object", value));
      return undefined;
    }
    const reader = new ObjectReader(ctx, path, value);
    const out = decode(reader);
    reader.finish();
    return out;
  }

  /** The path of a field of this object. */
  at(key: string): string {
    return childPath(this.path, key);
  }

  /** Whether the field is present and not null. */
  has(key: string): boolean {
    const v = this.#object[key];
    return v !== undefined && v !== null;
  }

  /** The raw value of a field (null as undefined), marking it as read. */
  value(key: string): unknown {
    this.#seen.add(key);
    const v = Object.hasOwn(this.#object, key) ? this.#object[key] : undefined;
    return v === null ? undefined : v;
  }

  /** The field names of the object, in document order. */
  keys(): string[] {
    return Object.keys(this.#object);
  }

  /** Marks fields as known without reading them (modelled elsewhere or deliberately dropped). */
  ignore(...keys: readonly string[]): void {
    for (const k of keys) this.#seen.add(k);
  }

  /** Reads an optional field with a value decoder. */
  get<T>(key: string, decode: ValueDecoder<T>): T | undefined {
    const v = this.value(key);
    return v === undefined ? undefined : decode(this.ctx, this.at(key), v);
  }

  /** An optional string. */
  string(key: string): string | undefined {
    return this.get(key, asString);
  }

  /** A required string: absent, null and "" are all reported as missing. */
  requiredString(key: string): string | undefined {
    const s = this.string(key);
    if (s === "" || (s === undefined && !this.has(key))) this.ctx.error(this.at(key), MISSING);
    return s === "" ? undefined : s;
  }

  /** An optional finite number. */
  number(key: string): number | undefined {
    return this.get(key, asNumber);
  }

  /** An optional integer. */
  integer(key: string): number | undefined {
    return this.get(key, asInteger);
  }

  /** An optional boolean. */
  boolean(key: string): boolean | undefined {
    return this.get(key, asBoolean);
  }

  /** An optional nested object, decoded by `decode`. */
  object<T>(key: string, decode: ObjectDecoder<T>): T | undefined {
    const v = this.value(key);
    return v === undefined ? undefined : ObjectReader.read(this.ctx, this.at(key), v, decode);
  }

  /** A nested object that is decoded as `{}` when absent (or of the wrong type). */
  objectOrEmpty<T>(key: string, decode: ObjectDecoder<T>): T {
    const out = this.object(key, decode);
    if (out !== undefined) return out;
    return ObjectReader.read(this.ctx, this.at(key), {}, decode)!;
  }

  /** An optional array, each element decoded by `decode`; invalid elements are left out. */
  list<T>(key: string, decode: ValueDecoder<T>, options: ListOptions = {}): T[] | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    const path = this.at(key);
    if (!Array.isArray(v)) {
      this.ctx.error(path, typeMismatch("an array", v));
      return undefined;
    }
    if (options.max !== undefined && v.length > options.max) {
      this.ctx.error(path, `has ${v.length} items, more than the maximum of ${options.max}`);
    }
    const out: T[] = [];
    v.forEach((item: unknown, i: number) => {
      const decoded = decode(this.ctx, indexPath(path, i), item);
      if (decoded !== undefined) out.push(decoded);
    });
    return out;
  }

  /** An optional array of objects, each decoded by `decode`. */
  objects<T>(key: string, decode: ObjectDecoder<T>, options: ListOptions = {}): T[] | undefined {
    return this.list(key, (ctx, path, item) => ObjectReader.read(ctx, path, item, decode), options);
  }

  /** An optional array of strings. */
  strings(key: string, options: ListOptions = {}): string[] | undefined {
    return this.list(key, asString, options);
  }

  /** An optional map of strings to strings (labels, annotations). */
  stringMap(key: string): Record<string, string> | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    const path = this.at(key);
    if (!isJsonObject(v)) {
      this.ctx.error(path, typeMismatch("an object", v));
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [k, item] of Object.entries(v)) {
      const s = asString(this.ctx, childPath(path, k), item);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }

  /** Reports every field that was never read (warnings, when the context asks for them). */
  finish(): void {
    if (!this.ctx.warnUnknown) return;
    for (const key of Object.keys(this.#object)) {
      if (!this.#seen.has(key)) this.ctx.warn(this.at(key), "unknown field, ignored");
    }
  }
}
