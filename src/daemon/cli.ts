/** Command-line flags: parsing and the help text. */
import { parseArgs } from "node:util";

export interface CliOptions {
  readonly help: boolean;
  readonly version: boolean;
}

export const USAGE = `Usage: felix [options]

Felix on Deno: the per-node agent of Calico. It watches the cluster's datastore, computes the
policies, IP sets, routes and tunnels this node needs, and programs the kernel.

Options:
  -h, --help       Show this help and exit.
  -v, --version    Print the version and exit.
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
      },
      strict: true,
      allowPositionals: false,
    });
    return { help: values.help, version: values.version };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new CliError(`${reason}. Run "felix --help" for the options.`);
  }
}
