import { equal, match } from "node:assert/strict";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function felix(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", MAIN, ...args] })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("felix --version prints the version from deno.json", async () => {
  const { version } = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  );
  const r = await felix("--version");
  equal(r.code, 0);
  equal(r.stdout, `felix ${version}\n`);
});

Deno.test("felix --help lists the options", async () => {
  const r = await felix("-h");
  equal(r.code, 0);
  match(r.stdout, /^Usage: felix \[options\]/);
  match(r.stdout, /--version/);
});

Deno.test("felix rejects an unknown flag with exit 2 and a pointer to --help", async () => {
  const r = await felix("--no-such-flag");
  equal(r.code, 2);
  match(r.stderr, /^felix: .*no-such-flag.*Run "felix --help" for the options\.\n$/);
  equal(r.stdout, "");
});
