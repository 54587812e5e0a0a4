/**
 * The console-backed logger: one line per record on stderr, `<time> [LEVEL] message k=v ...`,
 * filtered by a minimum level (Felix's `LogSeverityScreen`). The only module allowed to write to
 * the console.
 *
 * @module
 */
import type { Log, LogFields, LogLevel } from "../lib/log.ts";

const RANK: Readonly<Record<LogLevel, number>> = {
  DEBUG: 0,
  INFO: 1,
  WARNING: 2,
  ERROR: 3,
  FATAL: 4,
};

/** Parse a severity name as Felix spells it (any case; TRACE counts as DEBUG). */
export function parseLogLevel(name: string): LogLevel | undefined {
  const up = name.trim().toUpperCase();
  if (up === "TRACE") return "DEBUG";
  if (up === "WARN") return "WARNING";
  return up in RANK ? up as LogLevel : undefined;
}

function formatValue(v: unknown): string {
  if (typeof v === "string") return /^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v);
  if (v instanceof Error) return JSON.stringify(v.message);
  return JSON.stringify(v) ?? String(v);
}

/** Render one line. */
function formatLogLine(
  time: Date,
  level: LogLevel,
  message: string,
  fields: LogFields,
): string {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${formatValue(v)}`);
  return [time.toISOString(), `[${level}]`, message, ...parts].join(" ");
}

/** Options for `ConsoleLog`. */
export interface ConsoleLogOptions {
  readonly level: LogLevel;
  /** Where lines go; defaults to `console.error`. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

/** The logger the daemon hands to every stage. */
export class ConsoleLog implements Log {
  #level: LogLevel;
  readonly #write: (line: string) => void;
  readonly #now: () => Date;

  constructor(options: ConsoleLogOptions) {
    this.#level = options.level;
    // deno-lint-ignore no-console
    this.#write = options.write ?? ((line) => console.error(line));
    this.#now = options.now ?? (() => new Date());
  }

  /** Change the minimum level (config can change it once loaded). */
  setLevel(level: LogLevel): void {
    this.#level = level;
  }

  #log(level: LogLevel, message: string, fields: LogFields | undefined): void {
    if (RANK[level] < RANK[this.#level]) return;
    this.#write(formatLogLine(this.#now(), level, message, fields ?? {}));
  }

  debug(message: string, fields?: LogFields): void {
    this.#log("DEBUG", message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.#log("INFO", message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.#log("WARNING", message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.#log("ERROR", message, fields);
  }
}
