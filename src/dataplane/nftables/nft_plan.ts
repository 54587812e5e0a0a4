/**
 * The smallest change from what a table holds to what it should hold, as one nft command script
 * (one transaction). Upstream's approach (rules-rendering.md §8): a chain whose rules changed is
 * flushed and refilled; new and stale chains, sets and maps are added and deleted; set and map
 * elements are deleted and added one by one. A set or map whose type changed, or a chain that
 * turns from regular to base (or back), cannot be changed in place: the table is rebuilt whole
 * (delete + add table with all content, in the same transaction).
 *
 * Order inside the script, so every reference resolves: new sets, maps and chains; element
 * deletions; flushes; rules; element additions; deletion of stale chains, then of stale maps and
 * sets.
 *
 * @module
 */
import type { NftFamily, NftTable } from "./nft_model.ts";
import {
  type ChainState,
  EMPTY_TABLE_STATE,
  type MapState,
  ruleComment,
  type SetState,
  type TableState,
} from "./nft_state.ts";

/** What a plan does, for logs and tests. */
export interface PlanSummary {
  readonly rebuilt: boolean;
  readonly tableCreated: boolean;
  readonly chainsAdded: number;
  readonly chainsRewritten: number;
  readonly chainsDeleted: number;
  readonly rulesWritten: number;
  readonly setsAdded: number;
  readonly setsDeleted: number;
  readonly mapsAdded: number;
  readonly mapsDeleted: number;
  readonly elementsAdded: number;
  readonly elementsDeleted: number;
}

/** A transaction: its commands (one per line) and what they do. Empty when nothing changes. */
export interface Plan {
  readonly commands: readonly string[];
  readonly summary: PlanSummary;
}

/** Where a plan applies. */
export interface PlanTarget {
  readonly family: NftFamily;
  readonly table: string;
}

/** Elements per `add element` / `delete element` command. */
const ELEMENT_CHUNK = 1000;

type Counts = { -readonly [K in keyof PlanSummary]: PlanSummary[K] };

/** Commands grouped by phase; joined in phase order. */
class Phases {
  readonly create: string[] = [];
  readonly deleteElements: string[] = [];
  readonly flush: string[] = [];
  readonly rules: string[] = [];
  readonly addElements: string[] = [];
  readonly remove: string[] = [];
  readonly removeSets: string[] = [];

