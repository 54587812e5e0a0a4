/**
 * `Config`: raw values per source, resolved per parameter by priority into parsed values, with
 * the issues found and restart detection. No I/O: loaders hand it raw maps, and existence
 * checks of paths come in through `FileChecks`.
 *
 * @module
 */
import type { ConfigValues } from "./config_values.ts";
import { paramByName, type ParamName, PARAMS, type ParamSpec } from "./param_table.ts";
import type { ParamValue, ParseResult } from "./param_types.ts";
import { parseParamValue, zeroValue } from "./parse_value.ts";
import {
  CONFIG_SOURCES,
  type ConfigIssue,
  configIssue,
  type ConfigSource,
  isDatastoreSource,
  type ValueSource,
} from "./sources.ts";
import { deepEqual } from "../lib/deep_equal.ts";

/** Existence checks for `path(must-exist)` and `executable-path` parameters (I/O, injected). */
export interface FileChecks {
  /** Whether the file exists. */
  exists(path: string): boolean;
  /** The full path of an executable (beside the felix binary, then on PATH), if found. */
  findExecutable(name: string): string | undefined;
}

/** Options of a `Config`. */
export interface ConfigOptions {
  /** Default of `FelixHostname` (the OS hostname, lower-cased); "" when absent. */
  readonly hostname?: string;
  /** Existence checks; when absent, paths are not checked. */
  readonly fileChecks?: FileChecks;
}

/** How one parameter was resolved. */
export interface ResolvedParam {
  readonly value: ParamValue;
  /** The source that set it (even when its value was invalid), or "default". */
  readonly source: ValueSource;
  /** The raw value from that source; undefined for the default. */
  readonly raw: string | undefined;
  /** False when the source's value was invalid and the default is in use. */
  readonly valid: boolean;
}

/** What an update did. */
export interface ConfigChange {
  /** Parameters whose parsed value changed. */
  readonly changed: readonly ParamName[];
  /** True when in sync and a restart-on-change parameter changed (exit `RESTART_EXIT_CODE`). */
  readonly restartRequired: boolean;
  /** Every issue of the new resolution (warnings and fatal errors). */
  readonly issues: readonly ConfigIssue[];
  /** Whether any issue is fatal. */
  readonly fatal: boolean;
}

/** The exit code asking the init system to restart Felix (config change, SIGHUP). */
export const RESTART_EXIT_CODE = 129;

interface RawEntry {
  readonly name: string;
  readonly raw: string;
}

const HIGH_TO_LOW: readonly ConfigSource[] = [...CONFIG_SOURCES].reverse();

/** Parsed defaults; a default that does not parse is a bug in the table, hence a throw. */
function parseDefaults(hostname: string): ReadonlyMap<ParamName, ParamValue> {
  return new Map(PARAMS.map((p) => {
    const raw = p.name === "FelixHostname" ? hostname : p.defaultRaw;
    if (raw === "") return [p.name, zeroValue(p.type)];
    const r = parseParamValue(p.type, raw, false);
    if (!r.ok) throw new TypeError(`Cannot parse the default "${raw}" of ${p.name}: ${r.reason}`);
    return [p.name, r.value];
  }));
}

/** Felix's configuration: per-source raw values resolved into typed values. */
export class Config {
  readonly #defaults: ReadonlyMap<ParamName, ParamValue>;
  readonly #fileChecks: FileChecks | undefined;
  readonly #raw = new Map<ConfigSource, ReadonlyMap<string, RawEntry>>();
  #resolved = new Map<ParamName, ResolvedParam>();
  #values: ConfigValues;
  #issues: readonly ConfigIssue[] = [];
  #inSync = false;
  #restartRequired = false;

  constructor(options: ConfigOptions = {}) {
    this.#defaults = parseDefaults(options.hostname ?? "");
    this.#fileChecks = options.fileChecks;
    this.#values = this.#resolveAll().values;
  }

  /** Replace one source's raw values (names in any case; empty values ignored) and re-resolve. */
  updateFrom(source: ConfigSource, raw: Readonly<Record<string, string>>): ConfigChange {
    const entries = new Map<string, RawEntry>();
    for (const [name, value] of Object.entries(raw)) {
      if (value.trim() !== "") entries.set(name.toLowerCase(), { name, raw: value });
    }
    this.#raw.set(source, entries);
    const before = this.#values;
    const { values, issues } = this.#resolveAll();
    const changed = PARAMS.map((p) => p.name).filter((n) => !deepEqual(before[n], values[n]));
    const restartRequired = this.#inSync &&
      changed.some((n) => paramByName(n)!.restartOnChange);
    this.#restartRequired ||= restartRequired;
    return { changed, restartRequired, issues, fatal: issues.some((i) => i.fatal) };
  }

