/**
 * Finds the imports of a TypeScript file without a parser: comments (and, for keyword checks,
 * string contents) are blanked first, then regexes pick out the specifiers.
 *
 * @module
 */

/** An import or re-export found in a file. */
export interface ImportRef {
  readonly specifier: string;
  readonly line: number;
}

/**
 * Blanks comments (and, with `blankStrings`, the contents of string, template and regex
 * literals) while keeping every newline, so line numbers survive. Template `${...}` holes stay
 * code. Regex literals are told from division by the previous significant character.
 */
export function stripSource(text: string, blankStrings: boolean): string {
  let out = "";
  let i = 0;
  const holes: number[] = []; // brace depth inside each open template `${` hole
  const blank = (s: string): string => s.replace(/[^\n]/g, " ");
  const keep = (s: string): string => (blankStrings ? blank(s) : s);
  const template = (): void => {
    // At a backtick or just after a hole's closing brace: consume up to "`" or "${".
    while (i < text.length) {
      const c = text[i];
      if (c === "\\") {
        out += keep(text.slice(i, i + 2));
        i += 2;
      } else if (c === "`") {
        out += "`";
        i++;
        return;
      } else if (c === "$" && text[i + 1] === "{") {
        out += "${";
        i += 2;
        holes.push(0);
        return;
      } else {
        out += keep(c ?? "");
        i++;
      }
    }
  };
  while (i < text.length) {
    const c = text[i] ?? "";
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      out += c + keep(text.slice(i + 1, j)) + (text[j] === c ? c : "");
      i = text[j] === c ? j + 1 : j;
    } else if (c === "`") {
      out += "`";
      i++;
      template();
    } else if (c === "/" && startsRegex(out)) {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== "\n") {
        const d = text[j];
        if (d === "\\") j++;
        else if (d === "[") inClass = true;
        else if (d === "]") inClass = false;
        else if (d === "/" && !inClass) break;
        j++;
      }
      out += "/" + keep(text.slice(i + 1, j)) + (text[j] === "/" ? "/" : "");
      i = text[j] === "/" ? j + 1 : j;
    } else if (holes.length > 0 && (c === "{" || c === "}")) {
      const depth = holes[holes.length - 1] ?? 0;
      if (c === "}" && depth === 0) {
        holes.pop();
        out += "}";
        i++;
        template();
      } else {
        holes[holes.length - 1] = depth + (c === "{" ? 1 : -1);
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function startsRegex(before: string): boolean {
  const trimmed = before.trimEnd();
  if (trimmed === "") return true;
  if (/(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|new|delete|void|throw)$/.test(trimmed)) {
    return true;
  }
  return /[(,=:[!&|?{};+\-*%<>~^]$/.test(trimmed);
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let k = 0; k < index; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

const STATIC_FROM = /(?:^|[;}\n])\s*(?:import|export)\b[^;'"`]*?\bfrom\s*(["'])([^"'\n]+)\1/g;
const SIDE_EFFECT = /(?:^|[;}\n])\s*import\s*(["'])([^"'\n]+)\1/g;
const DYNAMIC = /\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*[,)]/g;

/** The specifiers of `import ... from`, `export ... from`, `import "x"` and `import("x")`. */
export function parseImports(text: string): ImportRef[] {
  const code = stripSource(text, false);
  const bare = stripSource(text, true); // same offsets, with string contents blanked
  const found: { index: number; specifier: string }[] = [];
  for (const re of [STATIC_FROM, SIDE_EFFECT, DYNAMIC]) {
    for (const m of code.matchAll(re)) {
      const keyword = (m.index ?? 0) + m[0].search(/import|export/);
      if (!/^(?:import|export)/.test(bare.slice(keyword, keyword + 6))) continue; // in a string
      const specifier = m[2] ?? "";
      found.push({ index: (m.index ?? 0) + m[0].lastIndexOf(specifier), specifier });
    }
  }
  found.sort((a, b) => a.index - b.index);
  return found.map((f) => ({ specifier: f.specifier, line: lineAt(code, f.index) }));
}

/** Resolves a relative specifier against the importing file; `undefined` for bare/npm/node. */
export function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return `../${specifier}`; // escapes the repository
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join("/");
}
