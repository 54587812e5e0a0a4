/**
 * Where raw values come from, in priority order, and the issues resolving them can raise.
 *
 * @module
 */

/** The sources of raw values, lowest priority first (the built-in defaults are implicit). */
export const CONFIG_SOURCES = [
  "datastore-global",
  "datastore-selector",
  "datastore-per-host",
  "config-file",
  "environment",
  "internal-override",
] as const;

/** A source of raw values that `Config.updateFrom` accepts. */
export type ConfigSource = typeof CONFIG_SOURCES[number];

/** A source, or the built-in default. */
export type ValueSource = ConfigSource | "default";

/** Priority of a source: 0 for defaults up to 6 for internal overrides. */
export function sourcePriority(source: ValueSource): number {
  return source === "default" ? 0 : CONFIG_SOURCES.indexOf(source) + 1;
}

/** Whether a source is one of the datastore's (which may not set local-only parameters). */
export function isDatastoreSource(source: ValueSource): boolean {
  return source.startsWith("datastore-");
}

/**
 * A problem found while loading or resolving configuration. `fatal` issues must stop Felix
 * (die-on-fail parameters, malformed bootstrap values); the rest are warnings.
 */
export interface ConfigIssue {
  /** The parameter (canonical name when known, else as given). */
  readonly param: string;
  readonly source: ValueSource;
  /** The raw value, already redacted for sensitive names. */
  readonly raw: string;
  /** What is wrong and what Felix does about it, in sentence case. */
  readonly reason: string;
  readonly fatal: boolean;
}

const SENSITIVE = /password|key|token|secret/i;

/** Whether a name may hold a secret (its values are never shown). */
export function isSensitiveName(name: string): boolean {
  return SENSITIVE.test(name);
}

/** Build an issue, redacting the raw value of sensitive names. */
export function configIssue(
  param: string,
  source: ValueSource,
  raw: string,
  reason: string,
  fatal = false,
): ConfigIssue {
  return { param, source, raw: isSensitiveName(param) ? "<redacted>" : raw, reason, fatal };
}

/** One line for a log: `Invalid value "x" for Foo from environment: reason`. */
export function formatIssue(issue: ConfigIssue): string {
  return `${
    issue.fatal ? "Fatal: " : ""
  }${issue.param} = "${issue.raw}" from ${issue.source}: ${issue.reason}`;
}
