/**
 * STYLE.md's layering, enforced: every `.ts` file of the repository is read and its imports
 * checked. The checker lives in `tests/tools/arch_check.ts`; the last tests here run it on fake
 * files to prove it can fail.
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import {
  checkArchitecture,
  checkCycles,
  checkExemptions,
  checkHygiene,
  checkLayering,
  checkNativeImports,
  checkPureImports,
  checkPurity,
  findCycles,
  formatViolations,
  IMPURE_FILES,
  isPure,
  parseImports,
  readRepoSources,
  type SourceFile,
  stripSource,
  type Violation,
} from "./tools/arch_check.ts";

const ROOT = new URL("../", import.meta.url);
const repo: readonly SourceFile[] = readRepoSources(ROOT);

function assertNone(violations: readonly Violation[]): void {
  equal(violations.length, 0, `\n${formatViolations(violations)}`);
}

Deno.test("arch: the checker reads the source tree and resolves its imports", () => {
  const paths = new Set(repo.map((f) => f.path));
  ok(paths.has("src/selector/parser.ts"), "src/selector/parser.ts was not read");
  ok(paths.has("tests/arch_test.ts"), "tests/arch_test.ts was not read");
  ok(![...paths].some((p) => p.includes("node_modules")), "node_modules must be skipped");
  const parser = repo.find((f) => f.path === "src/selector/parser.ts");
  ok(parser !== undefined && parseImports(parser.text).length > 0, "no imports parsed");
});

Deno.test("arch: pure folders use no Deno, timers or async", () => {
  assertNone(checkPurity(repo));
});

Deno.test("arch: every purity exemption names a file of a pure folder, with a reason", () => {
  assertNone(checkExemptions(repo));
});

Deno.test("arch: pure folders import only pure modules", () => {
  assertNone(checkPureImports(repo));
});

Deno.test("arch: only dataplane, daemon and tests import native/", () => {
  assertNone(checkNativeImports(repo));
});

Deno.test("arch: src folders import one way along the allowed edges", () => {
  assertNone(checkLayering(repo));
});

Deno.test("arch: src modules have no import cycles", () => {
  assertNone(checkCycles(repo));
});

Deno.test("arch: src uses no console and no file is named index.ts", () => {
  assertNone(checkHygiene(repo));
});

// --- The checker itself, on fake files, so that the tests above can fail. ---

Deno.test("parseImports finds static, re-export, side-effect and dynamic imports", () => {
  const text = [
    'import { a, type B } from "./a.ts";',
    "import type {",
    "  C,",
    '} from "../c.ts";',
    'export * from "./d.ts";',
    'export { e } from "./e.ts"',
    'import "./f.ts";',
    'const g = await import("./g.ts");',
    'import data from "./h.json" with { type: "json" };',
    '// import { no } from "./commented.ts";',
    '/* export * from "./block.ts"; */',
    "const s = \"import x from './string.ts'\"; const u = \"import('./dyn.ts')\";",
    'import fc from "fast-check";',
  ].join("\n");
  deepStrictEqual(parseImports(text), [
    { specifier: "./a.ts", line: 1 },
    { specifier: "../c.ts", line: 4 },
    { specifier: "./d.ts", line: 5 },
    { specifier: "./e.ts", line: 6 },
    { specifier: "./f.ts", line: 7 },
    { specifier: "./g.ts", line: 8 },
    { specifier: "./h.json", line: 9 },
    { specifier: "fast-check", line: 13 },
  ]);
});

Deno.test("stripSource blanks comments, strings and regexes but keeps template holes", () => {
  const text = 'const r = /"x/; // Deno.exit()\nconst t = `a ${Deno.pid} b`; /* c */';
  const stripped = stripSource(text, true);
  equal(stripped.length, text.length);
  equal(stripped.split("\n").length, 2);
  ok(!stripped.includes("exit"), stripped);
  ok(stripped.includes("Deno.pid"), stripped);
});

Deno.test("isPure holds pure folders and renderers in mixed folders to the pure rules", () => {
  ok(isPure("src/calc/policy_resolver.ts"));
  ok(isPure("src/dataplane/nftables/chain_renderer.ts"));
  ok(isPure("src/dataplane/routing/render_routes.ts"));
  ok(isPure("src/dataplane/nftables/nft_model.ts"), "shared data models are pure");
  ok(!isPure("src/dataplane/nftables/reconciler.ts"));
  ok(!isPure("src/dataplane/linux/endpoint_manager.ts"));
  ok(!isPure("src/daemon/daemon.ts"));
  ok(isPure("src/config/param_table.ts"));
  ok(!isPure("src/config/loaders.ts"), "loaders.ts is exempt");
  ok(isPure("src/config/loaders.ts", {}), "only through IMPURE_FILES");
});

/** src/config: the exempt loader, a pure module importing it, and an impure module not exempt. */
const CONFIG_FAKE: readonly SourceFile[] = [
  {
    path: "src/config/loaders.ts",
    text: "export async function read(p: string) {\n  return await Deno.readTextFile(p);\n}\n",
  },
  { path: "src/config/table.ts", text: 'import { read } from "./loaders.ts";\nexport { read };\n' },
  { path: "src/config/env.ts", text: 'export const level = Deno.env.get("FELIX_LOGLEVEL");\n' },
];

Deno.test("checkPurity exempts IMPURE_FILES only and fails another impure file in src/config", () => {
  deepStrictEqual(Object.keys(IMPURE_FILES), ["src/config/loaders.ts"]);
  const purity = checkPurity(CONFIG_FAKE).map((v) => `${v.file}:${v.line} ${v.message}`);
  deepStrictEqual(purity, ['src/config/env.ts:1 pure module uses Deno API "Deno"']);
  const imports = checkPureImports(CONFIG_FAKE).map((v) => `${v.file}:${v.line} ${v.message}`);
  deepStrictEqual(imports, [
    'src/config/table.ts:1 pure module imports a non-pure module "./loaders.ts"',
  ]);
});

