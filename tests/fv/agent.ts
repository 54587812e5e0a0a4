/**
 * Running the agent inside a test's host namespace: `felix --once --apply` (program once, exit
 * 0 when programmed) and the long-running `felix` daemon, both against a datastore file.
 *
 * @module
 */
import { tryRun } from "./cmd.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The environment every FV run of the agent gets (nftables forced on: no kube-proxy here). */
export const BASE_ENV: Readonly<Record<string, string>> = {
  FELIX_NFTABLESMODE: "Enabled",
  FELIX_LOGSEVERITYSCREEN: "Info",
};

/** Where and how to run the agent. */
export interface AgentOptions {
  readonly hostNs: string;
  readonly datastoreFile: string;
  readonly hostname: string;
  /** Extra `FELIX_*` variables (on top of `BASE_ENV`). */
  readonly env?: Readonly<Record<string, string>>;
}

function command(o: AgentOptions, extra: readonly string[]): [string, string[]] {
  const env = { ...BASE_ENV, ...o.env };
  const args = [
    "netns",
    "exec",
    o.hostNs,
    "env",
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Deno.execPath(),
    "run",
    "-A",
    MAIN,
    "-c",
    `${o.datastoreFile}.felix.cfg`,
    "--datastore-file",
    o.datastoreFile,
    "--hostname",
    o.hostname,
    ...extra,
  ];
  return ["ip", args];
}

/** What one `felix --once --apply` did. */
export interface OnceResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** Run `felix --once --apply`; throws with its stderr unless it exits 0. */
export async function applyOnce(o: AgentOptions): Promise<OnceResult> {
  const [cmd, args] = command(o, ["--once", "--apply"]);
  const start = performance.now();
  const r = await tryRun(cmd, args, undefined, REPO);
  const result = { ...r, durationMs: performance.now() - start };
  if (r.code !== 0) {
    throw new Error(`"felix --once --apply" exited ${r.code}:\n${tail(r.stderr, 40)}`);
  }
  return result;
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Whether this tree's `felix` has `--once --apply` (and so a dataplane). */
export async function agentHasApply(): Promise<boolean> {
  const r = await tryRun(Deno.execPath(), ["run", "-A", MAIN, "--help"], undefined, REPO);
  return r.code === 0 && r.stdout.includes("--apply");
}

/** The long-running agent. */
export class Daemon {
  readonly #child: Deno.ChildProcess;
  readonly #stderr: Promise<void>;
  #log = "";
  #status: Deno.CommandStatus | undefined;

  private constructor(o: AgentOptions) {
    const [cmd, args] = command(o, []);
    this.#child = new Deno.Command(cmd, {
      args,
      cwd: REPO,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.#stderr = this.#collect();
    void this.#child.status.then((s) => this.#status = s);
  }

  /** Start `felix` in `o.hostNs`. */
  static start(o: AgentOptions): Daemon {
    return new Daemon(o);
  }

  async #collect(): Promise<void> {
    const dec = new TextDecoder();
    for await (const chunk of this.#child.stderr) this.#log += dec.decode(chunk, { stream: true });
  }

  /** Everything the daemon logged so far. */
  get log(): string {
    return this.#log;
  }

  /** The exit status, once it exited. */
  get exited(): Deno.CommandStatus | undefined {
    return this.#status;
  }

  /** Resolves when a log line matching `re` appears; throws after `timeoutMs` or on exit. */
  async waitForLog(re: RegExp, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!re.test(this.#log)) {
      if (this.#status !== undefined) {
        throw new Error(
          `felix exited ${this.#status.code} before logging ${re}:\n${tail(this.#log, 40)}`,
        );
      }
      if (performance.now() > deadline) {
        throw new Error(`felix did not log ${re} within ${timeoutMs} ms:\n${tail(this.#log, 40)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Send SIGTERM and wait for the exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 10_000): Promise<Deno.CommandStatus> {
    if (this.#status === undefined) {
      try {
        this.#child.kill("SIGTERM");
      } catch {
        // Exited meanwhile.
      }
    }
    const timer = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // Exited meanwhile.
      }
    }, graceMs);
    const status = await this.#child.status;
    clearTimeout(timer);
    await this.#stderr;
    return status;
  }
}
