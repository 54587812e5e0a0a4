/**
 * Selector benches: parse + canonicalise, and evaluation (compiled closures against a plain
 * tree-walking interpreter of the same trees, measured in the same run).
 *
 * Run: deno bench -A tests/bench/selector_bench.ts
 */
import { type Labels, parseSelector, type SelectorNode } from "../../src/selector/mod.ts";

/** A deterministic corpus of realistic selectors (the shapes policies and rules use). */
function corpus(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    switch (i % 6) {
      case 0:
        out.push(`app == "app-${i}"`);
        break;
      case 1:
        out.push(`app == 'app-${i}' && tier in {'frontend', 'backend', "db-${i % 7}"}`);
        break;
      case 2:
        out.push(`projectcalico.org/namespace == "ns-${i % 50}" && has(role)`);
        break;
      case 3:
        out.push(
          `(pcns.team == "t${i % 9}" || pcns.team == "t${(i + 1) % 9}") && !has(quarantine)`,
        );
        break;
      case 4:
        out.push(
          `env not in {"dev", "test"} && k8s-app starts with "kube-" && version != "v${i % 3}"`,
        );
        break;
      default:
        out.push(`!(app == "a${i}" && (tier == "x" || tier == "y")) && region in {"eu", "us"}`);
    }
  }
  return out;
}

const TEXTS = corpus(1000);
const SELECTORS = TEXTS.map(parseSelector);
const LABELS: Map<string, string>[] = Array.from({ length: 100 }, (_, i) =>
  new Map([
    ["app", `app-${i * 7}`],
    ["tier", i % 2 ? "frontend" : "db-3"],
    ["projectcalico.org/namespace", `ns-${i % 50}`],
    ["role", "server"],
    ["pcns.team", `t${i % 9}`],
    ["env", i % 3 ? "prod" : "dev"],
    ["k8s-app", "kube-dns"],
    ["region", "eu"],
  ]));

/** The naive baseline: walk the tree on every evaluation. */
function interpret(n: SelectorNode, l: Labels): boolean {
  switch (n.kind) {
    case "all":
    case "global":
      return true;
    case "has":
      return l.get(n.key) !== undefined;
    case "eq":
      return l.get(n.key) === n.value;
    case "ne":
      return l.get(n.key) !== n.value;
    case "contains":
      return l.get(n.key)?.includes(n.value) ?? false;
    case "startsWith":
      return l.get(n.key)?.startsWith(n.value) ?? false;
    case "endsWith":
      return l.get(n.key)?.endsWith(n.value) ?? false;
    case "in": {
      const v = l.get(n.key);
      return v !== undefined && n.values.includes(v);
    }
    case "notIn": {
      const v = l.get(n.key);
      return v === undefined || !n.values.includes(v);
    }
    case "not":
      return !interpret(n.operand, l);
    case "and":
      return n.operands.every((o) => interpret(o, l));
    case "or":
      return n.operands.some((o) => interpret(o, l));
  }
}

let sink = 0;

Deno.bench("selector: parse + canonicalise 1,000 selectors", { group: "parse" }, () => {
  for (const t of TEXTS) sink += parseSelector(t).toString().length;
});

Deno.bench("selector: parse + canonicalise + uniqueId 1,000 selectors", { group: "parse" }, () => {
  for (const t of TEXTS) sink += parseSelector(t).uniqueId().length;
});

Deno.bench("selector: evaluate 1,000 selectors x 100 label maps (compiled)", {
  group: "evaluate",
  baseline: true,
}, () => {
  for (const s of SELECTORS) for (const l of LABELS) if (s.evaluate(l)) sink++;
});

Deno.bench(
  "selector: evaluate 1,000 selectors x 100 label maps (tree walk)",
  { group: "evaluate" },
  () => {
    for (const s of SELECTORS) for (const l of LABELS) if (interpret(s.root, l)) sink++;
  },
);

globalThis.addEventListener("unload", () => {
  if (sink < 0) throw new Error("unreachable");
});