  all(): string[] {
    return [
      ...this.create,
      ...this.deleteElements,
      ...this.flush,
      ...this.rules,
      ...this.addElements,
      ...this.remove,
      ...this.removeSets,
    ];
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Whether two chains hold the same rule texts. Runs per chain per apply: a plain loop, about 20 %
 * faster than `deepEqual` on a 12-rule chain (`deepEqual` checks each element's type first).
 */
function sameRules(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether the change needs a whole-table rebuild (types or chain kinds changed). */
function needsRebuild(current: TableState, desired: TableState): boolean {
  const changed = <T extends { spec: string }>(
    c: ReadonlyMap<string, T>,
    d: ReadonlyMap<string, T>,
  ) => [...d].some(([name, s]) => c.has(name) && c.get(name)!.spec !== s.spec);
  if (changed(current.sets, desired.sets) || changed(current.maps, desired.maps)) return true;
  for (const [name, chain] of desired.chains) {
    const now = current.chains.get(name);
    if (now !== undefined && (now.base === undefined) !== (chain.base === undefined)) return true;
  }
  return false;
}

/** Builds one plan. */
class Planner {
  readonly #t: string;
  readonly #p = new Phases();
  readonly #n: Counts;

  constructor(target: PlanTarget, counts: Counts) {
    this.#t = `${target.family} ${target.table}`;
    this.#n = counts;
  }

  get phases(): Phases {
    return this.#p;
  }

  sets(current: ReadonlyMap<string, SetState>, table: NftTable, desired: TableState): void {
    for (const [name, want] of desired.sets) {
      const have = current.get(name);
      if (have === want) continue; // the same state object: nothing changed
      const change = desired.setChanges?.get(name);
      if (have !== undefined && change?.from === have) {
        this.#changeElements(name, change.removed, change.added); // patched from what is there
        continue;
      }
      if (have === undefined) {
        const s = table.sets.get(name)!;
        const flags = s.flags.length === 0 ? "" : ` flags ${s.flags.join(",")};`;
        this.#p.create.push(`add set ${this.#t} ${name} { type ${s.type};${flags} }`);
        this.#n.setsAdded++;
      }
      const old = have?.elements ?? new Set<string>();
      const gone = [...old].filter((e) => !want.elements.has(e));
      const added = [...want.elements].filter((e) => !old.has(e));
      this.#changeElements(name, gone, added);
    }
    for (const name of current.keys()) {
      if (desired.sets.has(name)) continue;
      this.#p.removeSets.push(`delete set ${this.#t} ${name}`);
      this.#n.setsDeleted++;
    }
  }

  /** Delete `gone` and add `added` in set or map `name`, counting both. */
  #changeElements(name: string, gone: readonly string[], added: readonly string[]): void {
    this.#elements(this.#p.deleteElements, "delete", name, gone);
    this.#elements(this.#p.addElements, "add", name, added);
    this.#n.elementsDeleted += gone.length;
    this.#n.elementsAdded += added.length;
  }

  #elements(out: string[], verb: string, name: string, elements: readonly string[]): void {
    for (const chunk of chunks(elements, ELEMENT_CHUNK)) {
      out.push(`${verb} element ${this.#t} ${name} { ${chunk.join(", ")} }`);
    }
  }

  maps(current: ReadonlyMap<string, MapState>, desired: TableState): void {
    for (const [name, want] of desired.maps) {
      const have = current.get(name);
      if (have === want) continue;
      if (have === undefined) {
        this.#p.create.push(`add map ${this.#t} ${name} { type ${want.spec}; }`);
        this.#n.mapsAdded++;
      }
      const quote = want.spec.startsWith("ifname") ? (k: string) => `"${k}"` : (k: string) => k;
      const old = have?.elements ?? new Map<string, string>();
      const gone = [...old].filter(([k, v]) => want.elements.get(k) !== v).map(([k]) => quote(k));
      const added = [...want.elements].filter(([k, v]) => old.get(k) !== v)
        .map(([k, v]) => `${quote(k)} : ${v}`);
      this.#changeElements(name, gone, added);
    }
    for (const name of current.keys()) {
      if (desired.maps.has(name)) continue;
      this.#p.removeSets.push(`delete map ${this.#t} ${name}`);
      this.#n.mapsDeleted++;
    }
  }

  chains(current: ReadonlyMap<string, ChainState>, table: NftTable, desired: TableState): void {
    for (const [name, want] of desired.chains) {
      const have = current.get(name);
      if (have === want) continue;
      const spec = want.base === undefined ? "" : ` { ${hookText(table, name)} }`;
      if (have !== undefined && have.base !== want.base) {
        // A base chain with another hook or priority: nothing jumps to it, so replace it.
        this.#p.create.push(`flush chain ${this.#t} ${name}`, `delete chain ${this.#t} ${name}`);
      } else if (have !== undefined) {
        if (sameRules(have.rules, want.rules)) continue;
        this.#p.flush.push(`flush chain ${this.#t} ${name}`);
        this.#n.chainsRewritten++;
        this.#addRules(table, name);
        continue;
      }
      this.#p.create.push(`add chain ${this.#t} ${name}${spec}`);
      if (have === undefined) this.#n.chainsAdded++;
      else this.#n.chainsRewritten++;
      this.#addRules(table, name);
    }
    for (const name of current.keys()) {
      if (desired.chains.has(name)) continue;
      this.#p.flush.push(`flush chain ${this.#t} ${name}`);
      this.#p.remove.push(`delete chain ${this.#t} ${name}`);
      this.#n.chainsDeleted++;
    }
  }

  #addRules(table: NftTable, name: string): void {
    for (const rule of table.chains.get(name)!.rules) {
      this.#p.rules.push(`add rule ${this.#t} ${name} ${rule.body} comment "${ruleComment(rule)}"`);
      this.#n.rulesWritten++;
    }
  }
}

function hookText(table: NftTable, name: string): string {
  const b = table.chains.get(name)!.base!;
  return `type ${b.type} hook ${b.hook} priority ${b.priority}; policy ${b.policy ?? "accept"};`;
}

function zeroCounts(rebuilt: boolean, tableCreated: boolean): Counts {
  return {
    rebuilt,
    tableCreated,
    chainsAdded: 0,
    chainsRewritten: 0,
    chainsDeleted: 0,
    rulesWritten: 0,
    setsAdded: 0,
    setsDeleted: 0,
    mapsAdded: 0,
    mapsDeleted: 0,
    elementsAdded: 0,
    elementsDeleted: 0,
  };
}

/**
 * The transaction that turns `current` (undefined: the table does not exist) into `table`, whose
 * normalised state is `desired`. With `rebuild`, the table is deleted and re-created whole.
 */
export function planTable(
  target: PlanTarget,
  current: TableState | undefined,
  table: NftTable,
  desired: TableState,
  rebuild = false,
): Plan {
  if (!rebuild && current !== undefined && needsRebuild(current, desired)) {
    return planTable(target, current, table, desired, true);
  }
  const t = `${target.family} ${target.table}`;
  const counts = zeroCounts(rebuild, current === undefined);
  const from = rebuild || current === undefined ? EMPTY_TABLE_STATE : current;
  const planner = new Planner(target, counts);
  planner.sets(from.sets, table, desired);
  planner.maps(from.maps, desired);
  planner.chains(from.chains, table, desired);
  const body = planner.phases.all();
  if (!rebuild && current !== undefined && body.length === 0) {
    return { commands: [], summary: counts };
  }
  const head = rebuild
    ? [`add table ${t}`, `delete table ${t}`, `add table ${t}`]
    : current === undefined
    ? [`add table ${t}`]
    : [];
  return { commands: [...head, ...body], summary: counts };
}
