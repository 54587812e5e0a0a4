import { deepStrictEqual, equal } from "node:assert/strict";
import type { LabelIndex } from "../../src/calc/label_index.ts";
import { chooseSlot } from "../../src/calc/label_restriction_index.ts";
import { parseSelector } from "../../src/selector/mod.ts";
import { MatchRecorder } from "./match_recorder.ts";

function setup(): { rec: MatchRecorder; index: LabelIndex } {
  const rec = new MatchRecorder();
  return { rec, index: rec.index };
}

Deno.test("LabelIndex reports a match when an item's own labels satisfy the selector", () => {
  const { rec, index } = setup();
  index.updateSelector("s", parseSelector("app == 'web'"));
  index.updateItem("e1", { app: "web" }, []);
  index.updateItem("e2", { app: "db" }, []);
  deepStrictEqual(rec.events(), ["+s e1"]);
  deepStrictEqual(index.matchesOfSelector("s"), new Set(["e1"]));
  deepStrictEqual(index.matchesOfItem("e1"), new Set(["s"]));
});

Deno.test("LabelIndex reports a match when a parent label satisfies the selector", () => {
  const { rec, index } = setup();
  index.updateParentLabels("prof", { team: "blue" });
  index.updateItem("e1", { app: "web" }, ["prof"]);
  index.updateSelector("s", parseSelector("team == 'blue' && app == 'web'"));
  deepStrictEqual(rec.events(), ["+s e1"]);
});

Deno.test("LabelIndex lets own labels shadow parent labels", () => {
  const { rec, index } = setup();
  index.updateParentLabels("prof", { a: "parent" });
  index.updateItem("e1", { a: "own" }, ["prof"]);
  index.updateSelector("parent", parseSelector("a == 'parent'"));
  index.updateSelector("own", parseSelector("a == 'own'"));
  deepStrictEqual(rec.events(), ["+own e1"]);
  index.updateItem("e1", {}, ["prof"]);
  deepStrictEqual(rec.events(), ["+parent e1", "-own e1"]);
});

Deno.test("LabelIndex takes an inherited label from the first parent that has it", () => {
  const { rec, index } = setup();
  index.updateParentLabels("prof-1", { profile: "prof-1" });
  index.updateParentLabels("prof-2", { profile: "prof-2", extra: "yes" });
  index.updateSelector("s1", parseSelector("profile == 'prof-1'"));
  index.updateSelector("s2", parseSelector("profile == 'prof-2'"));
  index.updateSelector("x", parseSelector("extra == 'yes'"));
  index.updateItem("e1", {}, ["prof-1", "prof-2"]);
  deepStrictEqual(rec.events(), ["+s1 e1", "+x e1"]);
  index.updateItem("e1", {}, ["prof-2", "prof-1"]);
  deepStrictEqual(rec.events(), ["+s2 e1", "-s1 e1"]);
});

Deno.test("LabelIndex treats an unknown parent as empty and matches once it gets labels", () => {
  const { rec, index } = setup();
  index.updateSelector("s", parseSelector("has(team)"));
  index.updateItem("e1", {}, ["missing", "prof"]);
  deepStrictEqual(rec.events(), []);
  index.updateParentLabels("prof", { team: "red" });
  deepStrictEqual(rec.events(), ["+s e1"]);
  index.updateParentLabels("missing", { team: "" });
  deepStrictEqual(rec.events(), []);
  deepStrictEqual(index.matchesOfSelector("s"), new Set(["e1"]));
});

Deno.test("LabelIndex re-evaluates every child when parent labels change", () => {
  const { rec, index } = setup();
  index.updateParentLabels("ns", { env: "prod" });
  for (const id of ["e1", "e2", "e3"]) index.updateItem(id, {}, ["ns"]);
  index.updateItem("other", {}, []);
  index.updateSelector("prod", parseSelector("env == 'prod'"));
  index.updateSelector("dev", parseSelector("env in {'dev', 'test'}"));
  deepStrictEqual(rec.events(), ["+prod e1", "+prod e2", "+prod e3"]);
  index.updateParentLabels("ns", { env: "dev" });
  deepStrictEqual(rec.events(), [
    "+dev e1",
    "+dev e2",
    "+dev e3",
    "-prod e1",
    "-prod e2",
    "-prod e3",
  ]);
});

Deno.test("LabelIndex stops matches that relied on a deleted parent's labels", () => {
  const { rec, index } = setup();
  index.updateParentLabels("prof", { team: "blue" });
  index.updateItem("e1", {}, ["prof"]);
  index.updateSelector("s", parseSelector("team == 'blue'"));
  index.updateSelector("none", parseSelector("!has(team)"));
  deepStrictEqual(rec.events(), ["+s e1"]);
  index.deleteParentLabels("prof");
  deepStrictEqual(rec.events(), ["+none e1", "-s e1"]);
  index.updateParentLabels("prof", { team: "blue" });
  deepStrictEqual(rec.events(), ["+s e1", "-none e1"]);
});

