/** The `felix` command: flags -> config -> daemon or --once. */
import { CliError, parseCli, USAGE } from "./src/daemon/cli.ts";
import denoConfig from "./deno.json" with { type: "json" };

const encoder = new TextEncoder();

function write(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let off = 0;
  while (off < bytes.length) off += stream.writeSync(bytes.subarray(off));
}

export function main(args: readonly string[]): number {
  try {
    const opts = parseCli(args);
    if (opts.help) {
      write(Deno.stdout, USAGE);
      return 0;
    }
    if (opts.version) {
      write(Deno.stdout, `felix ${denoConfig.version}\n`);
      return 0;
    }
    write(Deno.stderr, "felix: the agent is not implemented yet; see --help.\n");
    return 1;
  } catch (e) {
    if (e instanceof CliError) {
      write(Deno.stderr, `felix: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) Deno.exit(main(Deno.args));
