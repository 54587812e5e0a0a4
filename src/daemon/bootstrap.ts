/**
 * Start-of-day configuration: the sources Felix has before it reaches any datastore (environment,
 * config file, command-line overrides), resolved into a `Config`, plus the datastore sources once
 * the syncer has delivered them.
 *
 * @module
 */
import { Config, type ConfigIssue, type ConfigKVTracker } from "../config/mod.ts";
import { datastoreFileOverrides } from "../config/overrides.ts";
import { envToRaw, loadConfigFile, osHostname, realFileChecks } from "../config/loaders.ts";
import { formatIssue } from "../config/sources.ts";
import type { Log } from "../lib/log.ts";
import type { CliOptions } from "./cli.ts";

/** Configuration that cannot be used: the message lists every fatal issue. */
export class ConfigError extends Error {
  constructor(issues: readonly ConfigIssue[]) {
    super(`Cannot start with this configuration: ${issues.map(formatIssue).join("; ")}`);
    this.name = "ConfigError";
  }
}

function report(log: Log, issues: readonly ConfigIssue[]): void {
  for (const issue of issues) {
    if (!issue.fatal) log.warn("Ignoring a configuration value", { issue: formatIssue(issue) });
  }
  const fatal = issues.filter((i) => i.fatal);
  if (fatal.length > 0) throw new ConfigError(fatal);
}

/** The command-line flags that act as internal overrides. */
function cliOverrides(cli: CliOptions): Record<string, string> {
  return {
    ...datastoreFileOverrides(cli.datastoreFile),
    ...(cli.hostname === undefined ? {} : { FelixHostname: cli.hostname }),
  };
}

/** Environment, config file and flags, resolved. Throws `ConfigError` on a fatal issue. */
export async function loadBootstrapConfig(
  cli: CliOptions,
  env: Readonly<Record<string, string>>,
  log: Log,
): Promise<Config> {
  const config = new Config({ hostname: osHostname(), fileChecks: realFileChecks() });
  const file = await loadConfigFile(cli.configFile);
  for (const issue of file.issues) log.warn("Config file", { issue: formatIssue(issue) });
  config.updateFrom("environment", envToRaw(env));
  config.updateFrom("config-file", file.values);
  const last = config.updateFrom("internal-override", cliOverrides(cli));
  report(log, last.issues);
  if (config.values.FelixHostname === "") {
    throw new TypeError(
      "Cannot tell which node this is: set FELIX_FELIXHOSTNAME or pass --hostname NAME",
    );
  }
  return config;
}

/** Add the datastore's sources (from the syncer's config keys). Throws on a fatal issue. */
export function applyDatastoreConfig(config: Config, tracker: ConfigKVTracker, log: Log): void {
  config.updateFrom("datastore-global", tracker.global);
  const selector = tracker.perSelector();
  config.updateFrom("datastore-selector", selector.values);
  const last = config.updateFrom("datastore-per-host", tracker.perHost);
  const fromDatastore = last.issues.filter((i) => i.source.startsWith("datastore-"));
  report(log, [...selector.issues, ...fromDatastore]);
}
