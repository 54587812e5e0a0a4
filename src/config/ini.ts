/**
 * The config file's INI dialect: `Name = value` (or `Name: value`) lines, `[section]` headers
 * that are ignored (all sections merge), `#` and `;` comments (whole-line, or after whitespace),
 * optional double quotes around a value. A later duplicate wins with a warning.
 *
 * @module
 */
import { type ConfigIssue, configIssue } from "./sources.ts";

/** The result of parsing a config file. */
export interface IniResult {
  /** Raw values by name as written (the last one of duplicates). */
  readonly values: Readonly<Record<string, string>>;
  /** Warnings (duplicate keys). */
  readonly issues: readonly ConfigIssue[];
}

/** A config file that does not parse; the message names the file and line. */
export class ConfigFileError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, detail: string) {
    super(`Cannot parse config file ${file}:${line}: ${detail}`);
    this.name = "ConfigFileError";
    this.file = file;
    this.line = line;
  }
}

function stripComment(line: string): string {
  const m = /\s[#;]/.exec(line);
  return m === null ? line : line.slice(0, m.index);
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}

type Line = { readonly key: string; readonly value: string } | "skip" | string;

function parseLine(text: string): Line {
  const line = text.trim();
  if (line === "" || line.startsWith("#") || line.startsWith(";")) return "skip";
  if (line.startsWith("[")) {
    return /^\[[^\]]*\]$/.test(stripComment(line).trim())
      ? "skip"
      : `expected "]" to close the section header "${line}"`;
  }
  const delim = line.search(/[=:]/);
  if (delim < 0) return `expected "Name = value", "[section]" or a comment, got "${line}"`;
  const key = line.slice(0, delim).trim();
  if (!/^[A-Za-z0-9_.-]+$/.test(key)) {
    return `expected a parameter name before "${line[delim]}", got "${key}"`;
  }
  return { key, value: unquote(stripComment(line.slice(delim + 1)).trim()) };
}

/** Parse config-file text; throws `ConfigFileError` on a malformed line. */
export function parseIni(text: string, file: string): IniResult {
  const values: Record<string, string> = {};
  const seen = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = parseLine(raw);
    if (line === "skip") return;
    if (typeof line === "string") throw new ConfigFileError(file, i + 1, line);
    const previous = seen.get(line.key.toLowerCase());
    if (previous !== undefined) {
      const why = `Duplicate key at ${file}:${i + 1}; the later value wins`;
      issues.push(configIssue(line.key, "config-file", line.value, why));
      delete values[previous];
    }
    seen.set(line.key.toLowerCase(), line.key);
    values[line.key] = line.value;
  });
  return { values, issues };
}
