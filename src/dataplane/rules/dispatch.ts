/**
 * Dispatch chains (reference/rules-rendering.md §2.2, §8): workloads dispatch through one
 * verdict-map rule per direction and deny unknown workload interfaces ("fail closed"); host
 * endpoints dispatch through a shallow prefix tree of `iifname`/`oifname` rules with an optional
 * default target (the `*` host endpoint).
 *
 * @module
 */
import { CHAIN, objectChainName, PREFIX } from "./names.ts";
import type { RulesContext } from "./rules_context.ts";
import { type Chain, m, type Rule, rule } from "./rule_model.ts";

/** The two workload dispatch chains for these interface names (sorted, unique). */
export function workloadDispatchChains(ctx: RulesContext, ifaces: readonly string[]): Chain[] {
  const names = [...new Set(ifaces)].sort();
  const unknown = rule([], ctx.deny, "Unknown interface");
  const entries = (prefix: string) =>
    names.map((iface) => ({ iface, target: objectChainName(prefix, iface, ctx.maxNameLength) }));
  return [
    {
      name: CHAIN.fromWlDispatch,
      rules: [
        rule([], { kind: "dispatchMap", dir: "in", entries: entries(PREFIX.fromWorkload) }),
        unknown,
      ],
    },
    {
      name: CHAIN.toWlDispatch,
      rules: [
        rule([], { kind: "dispatchMap", dir: "out", entries: entries(PREFIX.toWorkload) }),
        unknown,
      ],
    },
  ];
}

/** The longest common prefix of sorted names. */
function commonPrefix(sorted: readonly string[]): string {
  const first = sorted[0] ?? "";
  const last = sorted[sorted.length - 1] ?? "";
  let i = 0;
  while (i < first.length && first[i] === last[i]) i++;
  return first.slice(0, i);
}

/** One side of a host-endpoint dispatch: its root chain, endpoint prefix and direction. */
export interface DispatchSpec {
  readonly chainName: string;
  readonly endpointPrefix: string;
  readonly dir: "in" | "out";
  /** Rules after the per-interface rules (and copied into child chains). */
  readonly endRules: readonly Rule[];
}

/**
 * A dispatch tree: names binned by the character after their common prefix; a bin with one name
 * is a direct rule in the root chain, a bin with more becomes a child chain `<root>-<char>`
 * reached by a wildcard goto.
 */
export function dispatchTree(
  ctx: RulesContext,
  names: readonly string[],
  spec: DispatchSpec,
): Chain[] {
  const sorted = [...new Set(names)].sort();
  const common = commonPrefix(sorted);
  const bins = new Map<string, string[]>();
  for (const name of sorted) {
    const key = name.length > common.length ? name.slice(0, common.length + 1) : common;
    const bin = bins.get(key);
    if (bin === undefined) bins.set(key, [name]);
    else bin.push(name);
  }
  const ifaceMatch = (n: string) => spec.dir === "in" ? m.inIface(n) : m.outIface(n);
  const direct = (n: string) =>
    rule([ifaceMatch(n)], {
      kind: "goto",
      target: objectChainName(spec.endpointPrefix, n, ctx.maxNameLength),
    });
  const children: Chain[] = [];
  const rootRules: Rule[] = [];
  for (const [key, bin] of bins) {
    if (bin.length === 1) {
      rootRules.push(direct(bin[0]!));
      continue;
    }
    const child = `${spec.chainName}-${key.slice(common.length)}`;
    rootRules.push(rule([ifaceMatch(`${key}*`)], { kind: "goto", target: child }));
    children.push({ name: child, rules: [...bin.map(direct), ...spec.endRules] });
  }
  return [...children, { name: spec.chainName, rules: [...rootRules, ...spec.endRules] }];
}
