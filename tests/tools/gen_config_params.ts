/**
 * One-off generator of `src/config/param_rows.ts` (the parameter table as data) and
 * `src/config/config_values.ts` (the typed view of parsed values) from `felix-params.tsv`.
 *
 *   deno run -A tests/tools/gen_config_params.ts <felix-params.tsv>
 *   deno fmt src/config/param_rows.ts src/config/config_values.ts
 *
 * Our own additions are applied here: `file` joins the DatastoreType enum and the `DatastoreFile`
 * parameter is inserted after DatastoreType. Tests never run this; they test the generated files.
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

const ROWS_HEADER = `/**
 * The parameter table: every Felix parameter with its type notation, default (as the raw string
 * the parser reads; \`-\` means the type's zero value), flags, FelixConfiguration YAML field (or a
 * \`-(...)\` note saying where else it comes from) and description.
 *
 * Generated once from the reference table by \`tests/tools/gen_config_params.ts\`, with our own
 * additions (\`DatastoreFile\`, the \`file\` datastore type). Edit the rows here directly now.
 *
 * @module
 */

/** The flags a parameter can carry. */
export type ParamFlag =
  | "local-only"
  | "non-zero"
  | "die-on-fail"
  | "skip-default-validation"
  | "from-clusterinformation"
  | "from-node-resource"
  | "deprecated"
  | "not-in-felixconfiguration"
  | "restart-on-change"
  | "no-restart";

/** One row: name, type notation, default text, flags, FelixConfiguration field, description. */
export type ParamRow = readonly [
  name: string,
  type: string,
  defaultText: string,
  flags: readonly ParamFlag[],
  field: string,
  description: string,
];

// deno-fmt-ignore
export const PARAM_ROWS = [
`;

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

const VALUES_HEADER = `/**
 * The typed view of a resolved configuration: one field per parameter of \`PARAM_ROWS\`, holding
 * its parsed value. Durations are seconds (also for the \`...Millis\` parameter, whose raw value
 * is in milliseconds); lists are arrays; \`NumRange | undefined\` and \`boolean | undefined\` are
 * unset when the parameter is.
 *
 * Generated once by \`tests/tools/gen_config_params.ts\`; keep it in step with \`param_rows.ts\`
 * (\`param_table.ts\` fails to compile when the names differ).
 *
 * @module
 */
import type { IfaceMatcher, NumRange, ProtoPort } from "./param_types.ts";

/** Every parameter's parsed value. */
export interface ConfigValues {
`;

function main(tsvPath: string): void {
  const rows = readRows(tsvPath);
  const rowsText = ROWS_HEADER + rows.map(rowText).join("\n") +
    "\n] as const satisfies readonly ParamRow[];\n";
  const fields = rows.map((r) => `  readonly ${r[0]}: ${tsType(paramTypeOf(r[1]!), r[3]!)};`);
  const valuesText = VALUES_HEADER + fields.join("\n") + "\n}\n";
  const dir = new URL("../../src/config/", import.meta.url);
  Deno.writeTextFileSync(new URL("param_rows.ts", dir), rowsText);
  Deno.writeTextFileSync(new URL("config_values.ts", dir), valuesText);
}

if (import.meta.main) main(Deno.args[0] ?? "felix-params.tsv");