  /** The current parsed values (a snapshot; never mutated afterwards). */
  get values(): ConfigValues {
    return this.#values;
  }

  /** The issues of the current resolution. */
  get issues(): readonly ConfigIssue[] {
    return this.#issues;
  }

  /** How a parameter was resolved. */
  resolved(name: ParamName): ResolvedParam {
    return this.#resolved.get(name)!;
  }

  /** The raw values last given for a source, keyed by name as given. */
  rawFrom(source: ConfigSource): Readonly<Record<string, string>> {
    const m = this.#raw.get(source);
    return Object.fromEntries([...(m?.values() ?? [])].map((e) => [e.name, e.raw]));
  }

  /** The winning raw value of every parameter set by a source (valid ones), by canonical name. */
  resolvedRaw(): Readonly<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, r] of this.#resolved) if (r.valid && r.raw !== undefined) out[name] = r.raw;
    return out;
  }

  /** Names no parameter has, with their highest-priority raw value (lower-cased names). */
  unknownRaw(): Readonly<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const source of CONFIG_SOURCES) {
      for (const [lower, e] of this.#raw.get(source) ?? []) {
        if (paramByName(lower) === undefined) out[lower] = e.raw;
      }
    }
    return out;
  }

  /** Record the first in-sync: from now on, restart-on-change changes require a restart. */
  markInSync(): void {
    this.#inSync = true;
  }

  /** Whether `markInSync` was called. */
  get inSync(): boolean {
    return this.#inSync;
  }

  /** Whether any update since the first in-sync required a restart. */
  get restartRequired(): boolean {
    return this.#restartRequired;
  }

  #resolveAll(): { values: ConfigValues; issues: readonly ConfigIssue[] } {
    const resolved = new Map<ParamName, ResolvedParam>();
    const issues: ConfigIssue[] = [];
    for (const spec of PARAMS) resolved.set(spec.name, this.#resolveParam(spec, issues));
    const values = Object.freeze(
      Object.fromEntries([...resolved].map(([n, r]) => [n, r.value])),
    ) as unknown as ConfigValues;
    this.#resolved = resolved;
    this.#values = values;
    this.#issues = issues;
    return { values, issues };
  }

  #resolveParam(spec: ParamSpec, issues: ConfigIssue[]): ResolvedParam {
    const fallback = this.#defaults.get(spec.name);
    for (const source of HIGH_TO_LOW) {
      const entry = this.#raw.get(source)?.get(spec.name.toLowerCase());
      if (entry === undefined) continue;
      if (spec.localOnly && isDatastoreSource(source)) {
        const why = "Local-only parameter cannot be set from the datastore; ignored";
        issues.push(configIssue(spec.name, source, entry.raw, why));
        continue;
      }
      const r = this.#checkFile(spec, parseParamValue(spec.type, entry.raw, spec.nonZero));
      if (r.ok) return { value: r.value, source, raw: entry.raw, valid: true };
      const then = spec.dieOnFail
        ? "the parameter is die-on-fail"
        : spec.defaultText === "-"
        ? "using the default (unset)"
        : `using the default "${spec.defaultText}"`;
      issues.push(
        configIssue(spec.name, source, entry.raw, `${r.reason}; ${then}`, spec.dieOnFail),
      );
      return { value: fallback, source, raw: entry.raw, valid: false };
    }
    return { value: fallback, source: "default", raw: undefined, valid: true };
  }

  #checkFile(spec: ParamSpec, r: ParseResult): ParseResult {
    const checks = this.#fileChecks;
    if (!r.ok || checks === undefined || typeof r.value !== "string" || r.value === "") return r;
    if (spec.type.kind === "existing-path" && !checks.exists(r.value)) {
      return { ok: false, reason: "File does not exist" };
    }
    if (spec.type.kind === "executable") {
      const found = checks.findExecutable(r.value);
      if (found === undefined) {
        return { ok: false, reason: "Executable not found beside felix or on PATH" };
      }
      return { ok: true, value: found };
    }
    return r;
  }
}
