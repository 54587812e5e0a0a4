/**
 * Felix's configuration: the parameter table, parsers, sources and precedence (`Config`),
 * FelixConfiguration rendering and the datastore config tracker. All of it is pure; the loaders
 * (environment, config file, hostname, file checks) live in `loaders.ts`, imported directly by
 * the daemon.
 *
 * @module
 */
export { Config, RESTART_EXIT_CODE } from "./config.ts";
export type { ConfigChange, ConfigOptions, FileChecks, ResolvedParam } from "./config.ts";
export type { ConfigValues } from "./config_values.ts";
export { ConfigKVTracker } from "./config_kv_tracker.ts";
export { effectiveDatastoreType } from "./datastore_type.ts";
export type { DatastoreType } from "./datastore_type.ts";
export {
  CONFIG_ANNOTATION_PREFIX,
  felixConfigurationToRaw,
  renderFieldValue,
} from "./felix_configuration.ts";
export type { FelixConfigurationRaw } from "./felix_configuration.ts";
export {
  felixConfigurationDeletionKVs,
  felixConfigurationScope,
  felixConfigurationToKVs,
} from "./felix_configuration_kvs.ts";
export type {
  FelixConfigurationKVOptions,
  FelixConfigurationScope,
} from "./felix_configuration_kvs.ts";
export { formatGoDuration, parseGoDuration } from "./go_duration.ts";
export { ConfigFileError, parseIni } from "./ini.ts";
export type { IniResult } from "./ini.ts";
export { datastoreFileOverrides } from "./overrides.ts";
export { paramByName, paramByYamlField, PARAMS } from "./param_table.ts";
export type { ParamName, ParamSpec } from "./param_table.ts";
export type { ParamFlag } from "./param_rows.ts";
export type {
  IfaceMatcher,
  NumRange,
  ParamType,
  ParamValue,
  ParseResult,
  ProtoPort,
} from "./param_types.ts";
export { parseParamValue, zeroValue } from "./parse_value.ts";
export {
  CONFIG_SOURCES,
  configIssue,
  formatIssue,
  isSensitiveName,
  sourcePriority,
} from "./sources.ts";
export type { ConfigIssue, ConfigSource, ValueSource } from "./sources.ts";
export { routeTableIndices, validateConfig } from "./validate.ts";
