/** Temporary network namespaces for root-only tests: create, run a Deno script inside, delete. */
import { type CmdResult, run, tryExecIn } from "../fv/cmd.ts";

/** Whether this process may create namespaces (root, with `ip` on PATH). */
export function canUseNetns(): boolean {
  try {
    return Deno.uid() === 0 && new Deno.Command("ip", { args: ["-V"] }).outputSync().success;
  } catch {
    return false;
  }
}

/** Create namespace `name`, run `fn(name)`, and always delete the namespace. */
export async function withNetns<T>(name: string, fn: (ns: string) => Promise<T>): Promise<T> {
  await run("ip", ["netns", "add", name]);
  try {
    await run("ip", ["-n", name, "link", "set", "lo", "up"]);
    return await fn(name);
  } finally {
    await run("ip", ["netns", "del", name]);
  }
}

/** Run `cmd args...` inside namespace `ns`; never throws on a non-zero exit. */
export { tryExecIn as execIn } from "../fv/cmd.ts";

/** Run a Deno script inside namespace `ns` with `-A`. */
export function denoIn(
  ns: string,
  script: string,
  args: readonly string[] = [],
): Promise<CmdResult> {
  return tryExecIn(ns, Deno.execPath(), ["run", "-A", script, ...args]);
}
