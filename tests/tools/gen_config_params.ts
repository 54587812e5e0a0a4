/**
 * One-off generator of `src/config/param_rows.ts` (the parameter table as data) and
 * `src/config/config_values.ts` (the typed view of parsed values) from `felix-params.tsv`.
 *
 *   deno run -A tests/tools/gen_config_params.ts <felix-params.tsv>
 *   deno fmt src/config/param_rows.ts src/config/config_values.ts
 *
 * Our own additions are applied here: `file` joins the DatastoreType enum and the `DatastoreFile`
 * parameter is inserted after DatastoreType. Each file keeps its header (the text above the
 * generated rows or fields) as it stands. Tests never run this; they test the generated files.
 *
 * @module
 */
import { type ParamType, paramTypeOf } from "../../src/config/param_types.ts";

const DATASTORE_FILE = [
  "DatastoreFile",
  "path",
  "-",
  "local-only,restart-on-change",
  "Path of the YAML/JSON file holding the cluster's resources when DatastoreType is file",
  "-(local only)",
];

function readRows(path: string): string[][] {
  const lines = Deno.readTextFileSync(path).split("\n").filter((l) => l !== "");
  const rows = lines.slice(1).map((l) => l.split("\t"));
  const out: string[][] = [];
  for (const row of rows) {
    if (row.length !== 6) throw new Error(`Row "${row[0]}" has ${row.length} columns`);
    if (row[0] === "DatastoreType") row[1] = "enum(kubernetes|etcdv3|file)";
    out.push(row);
    if (row[0] === "DatastoreType") out.push(DATASTORE_FILE);
  }
  return out;
}

function rowText(row: string[]): string {
  const [name, type, def, flags, description, field] = row as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const flagList = flags.split(",").map((f) => JSON.stringify(f)).join(", ");
  return `  [${JSON.stringify(name)}, ${JSON.stringify(type)}, ${
    JSON.stringify(def)
  }, [${flagList}], ${JSON.stringify(field)}, ${JSON.stringify(description)}],`;
}

function tsType(type: ParamType, flags: string): string {
  switch (type.kind) {
    case "bool":
      return "boolean";
    case "optional-bool":
      return "boolean | undefined";
    case "int":
    case "seconds":
    case "millis":
    case "bitmask":
    case "dscp":
      return "number";
    case "enum": {
      const hasNone = type.values.some((v) => v.toLowerCase() === "none");
      const empty = flags.includes("non-zero") || hasNone ? [] : ['""'];
      return [...type.values.map((v) => JSON.stringify(v)), ...empty].join(" | ");
    }
    case "iface-prefix-list":
    case "iface-list":
    case "url-list":
    case "cidr-list":
      return "readonly string[]";
    case "iface-matchers":
      return "readonly IfaceMatcher[]";
    case "port-list":
      return "readonly ProtoPort[]";
    case "port-range":
    case "route-table-range":
      return "NumRange | undefined";
    case "port-range-list":
    case "route-table-ranges":
      return "readonly NumRange[]";
    case "key-value-list":
      return "Readonly<Record<string, string>>";
    case "key-duration-list":
      return "Readonly<Record<string, number>>";
    default:
      return "string";
  }
}

const ROWS_START = "export const PARAM_ROWS = [\n";
const VALUES_START = "export interface ConfigValues {\n";

/**
 * The text of `file` up to and including the line `start`: the module doc, imports and types
 * written above the generated part, kept as they are.
 */
function headerOf(file: URL, start: string): string {
  const text = Deno.readTextFileSync(file);
  const at = text.indexOf(start);
  if (at < 0) throw new Error(`Cannot find "${start.trim()}" in ${file.pathname}`);
  return text.slice(0, at + start.length);
}

function main(tsvPath: string): void {
  const rows = readRows(tsvPath);
  const dir = new URL("../../src/config/", import.meta.url);
  const rowsFile = new URL("param_rows.ts", dir);
  const valuesFile = new URL("config_values.ts", dir);
  const rowsText = headerOf(rowsFile, ROWS_START) + rows.map(rowText).join("\n") +
    "\n] as const satisfies readonly ParamRow[];\n";
  const fields = rows.map((r) => `  readonly ${r[0]}: ${tsType(paramTypeOf(r[1]!), r[3]!)};`);
  const valuesText = headerOf(valuesFile, VALUES_START) + fields.join("\n") + "\n}\n";
  Deno.writeTextFileSync(rowsFile, rowsText);
  Deno.writeTextFileSync(valuesFile, valuesText);
}

if (import.meta.main) main(Deno.args[0] ?? "felix-params.tsv");
