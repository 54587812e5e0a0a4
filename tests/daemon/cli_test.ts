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

Deno.test("felix --help lists the config-file, datastore-file, once and apply options", async () => {
  const r = await felix("--help");
  equal(r.code, 0);
  match(r.stdout, /-c, --config-file PATH .*default \/etc\/calico\/felix\.cfg/);
  match(r.stdout, /--datastore-file PATH/);
  match(r.stdout, /--once/);
  match(r.stdout, /--apply/);
});

Deno.test("felix accepts -c and --config-file=, and without --once stops at a fatal config value with exit 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cfg = `${dir}/felix.cfg`;
    await Deno.writeTextFile(cfg, "[global]\nInterfacePrefix = bad prefix!\n");
    for (const args of [["-c", cfg], [`--config-file=${cfg}`, "--hostname", "n"]]) {
      const r = await felix(...args);
      equal(r.code, 1, args.join(" "));
      match(r.stderr, /^felix: Cannot start with this configuration: .*InterfacePrefix/m);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("felix rejects --apply without --once with exit 2", async () => {
  const r = await felix("--apply");
  equal(r.code, 2);
  equal(r.stderr, 'felix: Option "--apply" needs "--once". Run "felix --help" for the options.\n');
});

Deno.test("felix rejects an empty --hostname with exit 2", async () => {
  const r = await felix("--hostname=");
  equal(r.code, 2);
  equal(
    r.stderr,
    'felix: Option "--hostname" needs a non-empty name. Run "felix --help" for the options.\n',
  );
});

Deno.test("felix rejects a missing or empty path with exit 2 and a pointer to --help", async () => {
  let r = await felix("--datastore-file");
  equal(r.code, 2);
  equal(
    r.stderr,
    "felix: Option '--datastore-file <value>' argument missing. Run \"felix --help\" for the options.\n",
  );
  r = await felix("--config-file=");
  equal(r.code, 2);
  equal(
    r.stderr,
    'felix: Option "--config-file" needs a non-empty path. Run "felix --help" for the options.\n',
  );
});