Deno.test("checkExemptions reports an exemption without a file, outside pure folders or without a reason", () => {
  deepStrictEqual(checkExemptions(CONFIG_FAKE), []);
  const files = [...CONFIG_FAKE, { path: "src/daemon/daemon.ts", text: "" }];
  const stale = checkExemptions(files, {
    "src/config/gone.ts": "was removed",
    "src/daemon/daemon.ts": "not held to the rules anyway",
    "src/config/env.ts": " ",
  });
  deepStrictEqual(stale.map((v) => `${v.file} ${v.message}`), [
    "src/config/gone.ts purity exemption names no file: remove it",
    "src/daemon/daemon.ts purity exemption is not in a pure folder: remove it",
    "src/config/env.ts purity exemption gives no reason: say why the file must be impure",
  ]);
});

const FAKE: readonly SourceFile[] = [
  { path: "src/lib/ok.ts", text: "export const one = 1;\n" },
  {
    path: "src/calc/resolver.ts",
    text: 'import { one } from "../lib/ok.ts";\nimport { S } from "../datastore/syncer.ts";\n' +
      "export async function f() {\n  await Promise.resolve(one);\n  setTimeout(() => {}, 1);\n}\n",
  },
  {
    path: "src/datastore/syncer.ts",
    text: 'export { f } from "../calc/resolver.ts";\nexport const S = Deno.env.get("X");\n',
  },
  {
    path: "src/model/a.ts",
    text: 'import { b } from "./b.ts";\nimport { n } from "../../native/netlink.ts";\n' +
      "export const a = b;\nconsole.log(n);\n",
  },
  { path: "src/model/b.ts", text: 'import { a } from "./a.ts";\nexport const b = 2;\n' },
  { path: "src/selector/index.ts", text: 'import "../daemon/wiring.ts";\n' },
  { path: "src/daemon/logger.ts", text: "console.error('allowed here');\n" },
  { path: "src/daemon/wiring.ts", text: 'import { n } from "../../native/netlink.ts";\n' },
  { path: "native/netlink.ts", text: "export const n = Deno.dlopen;\n" },
];

Deno.test("checkArchitecture reports forbidden edges on fake files", () => {
  const layering = checkLayering(FAKE).map((v) => `${v.file}:${v.line} ${v.message}`);
  deepStrictEqual(layering, [
    'src/calc/resolver.ts:2 src/calc must not import src/datastore (imports "../datastore/syncer.ts")',
    'src/datastore/syncer.ts:1 src/datastore must not import src/calc (imports "../calc/resolver.ts")',
    'src/selector/index.ts:1 only main.ts imports src/daemon/ (imports "../daemon/wiring.ts")',
  ]);
  const native = checkNativeImports(FAKE).map((v) => `${v.file}:${v.line}`);
  deepStrictEqual(native, ["src/model/a.ts:2"]);
});

Deno.test("checkArchitecture reports impure code and impure imports in pure folders", () => {
  const purity = checkPurity(FAKE).map((v) => `${v.file}:${v.line} ${v.message}`);
  deepStrictEqual(purity, [
    'src/calc/resolver.ts:3 pure module uses async "async"',
    'src/calc/resolver.ts:4 pure module uses await "await"',
    'src/calc/resolver.ts:5 pure module uses timer "setTimeout"',
  ]);
  const imports = checkPureImports(FAKE).map((v) => `${v.file}:${v.line} ${v.message}`);
  deepStrictEqual(imports, [
    'src/calc/resolver.ts:2 pure module imports a non-pure module "../datastore/syncer.ts"',
    'src/model/a.ts:2 pure module imports native bindings "../../native/netlink.ts"',
    'src/selector/index.ts:1 pure module imports a non-pure module "../daemon/wiring.ts"',
  ]);
});

Deno.test("findCycles reports each import cycle once with its path", () => {
  deepStrictEqual(findCycles(FAKE), [
    ["src/calc/resolver.ts", "src/datastore/syncer.ts", "src/calc/resolver.ts"],
    ["src/model/a.ts", "src/model/b.ts", "src/model/a.ts"],
  ]);
  deepStrictEqual(findCycles(FAKE.filter((f) => f.path !== "src/model/b.ts")).length, 1);
});

Deno.test("checkHygiene reports console outside the logger and index.ts files", () => {
  const hygiene = checkHygiene(FAKE).map((v) => `${v.file}:${v.line}`);
  deepStrictEqual(hygiene, ["src/model/a.ts:4", "src/selector/index.ts:0"]);
});

Deno.test("checkArchitecture passes a clean fake tree", () => {
  const clean: SourceFile[] = [
    { path: "src/lib/ip.ts", text: "export const v = 4;\n" },
    { path: "src/proto/messages.ts", text: 'import { v } from "../lib/ip.ts";\nexport { v };\n' },
    {
      path: "src/dataplane/nftables/reconciler.ts",
      text: 'import "../../proto/messages.ts";\nimport "../../../native/nft.ts";\n' +
        "export async function apply(): Promise<void> {\n  await Deno.stat('.');\n}\n",
    },
    { path: "native/nft.ts", text: 'import { v } from "../src/lib/ip.ts";\nexport { v };\n' },
    { path: "main.ts", text: 'import "./src/daemon/daemon.ts";\n' },
    { path: "src/daemon/daemon.ts", text: 'import "../dataplane/nftables/reconciler.ts";\n' },
  ];
  assertNone(checkArchitecture(clean));
});
