/**
 * The layering checker behind `tests/arch_test.ts`: STYLE.md's rules (pure folders, who may
 * import `native/`, one-way data flow between `src/` folders, no cycles, no `console.*`, no
 * `index.ts`) as functions over in-memory source files, so the rules can be tested on fakes.
 *
 * Paths are repository-relative with forward slashes: `src/selector/parser.ts`, `main.ts`.
 *
 * @module
 */
import { lineAt, parseImports, resolveSpecifier, stripSource } from "./import_scan.ts";

export { parseImports, resolveSpecifier, stripSource };
export type { ImportRef } from "./import_scan.ts";

/** One source file as the checker sees it. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** One broken rule, located at a file (and a line when there is one). */
export interface Violation {
  readonly rule: Rule;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** The rule families, one per arch test. */
export type Rule = "purity" | "pure-imports" | "native" | "layering" | "cycle" | "hygiene";

/**
 * Folders whose every file is pure: no `Deno.*`, no timers, no `async`, pure imports only,
 * except the files named in `IMPURE_FILES`.
 */
export const PURE_FOLDERS: readonly string[] = [
  "src/selector/",
  "src/model/",
  "src/config/",
  "src/calc/",
  "src/proto/",
  "src/dataplane/rules/",
  "src/dataplane/windows/",
  "src/lib/",
];

/**
 * The files of pure folders exempt from the pure rules, each with the reason. Keep it short: an
 * exemption is a file that does I/O for its folder, imported only by the daemon. A pure module
 * that imports one of these breaks the pure-imports rule.
 */
export const IMPURE_FILES: Readonly<Record<string, string>> = {
  "src/config/loaders.ts":
    "reads the environment, config files and the hostname (Deno APIs) for the daemon",
};

/**
 * Mixed folders: renderers (`*_renderer.ts`, `render*.ts`) and the data models they share with
 * reconcilers (`*_model.ts`) are pure; reconcilers are not.
 */
export const MIXED_FOLDERS: readonly string[] = [
  "src/dataplane/nftables/",
  "src/dataplane/iptables/",
  "src/dataplane/bpf/",
  "src/dataplane/routing/",
];

/**
 * For each `src/` top folder, the `src/` top folders it may import (itself included).
 * Data flows one way: datastore -> calc -> proto -> dataplane; daemon wires everything.
 */
export const ALLOWED_SRC_EDGES: Readonly<Record<string, readonly string[]>> = {
  lib: ["lib"],
  selector: ["lib", "selector"],
  model: ["lib", "selector", "model"],
  proto: ["lib", "proto"],
  config: ["lib", "selector", "model", "config"],
  datastore: ["lib", "selector", "model", "config", "datastore"],
  calc: ["lib", "selector", "model", "proto", "config", "calc"],
  dataplane: ["lib", "selector", "proto", "config", "dataplane"],
  daemon: [
    "lib",
    "selector",
    "model",
    "proto",
    "config",
    "datastore",
    "calc",
    "dataplane",
    "daemon",
  ],
};

/** The only file in `src/` allowed to use `console.*`: the logger that owns it. */
export const LOGGER_PATH = "src/daemon/logger.ts";

/** `node:` modules that do I/O or schedule work, hence forbidden in pure folders. */
const IMPURE_NODE_MODULES: ReadonlySet<string> = new Set([
  "child_process",
  "cluster",
  "dgram",
  "dns",
  "dns/promises",
  "fs",
  "fs/promises",
  "http",
  "http2",
  "https",
  "net",
  "os",
  "process",
  "readline",
  "timers",
  "timers/promises",
  "tls",
  "worker_threads",
]);

/** Whether `path` is held to the pure rules (`exemptions`: see `IMPURE_FILES`). */
export function isPure(
  path: string,
  exemptions: Readonly<Record<string, string>> = IMPURE_FILES,
): boolean {
  if (Object.hasOwn(exemptions, path)) return false;
  if (PURE_FOLDERS.some((folder) => path.startsWith(folder))) return true;
  const folder = MIXED_FOLDERS.find((f) => path.startsWith(f));
  if (folder === undefined) return false;
  const name = path.slice(path.lastIndexOf("/") + 1);
  return name.endsWith("_renderer.ts") || name.endsWith("_model.ts") ||
    /^render[^/]*\.ts$/.test(name);
}

/** The `src/` top folder of a path (`src/dataplane/nftables/x.ts` -> `dataplane`), if any. */
export function srcFolder(path: string): string | undefined {
  if (!path.startsWith("src/")) return undefined;
  const rest = path.slice("src/".length);
  const slash = rest.indexOf("/");
  return slash < 0 ? "" : rest.slice(0, slash);
}

interface Edge {
  readonly from: string;
  readonly to: string | undefined; // resolved repo path, undefined for non-relative
  readonly specifier: string;
  readonly line: number;
}

function edgesOf(files: readonly SourceFile[]): Edge[] {
  return files.flatMap((f) =>
    parseImports(f.text).map((ref) => ({
      from: f.path,
      to: resolveSpecifier(f.path, ref.specifier),
      specifier: ref.specifier,
      line: ref.line,
    }))
  );
}

const IMPURE_CODE: readonly { re: RegExp; what: string }[] = [
  { re: /(?<![\w$.])Deno\b/g, what: "Deno API" },
  { re: /(?<![\w$.])(?:setTimeout|setInterval|setImmediate|queueMicrotask)\b/g, what: "timer" },
  { re: /(?<![\w$.])async\b/g, what: "async" },
  { re: /(?<![\w$.])await\b/g, what: "await" },
];

/**
 * Rule (a), exemptions: each names an existing file of a pure folder and gives a reason, so that
 * the list cannot outlive its files or exempt what is not held to the rules anyway. Checked
 * against the whole repository (not part of `checkArchitecture`, which also runs on fake trees).
 */
export function checkExemptions(
  files: readonly SourceFile[],
  exemptions: Readonly<Record<string, string>> = IMPURE_FILES,
): Violation[] {
  const known = new Set(files.map((f) => f.path));
  const out: Violation[] = [];
  for (const [path, reason] of Object.entries(exemptions)) {
    let problem: string | undefined;
    if (!known.has(path)) problem = "names no file: remove it";
    else if (!PURE_FOLDERS.some((folder) => path.startsWith(folder))) {
      problem = "is not in a pure folder: remove it";
    } else if (reason.trim() === "") problem = "gives no reason: say why the file must be impure";
    if (problem !== undefined) {
      out.push({ rule: "purity", file: path, line: 0, message: `purity exemption ${problem}` });
    }
  }
  return out;
}

/** Rule (a), code half: pure files use no `Deno.*`, timers, `async` or `await`. */
export function checkPurity(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const f of files.filter((f) => isPure(f.path))) {
    const code = stripSource(f.text, true);
    for (const { re, what } of IMPURE_CODE) {
      for (const m of code.matchAll(re)) {
        out.push({
          rule: "purity",
          file: f.path,
          line: lineAt(code, m.index ?? 0),
          message: `pure module uses ${what} "${m[0]}"`,
        });
      }
    }
  }
  return out.sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
}

