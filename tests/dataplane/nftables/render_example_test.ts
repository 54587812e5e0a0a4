import { deepEqual, equal } from "node:assert/strict";
import { renderTables } from "../../../src/dataplane/nftables/nft_renderer.ts";
import { renderReplaceScript, ruleText } from "../../../src/dataplane/nftables/render_script.ts";
import type { NftTable } from "../../../src/dataplane/nftables/nft_model.ts";
import { workedExample } from "../rules/fixtures.ts";
import { nftCheck } from "./nft_check.ts";

/** The reference's table, parsed: chain -> rule lines, set/map -> one-line body, empty chains. */
interface Expected {
  readonly chains: Map<string, string[]>;
  readonly sets: Map<string, string>;
  readonly emptyChains: string[];
}

async function expected(): Promise<Expected> {
  const text = await Deno.readTextFile(
    new URL("./testdata/worked_example_s10.nft", import.meta.url),
  );
  const chains = new Map<string, string[]>();
  const sets = new Map<string, string>();
  const emptyChains: string[] = [];
  let current: string[] | undefined;
  let inEmptyList = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const set = /^(?:set|map) (\S+) \{ (.*) \}$/.exec(line);
    const chain = /^chain (\S+) \{$/.exec(line);
    if (set) sets.set(set[1]!, set[2]!);
    else if (chain) chains.set(chain[1]!, current = []);
    else if (line === "}") current = undefined;
    else if (line.startsWith("# empty chains")) inEmptyList = true;
    else if (line.startsWith("# empty base")) inEmptyList = false;
    if (inEmptyList) {
      emptyChains.push(
        ...line.replace(/^#.*?:|^#/, "").split(",").map((s) => s.trim()).filter((s) => s),
      );
    } else if (current !== undefined && !chain && !line.startsWith("type ")) current.push(line);
  }
  return { chains, sets, emptyChains };
}

function oneLineSet(table: NftTable, name: string): string {
  const set = table.sets.get(name);
  if (set !== undefined) {
    const flags = set.flags.length > 0 ? ` flags ${set.flags.join(",")};` : "";
    const elements = set.elements.length > 0 ? ` elements = { ${set.elements.join(", ")} }` : "";
    return `type ${set.type};${flags}${elements}`;
  }
  const map = table.maps.get(name)!;
  const elements = [...map.elements].map(([k, v]) => `${k} : ${v}`).join(", ");
  return `type ${map.type}; elements = { ${elements} }`;
}

Deno.test("renderTables reproduces every chain, rule, hash and comment of the §10 worked example", async () => {
  const want = await expected();
  const table = renderTables(workedExample()).ip;
  for (const [name, rules] of want.chains) {
    deepEqual(table.chains.get(name)?.rules.map(ruleText), rules, `chain ${name}`);
  }
  for (const name of want.emptyChains) {
    deepEqual(table.chains.get(name)?.rules, [], `chain ${name}`);
  }
  const wantNames = [
    ...want.chains.keys(),
    ...want.emptyChains,
    "nat-INPUT",
    "mangle-INPUT",
    "mangle-FORWARD",
    "mangle-OUTPUT",
  ];
  deepEqual([...table.chains.keys()].sort(), wantNames.sort());
});

Deno.test("renderTables renders the sets and verdict maps of the §10 worked example", async () => {
  const want = await expected();
  const table = renderTables(workedExample()).ip;
  for (const [name, body] of want.sets) equal(oneLineSet(table, name), body, `set ${name}`);
  deepEqual([...table.sets.keys(), ...table.maps.keys()].sort(), [...want.sets.keys()].sort());
});

Deno.test("renderTables gives base chains numeric priorities and accept policies (§8)", () => {
  const table = renderTables(workedExample()).ip;
  const bases = [...table.chains.values()].filter((c) => c.base !== undefined)
    .map((c) => `${c.name} ${c.base!.type} ${c.base!.hook} ${c.base!.priority} ${c.base!.policy}`);
  deepEqual(bases, [
    "filter-INPUT filter input 0 accept",
    "filter-FORWARD filter forward 0 accept",
    "filter-OUTPUT filter output 0 accept",
    "raw-PREROUTING filter prerouting -300 accept",
    "raw-OUTPUT filter output -300 accept",
    "mangle-PREROUTING filter prerouting -150 accept",
    "mangle-INPUT filter input -150 accept",
    "mangle-FORWARD filter forward -150 accept",
    "mangle-OUTPUT route output -150 accept",
    "mangle-POSTROUTING filter postrouting -150 accept",
    "nat-PREROUTING nat prerouting -100 accept",
    "nat-INPUT nat input -100 accept",
    "nat-OUTPUT nat output 110 accept",
    "nat-POSTROUTING nat postrouting 110 accept",
  ]);
  equal(table.family, "ip");
  equal(table.name, "calico");
});

Deno.test("renderReplaceScript of the §10 worked example passes nft -c", async () => {
  const result = await nftCheck(renderReplaceScript(renderTables(workedExample()).ip));
  equal(result.stderr, "");
  equal(result.ok, true);
});
