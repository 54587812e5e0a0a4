/**
 * String enumerations, matched case-sensitively as upstream's validators do.
 *
 * @module
 */
import { type DecodeContext, type ObjectReader, typeMismatch } from "./json_reader.ts";

/** Decodes a value that must be one of `allowed`; `what` names it in the error. */
export function decodeEnum<T extends string>(
  ctx: DecodeContext,
  path: string,
  value: unknown,
  allowed: readonly T[],
  what: string,
): T | undefined {
  if (typeof value !== "string") {
    ctx.error(path, typeMismatch("a string", value));
    return undefined;
  }
  const found = allowed.find((a) => a === value);
  if (found === undefined) {
    ctx.error(
      path,
      `${JSON.stringify(value)} is not a valid ${what}: must be one of ${allowed.join(", ")}`,
    );
  }
  return found;
}

/** Reads an optional field that must be one of `allowed`. */
export function readEnum<T extends string>(
  r: ObjectReader,
  key: string,
  allowed: readonly T[],
  what: string,
): T | undefined {
  return r.get(key, (ctx, path, v) => decodeEnum(ctx, path, v, allowed, what));
}

/** Reads an optional list whose entries must each be one of `allowed`. */
export function readEnumList<T extends string>(
  r: ObjectReader,
  key: string,
  allowed: readonly T[],
  what: string,
  max?: number,
): T[] | undefined {
  return r.list(
    key,
    (ctx, path, v) => decodeEnum(ctx, path, v, allowed, what),
    max === undefined ? {} : { max },
  );
}