Deno.test("LabelIndex ignores a selector update with the same unique id", () => {
  const { rec, index } = setup();
  index.updateItem("e1", { a: "1" }, []);
  index.updateSelector("s", parseSelector("a == '1' && has(a)"));
  deepStrictEqual(rec.events(), ["+s e1"]);
  const before = index.stats().evaluations;
  index.updateSelector("s", parseSelector(`(a=="1")&&has(a)`));
  deepStrictEqual(rec.events(), []);
  equal(index.stats().evaluations, before);
});

Deno.test("LabelIndex reports only the difference when a selector changes", () => {
  const { rec, index } = setup();
  index.updateItem("e1", { a: "1" }, []);
  index.updateItem("e2", { a: "2" }, []);
  index.updateItem("e3", {}, []);
  index.updateSelector("s", parseSelector("a == '1'"));
  deepStrictEqual(rec.events(), ["+s e1"]);
  index.updateSelector("s", parseSelector("has(a)"));
  deepStrictEqual(rec.events(), ["+s e2"]);
  index.updateSelector("s", parseSelector("a != '1'"));
  deepStrictEqual(rec.events(), ["+s e3", "-s e1"]);
});

Deno.test("LabelIndex reports a stop for every match when an item is deleted", () => {
  const { rec, index } = setup();
  index.updateSelector("s1", parseSelector("has(a)"));
  index.updateSelector("s2", parseSelector("all()"));
  index.updateItem("e1", { a: "1" }, ["prof"]);
  rec.events();
  index.deleteItem("e1");
  deepStrictEqual(rec.events(), ["-s1 e1", "-s2 e1"]);
  deepStrictEqual(index.matchesOfItem("e1"), new Set());
  deepStrictEqual(index.stats().parents, 0);
  index.deleteItem("e1");
  deepStrictEqual(rec.events(), []);
});

Deno.test("LabelIndex reports a stop for every match when a selector is deleted", () => {
  const { rec, index } = setup();
  index.updateItem("e1", { a: "1" }, []);
  index.updateItem("e2", { a: "2" }, []);
  index.updateSelector("s", parseSelector("a in {'1', '2'}"));
  rec.events();
  index.deleteSelector("s");
  deepStrictEqual(rec.events(), ["-s e1", "-s e2"]);
  index.updateItem("e3", { a: "1" }, []);
  index.deleteSelector("s");
  deepStrictEqual(rec.events(), []);
  equal(index.stats().matches, 0);
});

Deno.test("LabelIndex matches items lacking the key for != and not in selectors", () => {
  const { rec, index } = setup();
  index.updateSelector("ne", parseSelector("a != 'x'"));
  index.updateSelector("notin", parseSelector("a not in {'x', 'y'}"));
  index.updateItem("absent", {}, []);
  index.updateItem("x", { a: "x" }, []);
  index.updateItem("z", { a: "z" }, []);
  deepStrictEqual(rec.events(), ["+ne absent", "+ne z", "+notin absent", "+notin z"]);
  index.updateItem("absent", { a: "y" }, []);
  deepStrictEqual(rec.events(), ["-notin absent"]);
  deepStrictEqual(index.stats().selectors.unoptimised, 2);
});

Deno.test("LabelIndex matches !has selectors until the key appears, own or inherited", () => {
  const { rec, index } = setup();
  index.updateSelector("s", parseSelector("!has(a)"));
  index.updateItem("e1", {}, ["prof"]);
  deepStrictEqual(rec.events(), ["+s e1"]);
  index.updateParentLabels("prof", { a: "" });
  deepStrictEqual(rec.events(), ["-s e1"]);
  index.updateParentLabels("prof", { b: "" });
  deepStrictEqual(rec.events(), ["+s e1"]);
  index.updateItem("e1", { a: "1" }, ["prof"]);
  deepStrictEqual(rec.events(), ["-s e1"]);
});

Deno.test("LabelIndex never matches or evaluates an impossible selector", () => {
  const { rec, index } = setup();
  index.updateItem("e1", { a: "x" }, []);
  const before = index.stats().evaluations;
  index.updateSelector("s1", parseSelector("a == 'x' && a == 'y'"));
  index.updateSelector("s2", parseSelector("has(a) && !has(a)"));
  index.updateSelector("s3", parseSelector("a in {}"));
  index.updateItem("e2", { a: "y" }, []);
  deepStrictEqual(rec.events(), []);
  equal(index.stats().evaluations, before);
  equal(index.stats().selectors.impossible, 3);
});

