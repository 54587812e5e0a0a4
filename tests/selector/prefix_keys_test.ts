import { equal } from "node:assert/strict";
import { parseSelector, prefixSelectorKeys } from "../../src/selector/mod.ts";

Deno.test("prefixSelectorKeys prefixes a comparison and re-quotes with double quotes", () => {
  equal(
    prefixSelectorKeys("namespacelabel1 == 'value1'", "pcns."),
    'pcns.namespacelabel1 == "value1"',
  );
});

Deno.test("prefixSelectorKeys prefixes every key inside nested and/or/not", () => {
  equal(
    prefixSelectorKeys("!has(key) || (has(key) && !key in {'value'})", "pcns."),
    '(!has(pcns.key) || (has(pcns.key) && !pcns.key in {"value"}))',
  );
  equal(prefixSelectorKeys("namespace == 'red'", "pcns."), 'pcns.namespace == "red"');
  equal(prefixSelectorKeys("key == 'value1'", "pcsa."), 'pcsa.key == "value1"');
});

Deno.test("prefixSelectorKeys prefixes every operator's key", () => {
  equal(
    prefixSelectorKeys(
      "a != 'x' && b contains 'y' && c starts with 'z' && d ends with 'w' && e not in {'q', 'p'}",
      "p.",
    ),
    '(p.a != "x" && p.b contains "y" && p.c starts with "z" && p.d ends with "w" && ' +
      'p.e not in {"p", "q"})',
  );
});

Deno.test("prefixSelectorKeys keeps all() and global(), and gives all() for empty input", () => {
  equal(prefixSelectorKeys("all()", "pcns."), "all()");
  equal(prefixSelectorKeys(" global() ", "pcns."), "global()");
  equal(prefixSelectorKeys("", "pcns."), "all()");
  equal(prefixSelectorKeys("all() && has(a)", "x/"), "(all() && has(x/a))");
});

Deno.test("prefixSelectorKeys returns undefined for an unparsable selector", () => {
  equal(prefixSelectorKeys("mylabel = value1", "pcns."), undefined);
  equal(prefixSelectorKeys("global() && bad", "pcns."), undefined);
});

Deno.test("prefixSelectorKeys output is canonical: it round-trips through the parser", () => {
  const out = prefixSelectorKeys("a in {'z','a','a'} || !(b == \"q\" && has(c))", "pcsa.")!;
  equal(out, '(pcsa.a in {"a", "z"} || !(pcsa.b == "q" && has(pcsa.c)))');
  equal(parseSelector(out).toString(), out);
});
