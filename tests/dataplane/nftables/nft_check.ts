/**
 * Runs `nft -c -f -` (check mode: parsed and validated by the kernel, nothing committed) on a
 * script. Needs root and the nft binary; no namespace is touched.
 *
 * @module
 */

/** The outcome of a check. */
export interface NftCheck {
  readonly ok: boolean;
  readonly stderr: string;
}

/** Checks `script` with `nft -c -f -`. */
export async function nftCheck(script: string): Promise<NftCheck> {
  const child = new Deno.Command("nft", {
    args: ["-c", "-f", "-"],
    stdin: "piped",
    stderr: "piped",
    stdout: "null",
  })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const out = await child.output();
  return { ok: out.success, stderr: new TextDecoder().decode(out.stderr) };
}
