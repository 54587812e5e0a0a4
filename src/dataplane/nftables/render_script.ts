/**
 * NftTable -> nft script text (`nft -f` input): the `table <family> calico { ... }` block (used
 * by `--once` output and tests) and the whole-table replace script the reconciler and
 * `--once --apply` use. Sets, then maps, then chains, each in the table's order.
 *
 * @module
 */
import type { NftChain, NftMap, NftRule, NftSet, NftTable } from "./nft_model.ts";

function elementsBlock(elements: readonly string[]): string[] {
  if (elements.length === 0) return [];
  return ["\t\telements = {", ...elements.map((e) => `\t\t\t${e},`), "\t\t}"];
}

function setText(set: NftSet): string[] {
  const flags = set.flags.length > 0 ? [`\t\tflags ${set.flags.join(",")}`] : [];
  return [
    `\tset ${set.name} {`,
    `\t\ttype ${set.type}`,
    ...flags,
    ...elementsBlock(set.elements),
    "\t}",
  ];
}

function mapText(map: NftMap): string[] {
  const elements = [...map.elements].map(([k, v]) => `${k} : ${v}`);
  return [`\tmap ${map.name} {`, `\t\ttype ${map.type}`, ...elementsBlock(elements), "\t}"];
}

/** One rule line: body and its `comment "cali:<hash>; ..."`. */
export function ruleText(rule: NftRule): string {
  const comment = rule.comment === undefined
    ? `cali:${rule.hash};`
    : `cali:${rule.hash}; ${rule.comment}`;
  return `${rule.body} comment "${comment}"`;
}

function chainText(chain: NftChain): string[] {
  const lines = [`\tchain ${chain.name} {`];
  const b = chain.base;
  if (b !== undefined) {
    lines.push(
      `\t\ttype ${b.type} hook ${b.hook} priority ${b.priority}; policy ${b.policy ?? "accept"};`,
    );
  }
  for (const r of chain.rules) lines.push(`\t\t${ruleText(r)}`);
  lines.push("\t}");
  return lines;
}

/** The `table <family> <name> { ... }` block, newline-terminated. */
export function renderTableText(table: NftTable): string {
  const lines = [`table ${table.family} ${table.name} {`];
  for (const s of table.sets.values()) lines.push(...setText(s));
  for (const mp of table.maps.values()) lines.push(...mapText(mp));
  for (const c of table.chains.values()) lines.push(...chainText(c));
  lines.push("}");
  return lines.join("\n") + "\n";
}

/**
 * A script that replaces the table whole in one transaction: `add table` (so the delete cannot
 * fail), `delete table`, then the full table block.
 */
export function renderReplaceScript(table: NftTable): string {
  const id = `${table.family} ${table.name}`;
  return `add table ${id}\ndelete table ${id}\n${renderTableText(table)}`;
}
