/**
 * Whether the FV tests can run here: they need root (network namespaces, nftables), and the
 * agent tests need a `felix` with `--once --apply`. A skipped test says why on stderr.
 *
 * @module
 */
import { agentHasApply } from "./agent.ts";

function note(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`tests/fv: ${text}\n`));
}

/** True (skip) when not root. */
export const ROOT_SKIP: boolean = Deno.uid() !== 0;
if (ROOT_SKIP) note("skipped: network namespaces need root");

/** True (skip) when not root or when `felix --once --apply` does not exist yet. */
export async function agentSkip(): Promise<boolean> {
  if (ROOT_SKIP) return true;
  if (await agentHasApply()) return false;
  note('agent tests skipped: "felix --help" does not list --apply (no dataplane yet)');
  return true;
}