/** Rule (a), import half: pure files import only pure modules and no I/O `node:` modules. */
export function checkPureImports(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const e of edgesOf(files.filter((f) => isPure(f.path)))) {
    const nodeModule = e.specifier.startsWith("node:") ? e.specifier.slice(5) : undefined;
    let reason: string | undefined;
    if (nodeModule !== undefined && IMPURE_NODE_MODULES.has(nodeModule)) {
      reason = "an I/O node module";
    } else if (e.to !== undefined && !isPure(e.to)) {
      reason = e.to.startsWith("native/") ? "native bindings" : "a non-pure module";
    }
    if (reason !== undefined) {
      out.push({
        rule: "pure-imports",
        file: e.from,
        line: e.line,
        message: `pure module imports ${reason} "${e.specifier}"`,
      });
    }
  }
  return out;
}

function mayImportNative(path: string): boolean {
  return ["src/dataplane/", "src/daemon/", "tests/", "native/"].some((p) => path.startsWith(p));
}

/** Rule (b): only `src/dataplane/**`, `src/daemon/` and tests (and native itself) import native/. */
export function checkNativeImports(files: readonly SourceFile[]): Violation[] {
  return edgesOf(files)
    .filter((e) => e.to?.startsWith("native/") === true && !mayImportNative(e.from))
    .map((e) => ({
      rule: "native" as const,
      file: e.from,
      line: e.line,
      message: `only dataplane reconcilers, the daemon and tests may import "${e.specifier}"`,
    }));
}

function layeringProblem(from: string, to: string): string | undefined {
  if (to.startsWith("tests/") && !from.startsWith("tests/")) return "only tests import tests/";
  if (to.startsWith("src/daemon/") && from !== "main.ts" && srcFolder(from) !== "daemon") {
    return "only main.ts imports src/daemon/";
  }
  if (from.startsWith("native/")) {
    const ok = to.startsWith("native/") || to.startsWith("src/lib/");
    return ok ? undefined : "native/ imports only native/ and src/lib/";
  }
  const source = srcFolder(from);
  const target = srcFolder(to);
  if (source === undefined || target === undefined) return undefined;
  const allowed = ALLOWED_SRC_EDGES[source];
  if (allowed === undefined) return `src/${source} is not in the layering table`;
  if (!(target in ALLOWED_SRC_EDGES)) return `src/${target} is not in the layering table`;
  return allowed.includes(target) ? undefined : `src/${source} must not import src/${target}`;
}

