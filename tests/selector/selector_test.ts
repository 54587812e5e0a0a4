import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import {
  compareUtf8,
  isSatisfiable,
  type LabelRestrictions,
  parseSelector,
  SelectorParseError,
} from "../../src/selector/mod.ts";

Deno.test("Selector.uniqueId matches upstream's ids", () => {
  equal(parseSelector("").uniqueId(), "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug");
  equal(parseSelector("all()").uniqueId(), "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug");
  equal(
    parseSelector("!(has(b) || !has(a))").uniqueId(),
    "s:Iss0uCleLYv1GSv_pNm7hAO58kE9jAx1NKyG3Q",
  );
  equal(
    parseSelector('! (a == "b"&&! c != "d")').uniqueId(),
    "s:lh3haoY1ikTRkd4UZu0nWSaIBknYLPJLX16d-w",
  );
});

Deno.test("Selector.uniqueId is equal exactly when canonical forms are equal", () => {
  equal(
    parseSelector("a=='x'&&b=='y'").uniqueId(),
    parseSelector('(a == "x") && (b == "y")').uniqueId(),
  );
  ok(parseSelector("a == 'x'").uniqueId() !== parseSelector("a == 'X'").uniqueId());
  equal(parseSelector("a == 'x'").uniqueId().length, 40);
});

Deno.test("Selector.evaluate accepts a Map and any object with get()", () => {
  const sel = parseSelector("app == 'web' && !has(debug)");
  equal(sel.evaluate(new Map([["app", "web"]])), true);
  equal(
    sel.evaluate({ get: (k: string) => ({ app: "web", debug: "" } as Record<string, string>)[k] }),
    false,
  );
});

function errorOf(text: string): SelectorParseError {
  try {
    parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorParseError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

Deno.test("SelectorParseError quotes the input and names the column and what was expected", () => {
  const cases: Array<[string, number, RegExp]> = [
    ["a = 'b'", 3, /expected "==" but found a lone "="/],
    [
      "a == 'b' && ",
      13,
      /expected a label, has\(\), all\(\), global\(\), "!" or "\(" but found the end/,
    ],
    ["(a == 'b'", 10, /expected "\)" but found the end of the selector/],
    ["a == 'b", 6, /unterminated string/],
    ["a in 'b'", 6, /expected "\{" to open a set but found a string/],
    ["a in {'b' 'c'}", 11, /expected "," or "\}" in a set/],
    ["a == b", 6, /expected a quoted string after the operator but found label "b"/],
    ["a b == 'c'", 3, /expected an operator after label "a" but found "b"/],
    ["has(a) has(b)", 8, /unexpected content at the end of the selector/],
    ["a:b == 'x'", 2, /expected an operator after label "a" but found ":"/],
    ["%", 1, /unexpected character "%"/],
    ["has()", 5, /expected a label key inside has\(\)/],
    ["a == 'x'\n", 9, /unexpected character "\\n"/],
  ];
  for (const [text, column, reason] of cases) {
    const err = errorOf(text);
    equal(err.column, column, text);
    equal(err.selector, text);
    ok(err instanceof SyntaxError);
    ok(err.message.startsWith(`Cannot parse selector "${text}": `), err.message);
    ok(err.message.endsWith(`at column ${column}`), err.message);
    ok(reason.test(err.message), `${err.message} !~ ${reason}`);
  }
});

Deno.test("parseSelector limits label keys to 512 characters", () => {
  equal(parseSelector(`${"k".repeat(512)} == 'v'`).toString(), `${"k".repeat(512)} == "v"`);
  throws(() => parseSelector(`${"k".repeat(513)} == 'v'`), /longer than 512/);
  throws(() => parseSelector(`has(${"k".repeat(513)})`), /longer than 512/);
});

Deno.test("Selector keeps nested parentheses as written but drops redundant ones", () => {
  equal(
    parseSelector("a == '1' && (b == '2' && c == '3')").toString(),
    '(a == "1" && (b == "2" && c == "3"))',
  );
  equal(parseSelector("((a == '1'))").toString(), 'a == "1"');
  equal(parseSelector("!(!has(a))").toString(), "has(a)");
  equal(parseSelector("!(!(!has(a)))").toString(), "!has(a)");
});

Deno.test("compareUtf8 orders by UTF-8 bytes, not UTF-16 code units", () => {
  ok(compareUtf8("B", "a") < 0);
  ok(compareUtf8("a", "ab") < 0);
  // U+FF21 (3 UTF-8 bytes) sorts before U+1F600 (4 bytes), though its UTF-16 unit is larger.
  ok(compareUtf8("\uff21", "😀") < 0);
  ok("\uff21" > "😀");
  equal(parseSelector("a in {'😀', 'Ａ', 'z'}").toString(), 'a in {"z", "Ａ", "😀"}');
});

function restrictions(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const r: LabelRestrictions = parseSelector(text).labelRestrictions();
  for (const [k, v] of r) {
    const parts = [v.mustBePresent ? "present" : "", v.mustBeAbsent ? "absent" : ""];
    if (v.values) parts.push(`{${[...v.values].sort().join(",")}}`);
    out[k] = parts.filter((p) => p !== "").join(" ") + (isSatisfiable(v) ? "" : " impossible");
  }
  return out;
}

Deno.test("Selector.labelRestrictions derives must-have, must-not-have and value sets", () => {
  deepStrictEqual(restrictions("a == 'x'"), { a: "present {x}" });
  deepStrictEqual(restrictions("a in {'x', 'y'}"), { a: "present {x,y}" });
  deepStrictEqual(
    restrictions("has(a) && b contains 'q' && c starts with 'r' && d ends with 's'"),
    {
      a: "present",
      b: "present",
      c: "present",
      d: "present",
    },
  );
  deepStrictEqual(restrictions("!has(a)"), { a: "absent" });
  deepStrictEqual(
    restrictions("a != 'x' || b not in {'y'} || all() || global() || !(a == 'x')"),
    {},
  );
  deepStrictEqual(restrictions("a == 'x' && a in {'x', 'y'}"), { a: "present {x}" });
  deepStrictEqual(restrictions("a == 'v1' && a == 'v2'"), { a: "present {} impossible" });
  deepStrictEqual(restrictions("has(a) && !has(a)"), { a: "present absent impossible" });
  deepStrictEqual(restrictions("a == 'x' || a in {'y'}"), { a: "present {x,y}" });
  deepStrictEqual(restrictions("a == 'x' || has(a)"), { a: "present" });
  deepStrictEqual(restrictions("a == 'x' || b == 'y'"), {});
  deepStrictEqual(restrictions("(a == 'x' && b == 'y') || (a == 'z' && !has(c))"), {
    a: "present {x,z}",
  });
  deepStrictEqual(restrictions("!has(a) || !has(a)"), { a: "absent" });
});
