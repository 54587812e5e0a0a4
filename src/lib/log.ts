/**
 * The structured logging interface every stage receives through its options (STYLE rule 13).
 * The console-backed implementation lives in `src/daemon/logger.ts`; tests use `MemoryLog`.
 *
 * @module
 */

/** Log levels, lowest first; names match Felix's `LogSeverity*` parameters. */
export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "FATAL";

/** Structured fields attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger. Messages are sentence case and say what happened; data goes in fields. */
export interface Log {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** One recorded line. */
export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

/** A logger that keeps its lines in memory: for tests, and for code that reports later. */
export class MemoryLog implements Log {
  readonly records: LogRecord[] = [];

  debug(message: string, fields: LogFields = {}): void {
    this.records.push({ level: "DEBUG", message, fields });
  }
  info(message: string, fields: LogFields = {}): void {
    this.records.push({ level: "INFO", message, fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.records.push({ level: "WARNING", message, fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.records.push({ level: "ERROR", message, fields });
  }
}

/** A logger that drops everything. */
export const NULL_LOG: Log = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
