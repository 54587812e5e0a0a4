/**
 * Cross-parameter checks made after resolution (upstream's `Validate()`), plus derived values
 * that combine several parameters.
 *
 * @module
 */
import type { ConfigValues } from "./config_values.ts";
import type { ParamName } from "./param_table.ts";
import type { NumRange } from "./param_types.ts";
import { RESERVED_ROUTE_TABLES } from "./parse_list.ts";
import { type ConfigIssue, configIssue, type ValueSource } from "./sources.ts";

/** Where each parameter's value came from (e.g. `(n) => config.resolved(n).source`). */
export type SourceOf = (name: ParamName) => ValueSource;

function typhaTLSIssue(v: ConfigValues, sourceOf: SourceOf): ConfigIssue | undefined {
  const files = [v.TyphaKeyFile, v.TyphaCertFile, v.TyphaCAFile];
  const any = files.some((f) => f !== "") || v.TyphaCN !== "" || v.TyphaURISAN !== "";
  const all = files.every((f) => f !== "") && (v.TyphaCN !== "" || v.TyphaURISAN !== "");
  if (!any || all) return undefined;
  return configIssue(
    "TyphaCAFile",
    sourceOf("TyphaCAFile"),
    v.TyphaCAFile,
    "Typha TLS needs TyphaKeyFile, TyphaCertFile, TyphaCAFile and TyphaCN or TyphaURISAN together",
    true,
  );
}

/** Fatal issues for combinations Felix cannot run with. */
export function validateConfig(v: ConfigValues, sourceOf: SourceOf): readonly ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const fatal = (name: ParamName, raw: string, reason: string) =>
    out.push(configIssue(name, sourceOf(name), raw, reason, true));
  if (v.FelixHostname === "") {
    fatal("FelixHostname", "", "FelixHostname must be set (the OS hostname was not available)");
  }
  const noEtcdAddr = v.EtcdAddr === "" || v.EtcdScheme === "";
  if (v.DatastoreType === "etcdv3" && v.EtcdEndpoints.length === 0 && noEtcdAddr) {
    fatal(
      "EtcdEndpoints",
      "",
      "The etcdv3 datastore needs EtcdEndpoints or EtcdAddr and EtcdScheme",
    );
  }
  if (v.DatastoreType === "file" && v.DatastoreFile === "") {
    fatal("DatastoreFile", "", "The file datastore needs DatastoreFile (or --datastore-file)");
  }
  const typha = typhaTLSIssue(v, sourceOf);
  if (typha !== undefined) out.push(typha);
  return out;
}

function expand(ranges: readonly NumRange[]): number[] {
  const out: number[] = [];
  for (const r of ranges) {
    for (let t = r.min; t <= r.max; t++) if (!RESERVED_ROUTE_TABLES.includes(t)) out.push(t);
  }
  return out;
}

/**
 * The routing-table indices Felix may use: `RouteTableRanges` if set, else the deprecated
 * `RouteTableRange`, else 1-250; the reserved tables 253-255 are skipped.
 */
export function routeTableIndices(v: ConfigValues): number[] {
  if (v.RouteTableRanges.length > 0) return expand(v.RouteTableRanges);
  return expand([v.RouteTableRange ?? { min: 1, max: 250 }]);
}
