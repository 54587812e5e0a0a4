/**
 * The parameter table as specs: each row of `PARAM_ROWS` with its type parsed, its flags as
 * booleans, its default as the raw string to parse, and its FelixConfiguration field; plus
 * lookups by (any-case) name and by YAML field.
 *
 * @module
 */
import type { ConfigValues } from "./config_values.ts";
import { PARAM_ROWS, type ParamFlag } from "./param_rows.ts";
import { type ParamType, paramTypeOf } from "./param_types.ts";

/** A parameter's canonical name. */
export type ParamName = typeof PARAM_ROWS[number][0];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time proof that the rows and the typed view name the same parameters. */
export const NAMES_MATCH_VALUES: Same<ParamName, keyof ConfigValues> = true;

/** One parameter. */
export interface ParamSpec {
  readonly name: ParamName;
  readonly type: ParamType;
  /** The notation of the table's `type` column. */
  readonly typeText: string;
  /** The default as written in the table (`-`, `<unset>` and `<...>` notes included). */
  readonly defaultText: string;
  /** The raw default to parse; "" means the type's zero value. */
  readonly defaultRaw: string;
  readonly flags: readonly ParamFlag[];
  readonly localOnly: boolean;
  readonly nonZero: boolean;
  readonly dieOnFail: boolean;
  readonly skipDefaultValidation: boolean;
  /** Whether a change after the first in-sync requires a restart (all but the no-restart few). */
  readonly restartOnChange: boolean;
  /** The FelixConfiguration YAML field, or undefined when there is none. */
  readonly yamlField: string | undefined;
  /** The table's last column verbatim (`-(local only)` and the like when there is no field). */
  readonly fieldText: string;
  readonly description: string;
}

function defaultRawOf(text: string): string {
  return text === "-" || /^<[^>]*>$/.test(text) ? "" : text;
}

function specOf(row: typeof PARAM_ROWS[number]): ParamSpec {
  const [name, typeText, defaultText, flags, fieldText, description] = row;
  const has = (f: ParamFlag) => (flags as readonly ParamFlag[]).includes(f);
  return {
    name,
    type: paramTypeOf(typeText),
    typeText,
    defaultText,
    defaultRaw: defaultRawOf(defaultText),
    flags,
    localOnly: has("local-only"),
    nonZero: has("non-zero"),
    dieOnFail: has("die-on-fail"),
    skipDefaultValidation: has("skip-default-validation"),
    restartOnChange: !has("no-restart"),
    yamlField: fieldText.startsWith("-") ? undefined : fieldText,
    fieldText,
    description,
  };
}

/** Every parameter, in table order. */
export const PARAMS: readonly ParamSpec[] = PARAM_ROWS.map(specOf);

const BY_LOWER: ReadonlyMap<string, ParamSpec> = new Map(
  PARAMS.map((p) => [p.name.toLowerCase(), p]),
);
const BY_YAML: ReadonlyMap<string, ParamSpec> = new Map(
  PARAMS.flatMap((p) => p.yamlField === undefined ? [] : [[p.yamlField, p] as const]),
);

/** The parameter a name refers to, compared case-insensitively. */
export function paramByName(name: string): ParamSpec | undefined {
  return BY_LOWER.get(name.toLowerCase());
}

/** The parameter a FelixConfiguration YAML field sets (exact field name). */
export function paramByYamlField(field: string): ParamSpec | undefined {
  return BY_YAML.get(field);
}