/** Rule (c): imports between folders follow the one-way data flow. */
export function checkLayering(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    const folder = srcFolder(f.path);
    if (folder !== undefined && !(folder in ALLOWED_SRC_EDGES)) {
      out.push({
        rule: "layering",
        file: f.path,
        line: 1,
        message: `"src/${folder}" is not a known src folder: add it to ALLOWED_SRC_EDGES`,
      });
    }
  }
  for (const e of edgesOf(files)) {
    const problem = e.to === undefined ? undefined : layeringProblem(e.from, e.to);
    if (problem !== undefined) {
      out.push({
        rule: "layering",
        file: e.from,
        line: e.line,
        message: `${problem} (imports "${e.specifier}")`,
      });
    }
  }
  return out;
}

/** Rule (d): every import cycle among `src/` modules, each as a path that ends where it began. */
export function findCycles(files: readonly SourceFile[]): string[][] {
  const src = files.filter((f) => f.path.startsWith("src/"));
  const known = new Set(src.map((f) => f.path));
  const graph = new Map<string, string[]>();
  for (const f of src) graph.set(f.path, []);
  for (const e of edgesOf(src)) {
    if (e.to !== undefined && known.has(e.to)) graph.get(e.from)?.push(e.to);
  }
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "active");
    stack.push(node);
    for (const next of [...new Set(graph.get(node))].sort()) {
      const s = state.get(next);
      if (s === "active") {
        const cycle = stack.slice(stack.indexOf(next));
        const key = canonicalCycle(cycle).join(" -> ");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cycle, next]);
        }
      } else if (s === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

function canonicalCycle(cycle: readonly string[]): string[] {
  let start = 0;
  for (let k = 1; k < cycle.length; k++) if ((cycle[k] ?? "") < (cycle[start] ?? "")) start = k;
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}

/** Rule (d) as violations. */
export function checkCycles(files: readonly SourceFile[]): Violation[] {
  return findCycles(files).map((cycle) => ({
    rule: "cycle" as const,
    file: cycle[0] ?? "",
    line: 0,
    message: `import cycle: ${cycle.join(" -> ")}`,
  }));
}

/** Rule (e): no `console.*` in `src/` outside the logger, and no `index.ts` anywhere. */
export function checkHygiene(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    if (f.path === "index.ts" || f.path.endsWith("/index.ts")) {
      out.push({
        rule: "hygiene",
        file: f.path,
        line: 0,
        message: 'no "index.ts": name the module after its concept, or "mod.ts" for a public face',
      });
    }
    if (!f.path.startsWith("src/") || f.path === LOGGER_PATH) continue;
    const code = stripSource(f.text, true);
    for (const m of code.matchAll(/(?<![\w$.])console\s*\./g)) {
      out.push({
        rule: "hygiene",
        file: f.path,
        line: lineAt(code, m.index ?? 0),
        message: "console.* outside the logger: inject the logger instead",
      });
    }
  }
  return out;
}

/** All rules at once. */
export function checkArchitecture(files: readonly SourceFile[]): Violation[] {
  return [
    ...checkPurity(files),
    ...checkPureImports(files),
    ...checkNativeImports(files),
    ...checkLayering(files),
    ...checkCycles(files),
    ...checkHygiene(files),
  ];
}

/** One violation per line, `file:line: [rule] message`, for assertion messages. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line}: [${v.rule}] ${v.message}`).join("\n");
}

/**
 * Reads every `.ts` file under `src/`, `native/`, `tests/` and `main.ts` of the repository at
 * `root` (a directory URL), skipping `node_modules` and dot folders.
 */
export function readRepoSources(root: URL): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (rel: string): void => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(new URL(rel, root))];
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const entry of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
      const path = `${rel}${entry.name}`;
      if (entry.isDirectory) {
        if (entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(`${path}/`);
      } else if (entry.isFile && entry.name.endsWith(".ts")) {
        files.push({ path, text: Deno.readTextFileSync(new URL(path, root)) });
      }
    }
  };
  for (const dir of ["src/", "native/", "tests/"]) walk(dir);
  try {
    files.push({ path: "main.ts", text: Deno.readTextFileSync(new URL("main.ts", root)) });
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return files;
}
