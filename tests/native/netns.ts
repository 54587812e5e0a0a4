/** Temporary network namespaces for root-only tests: create, run a Deno script inside, delete. */

/** Whether this process may create namespaces (root, with `ip` on PATH). */
export function canUseNetns(): boolean {
  try {
    return Deno.uid() === 0 && new Deno.Command("ip", { args: ["-V"] }).outputSync().success;
  } catch {
    return false;
  }
}

async function ip(args: string[]): Promise<void> {
  const out = await new Deno.Command("ip", { args, stderr: "piped", stdout: "null" }).output();
  if (!out.success) {
    throw new Error(`"ip ${args.join(" ")}" failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Create namespace `name`, run `fn(name)`, and always delete the namespace. */
export async function withNetns<T>(name: string, fn: (ns: string) => Promise<T>): Promise<T> {
  await ip(["netns", "add", name]);
  try {
    await ip(["-n", name, "link", "set", "lo", "up"]);
    return await fn(name);
  } finally {
    await ip(["netns", "del", name]);
  }
}

/** The outcome of a command run inside a namespace. */
export interface NsOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `cmd args...` inside namespace `ns`. */
export async function execIn(ns: string, cmd: string, args: readonly string[]): Promise<NsOutput> {
  const out = await new Deno.Command("ip", {
    args: ["netns", "exec", ns, cmd, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Run a Deno script inside namespace `ns` with `-A`. */
export function denoIn(
  ns: string,
  script: string,
  args: readonly string[] = [],
): Promise<NsOutput> {
  return execIn(ns, Deno.execPath(), ["run", "-A", script, ...args]);
}
