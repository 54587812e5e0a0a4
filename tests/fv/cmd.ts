/**
 * Running host tools (`ip`, `nft`) from the FV harness: output captured, failures thrown with
 * the command line and stderr.
 *
 * @module
 */

/** The captured result of a command. */
export interface CmdResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `cmd args...`; never throws on a non-zero exit. */
export async function tryRun(
  cmd: string,
  args: readonly string[],
  stdin?: string,
  cwd?: string,
): Promise<CmdResult> {
  const child = new Deno.Command(cmd, {
    args: [...args],
    ...(cwd === undefined ? {} : { cwd }),
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Run `cmd args...` and return stdout; a non-zero exit throws with stderr. */
export async function run(cmd: string, args: readonly string[], stdin?: string): Promise<string> {
  const r = await tryRun(cmd, args, stdin);
  if (r.code !== 0) {
    throw new Error(`Command "${[cmd, ...args].join(" ")}" exited ${r.code}: ${r.stderr.trim()}`);
  }
  return r.stdout;
}

/** Run `ip <args>` inside `netns`. */
export function ipIn(netns: string, args: readonly string[]): Promise<string> {
  return run("ip", ["-n", netns, ...args]);
}

/** Run a command inside `netns` with `ip netns exec`. */
export function execIn(
  netns: string,
  cmd: string,
  args: readonly string[],
  stdin?: string,
): Promise<string> {
  return run("ip", ["netns", "exec", netns, cmd, ...args], stdin);
}

/** Like `execIn`, without throwing. */
export function tryExecIn(
  netns: string,
  cmd: string,
  args: readonly string[],
  stdin?: string,
): Promise<CmdResult> {
  return tryRun("ip", ["netns", "exec", netns, cmd, ...args], stdin);
}

/** Set sysctls inside `netns` (`key=value` pairs, `sysctl -w` syntax). */
export async function sysctlIn(netns: string, settings: readonly string[]): Promise<void> {
  await execIn(netns, "sysctl", ["-q", "-w", ...settings]);
}