Deno.test("LabelIndex evaluates only selectors indexed under the item's labels", () => {
  const { index } = setup();
  for (let i = 0; i < 100; i++) index.updateSelector(`app${i}`, parseSelector(`app == "${i}"`));
  for (let i = 0; i < 100; i++) index.updateSelector(`role${i}`, parseSelector(`has(role${i})`));
  index.updateSelector("ne", parseSelector("app != '7'"));
  const before = index.stats().evaluations;
  index.updateItem("e1", { app: "7", role3: "" }, []);
  equal(index.stats().evaluations - before, 3);
  deepStrictEqual(index.matchesOfItem("e1"), new Set(["app7", "role3"]));
});

Deno.test("LabelIndex re-evaluates only the changed parent's children", () => {
  const { index } = setup();
  index.updateSelector("s", parseSelector("team == 'a'"));
  for (let i = 0; i < 50; i++) index.updateItem(`e${i}`, {}, [i < 5 ? "small" : "big"]);
  const before = index.stats().evaluations;
  index.updateParentLabels("small", { team: "a" });
  equal(index.stats().evaluations - before, 5);
  equal(index.matchesOfSelector("s").size, 5);
});

Deno.test("LabelIndex skips children when a parent change is hidden by an earlier parent", () => {
  const { rec, index } = setup();
  index.updateParentLabels("first", { team: "a" });
  index.updateParentLabels("second", { team: "b" });
  index.updateSelector("b", parseSelector("team == 'b'"));
  index.updateItem("e1", {}, ["first", "second"]);
  index.updateItem("e2", { x: "1" }, ["first", "second"]);
  equal(index.stats().parentChains, 1);
  const before = index.stats().evaluations;
  index.updateParentLabels("second", { team: "c" });
  equal(index.stats().evaluations, before);
  index.deleteParentLabels("first");
  deepStrictEqual(rec.events(), []);
  index.updateParentLabels("second", { team: "b" });
  deepStrictEqual(rec.events(), ["+b e1", "+b e2"]);
});

Deno.test("LabelIndex ignores an item update that changes nothing", () => {
  const { rec, index } = setup();
  index.updateSelector("s", parseSelector("all()"));
  index.updateItem("e1", new Map([["a", "1"]]), ["p"]);
  rec.events();
  const before = index.stats().evaluations;
  index.updateItem("e1", { a: "1" }, ["p"]);
  index.updateParentLabels("p", {});
  index.updateParentLabels("p", {});
  equal(index.stats().evaluations - before, 0);
  deepStrictEqual(rec.events(), []);
});

Deno.test("LabelIndex copies labels so later caller mutation has no effect", () => {
  const { rec, index } = setup();
  const own = new Map([["a", "1"]]);
  const parent: Record<string, string> = { b: "1" };
  index.updateParentLabels("p", parent);
  index.updateItem("e1", own, ["p"]);
  own.set("a", "2");
  parent.b = "2";
  index.updateSelector("s", parseSelector("a == '1' && b == '1'"));
  deepStrictEqual(rec.events(), ["+s e1"]);
});

Deno.test("LabelIndex follows changes to an item's parent list, including repeats", () => {
  const { rec, index } = setup();
  index.updateParentLabels("p1", { t: "1" });
  index.updateParentLabels("p2", { t: "2" });
  index.updateSelector("t2", parseSelector("t == '2'"));
  index.updateItem("e1", {}, ["p1", "p1"]);
  index.updateItem("e1", {}, ["p2", "p1"]);
  deepStrictEqual(rec.events(), ["+t2 e1"]);
  index.updateItem("e1", {}, []);
  deepStrictEqual(rec.events(), ["-t2 e1"]);
  index.deleteParentLabels("p1");
  index.deleteParentLabels("p2");
  deepStrictEqual(index.stats().parents, 0);
});

Deno.test("chooseSlot prefers the key with the smallest value set, then any present key", () => {
  const slot = (s: string) => chooseSlot(parseSelector(s).labelRestrictions());
  deepStrictEqual(slot("a in {'1', '2'} && b == '3'"), {
    kind: "values",
    key: "b",
    values: new Set(["3"]),
  });
  deepStrictEqual(slot("has(a) && b != '1'"), { kind: "key", key: "a" });
  deepStrictEqual(slot("has(a) || has(b)"), { kind: "unoptimised" });
  deepStrictEqual(slot("!has(a)"), { kind: "unoptimised" });
  deepStrictEqual(slot("a == '1' && a == '2'"), { kind: "impossible" });
});
