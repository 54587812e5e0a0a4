/**
 * The impure edge of `config/`: reading the environment record, the config file, the OS
 * hostname, and checking that files exist. Everything they return is plain data for `Config`.
 *
 * @module
 */
import type { FileChecks } from "./config.ts";
import { type IniResult, parseIni } from "./ini.ts";

/** Where the config file is read from unless `-c/--config-file` says otherwise. */
export const DEFAULT_CONFIG_FILE = "/etc/calico/felix.cfg";

/**
 * The `FELIX_*` variables of an environment record (prefix in any case), keyed by the rest of
 * the name lower-cased: `FELIX_LOGSEVERITYSCREEN=debug` -> `{ logseverityscreen: "debug" }`.
 */
export function envToRaw(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.length > 6 && name.slice(0, 6).toLowerCase() === "felix_") {
      out[name.slice(6).toLowerCase()] = value;
    }
  }
  return out;
}

/**
 * Read and parse the config file. A missing file yields no values; a malformed one throws
 * `ConfigFileError` (naming file and line); other read errors propagate.
 */
export async function loadConfigFile(path: string): Promise<IniResult> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { values: {}, issues: [] };
    throw e;
  }
  return parseIni(text, path);
}

/** The OS hostname trimmed and lower-cased; `$HOSTNAME` lower-cased if that fails. */
export function osHostname(): string {
  try {
    return Deno.hostname().trim().toLowerCase();
  } catch {
    return (Deno.env.get("HOSTNAME") ?? "").trim().toLowerCase();
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    const st = Deno.statSync(path);
    return st.isFile && (st.mode === null || (st.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/**
 * Real existence checks: a path exists when `stat` succeeds; an executable name without `/` is
 * looked up beside the running binary, then on `PATH`.
 */
export function realFileChecks(): FileChecks {
  return {
    exists(path: string): boolean {
      try {
        Deno.statSync(path);
        return true;
      } catch {
        return false;
      }
    },
    findExecutable(name: string): string | undefined {
      if (name.includes("/")) return isExecutable(name) ? name : undefined;
      const dirs = [dirname(Deno.execPath()), ...(Deno.env.get("PATH") ?? "").split(":")];
      return dirs.filter((d) => d !== "").map((d) => `${d}/${name}`).find(
        (p) => isFile(p) && isExecutable(p),
      );
    },
  };
}
