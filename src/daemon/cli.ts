/**
 * Command-line flags: parsing and the help text. `--datastore-file` becomes config through
 * `datastoreFileOverrides` (src/config/overrides.ts), applied as the internal-override source.
 */
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG_FILE } from "../config/loaders.ts";

export interface CliOptions {
  readonly help: boolean;
  readonly version: boolean;
  /** Compute the dataplane state once, print it, then exit. */
  readonly once: boolean;
  /** With `once`: also program the dataplane (nftables, sysctls) before exiting. */
  readonly apply: boolean;
  /** The INI config file (`-c/--config-file`); a missing file is fine. */
  readonly configFile: string;
  /** The YAML/JSON file datastore (`--datastore-file`), if given. */
  readonly datastoreFile: string | undefined;
  /** This node's name (`--hostname`, sets FelixHostname), if given. */
  readonly hostname: string | undefined;
}

export const USAGE = `Usage: felix [options]

Felix on Deno: the per-node agent of Calico. It watches the cluster's datastore, computes the
policies, IP sets, routes and tunnels this node needs, and programs the kernel.

Options:
  -c, --config-file PATH    Read parameters from this INI file (default ${DEFAULT_CONFIG_FILE}).
      --datastore-file PATH Use a YAML/JSON file of resources as the datastore (sets
                            DatastoreType=file and DatastoreFile, overriding the environment).
      --hostname NAME       This node's name (sets FelixHostname, overriding the environment).
      --once                Compute this node's dataplane state from the datastore, print it
                            as one JSON document on stdout, and exit.
      --apply               With --once: also program the dataplane (the nftables tables
                            "ip calico" and "ip6 calico", workload sysctls) and exit 0 once
                            it is programmed, 1 with the reason if it cannot be.
  -h, --help                Show this help and exit.
  -v, --version             Print the version and exit.

Without --once, felix runs until SIGTERM or SIGINT, following the datastore and keeping the
dataplane programmed; it exits 129 when a configuration change needs a restart.

Every other parameter comes from FELIX_<NAME> environment variables, the config file or the
datastore (FelixConfiguration).
`;

/** Thrown for flags that do not parse; the message says what to do next. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

export function parseCli(args: readonly string[]): CliOptions {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "v", default: false },
        once: { type: "boolean", default: false },
        apply: { type: "boolean", default: false },
        "config-file": { type: "string", short: "c", default: DEFAULT_CONFIG_FILE },
        "datastore-file": { type: "string" },
        hostname: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
    const configFile = values["config-file"];
    const datastoreFile = values["datastore-file"];
    if (configFile === "") throw new Error('Option "--config-file" needs a non-empty path');
    if (datastoreFile === "") throw new Error('Option "--datastore-file" needs a non-empty path');
    if (values.hostname === "") throw new Error('Option "--hostname" needs a non-empty name');
    if (values.apply && !values.once) throw new Error('Option "--apply" needs "--once"');
    return {
      help: values.help,
      version: values.version,
      once: values.once,
      apply: values.apply,
      configFile,
      datastoreFile,
      hostname: values.hostname,
    };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new CliError(`${reason}. Run "felix --help" for the options.`);
  }
}
