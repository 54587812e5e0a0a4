/** The `felix` command: flags -> config -> daemon or --once. */
import { CliError, parseCli, USAGE } from "./src/daemon/cli.ts";
import { ConsoleLog, parseLogLevel } from "./src/daemon/logger.ts";
import { runDaemon } from "./src/daemon/daemon.ts";
import { runOnce } from "./src/daemon/once.ts";
import denoConfig from "./deno.json" with { type: "json" };

const encoder = new TextEncoder();

function write(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let off = 0;
  while (off < bytes.length) off += stream.writeSync(bytes.subarray(off));
}

/** Run the CLI; resolves to the process exit code. */
export async function main(args: readonly string[]): Promise<number> {
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
    const log = new ConsoleLog({ level: "INFO" });
    const env = Deno.env.toObject();
    try {
      if (!opts.once) {
        const setLogLevel = (s: string) => log.setLevel(parseLogLevel(s) ?? "INFO");
        return await runDaemon({ cli: opts, env, log, setLogLevel });
      }
      const doc = await runOnce({ cli: opts, env, log });
      write(Deno.stdout, JSON.stringify(doc, null, 2) + "\n");
      return 0;
    } catch (e) {
      write(Deno.stderr, `felix: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  } catch (e) {
    if (e instanceof CliError) {
      write(Deno.stderr, `felix: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
