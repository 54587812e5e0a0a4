/**
 * A stateful fake of nftables for unit tests (STYLE rule 9): it keeps tables in memory, runs the
 * command lines the reconciler writes (`add|delete|flush table|chain|rule|set|map|element`) as
 * one transaction with the kernel's checks (missing objects, references to missing chains and
 * sets, deleting a chain or set still in use, overlapping intervals), lists a table as nft's JSON,
 * can be told to fail the next runs, and lets a test tamper with it like an operator would.
 *
 * @module
 */
import { cidrContains, parseCIDR } from "../../lib/ip.ts";
import { NftCommandError, type NftExecutor } from "./nft_executor.ts";
import type { NftFamily } from "./nft_model.ts";
import { normaliseElement, normaliseMapKey, normaliseVerdict } from "./nft_state.ts";

/** A rule as the fake holds it. */
export interface FakeRule {
  readonly body: string;
  readonly comment: string | undefined;
}

/** A chain as the fake holds it (`hook` is the text inside `{ }` for a base chain). */
export interface FakeChain {
  hook: string | undefined;
  rules: FakeRule[];
}

/** A set or verdict map as the fake holds it. */
export interface FakeSet {
  readonly type: string;
  readonly flags: readonly string[];
  readonly isMap: boolean;
  /** Element (or map key) -> verdict ("" for sets). */
  readonly elements: Map<string, string>;
}

/** A table as the fake holds it. */
export interface FakeTable {
  readonly chains: Map<string, FakeChain>;
  readonly sets: Map<string, FakeSet>;
}

type Tables = Map<string, FakeTable>;

class Refused extends Error {}

function cloneTables(t: Tables): Tables {
  const out: Tables = new Map();
  for (const [k, v] of t) {
    const chains = new Map<string, FakeChain>();
    for (const [n, c] of v.chains) chains.set(n, { hook: c.hook, rules: [...c.rules] });
    const sets = new Map<string, FakeSet>();
    for (const [n, s] of v.sets) sets.set(n, { ...s, elements: new Map(s.elements) });
    out.set(k, { chains, sets });
  }
  return out;
}

/** Split `a, b, "c" : goto x` at top-level commas. */
function splitElements(text: string): string[] {
  return text.split(",").map((e) => e.trim()).filter((e) => e !== "");
}

function references(body: string): { chains: string[]; sets: string[] } {
  const chains = [...body.matchAll(/\b(?:jump|goto) (\S+)/g)].map((m) => m[1]!);
  const sets = [...body.matchAll(/@([\w.:/-]+)/g)].map((m) => m[1]!);
  return { chains, sets };
}

/** Runs commands against the in-memory tables. */
class Transaction {
  constructor(readonly tables: Tables) {}

  #table(family: string, name: string): FakeTable {
    const t = this.tables.get(`${family} ${name}`);
    if (t === undefined) throw new Refused(`No such file or directory: table ${family} ${name}`);
    return t;
  }

  #chain(t: FakeTable, name: string): FakeChain {
    const c = t.chains.get(name);
    if (c === undefined) throw new Refused(`No such file or directory: chain ${name}`);
    return c;
  }

  #set(t: FakeTable, name: string): FakeSet {
    const s = t.sets.get(name);
    if (s === undefined) throw new Refused(`No such file or directory: set ${name}`);
    return s;
  }

  #inUse(t: FakeTable, what: "chain" | "set", name: string): boolean {
    for (const c of t.chains.values()) {
      for (const r of c.rules) {
        const refs = references(r.body);
        if ((what === "chain" ? refs.chains : refs.sets).includes(name)) return true;
      }
    }
    if (what === "set") return false;
    for (const s of t.sets.values()) {
      for (const v of s.elements.values()) if (references(v).chains.includes(name)) return true;
    }
    return false;
  }

  run(line: string): void {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^(add|delete|flush) table (\S+) (\S+)$/))) return this.#tableCmd(m);
    if ((m = line.match(/^add chain (\S+) (\S+) (\S+)(?: \{ (.*) \})?$/))) return this.#addChain(m);
    if ((m = line.match(/^(flush|delete) chain (\S+) (\S+) (\S+)$/))) return this.#chainCmd(m);
    if ((m = line.match(/^add rule (\S+) (\S+) (\S+) (.*?)(?: comment "([^"]*)")?$/))) {
      return this.#addRule(m);
    }
    if (
      (m = line.match(/^add (set|map) (\S+) (\S+) (\S+) \{ type ([^;]+);(?: flags ([^;]+);)? \}$/))
    ) {
      return this.#addSet(m);
    }
    if ((m = line.match(/^delete (set|map) (\S+) (\S+) (\S+)$/))) return this.#deleteSet(m);
    if ((m = line.match(/^(add|delete) element (\S+) (\S+) (\S+) \{ (.*) \}$/))) {
      return this.#element(m);
    }
    throw new Refused(`syntax error: ${line}`);
  }

  #tableCmd([, verb, family, name]: RegExpMatchArray): void {
    const key = `${family} ${name}`;
    if (verb === "add") {
      if (!this.tables.has(key)) this.tables.set(key, { chains: new Map(), sets: new Map() });
    } else if (verb === "delete") {
      this.#table(family!, name!);
      this.tables.delete(key);
    } else {
      for (const c of this.#table(family!, name!).chains.values()) c.rules = [];
    }
  }

  #addChain([, family, table, name, hook]: RegExpMatchArray): void {
    const t = this.#table(family!, table!);
    const have = t.chains.get(name!);
    if (have === undefined) t.chains.set(name!, { hook, rules: [] });
    else if (hook !== undefined && have.hook !== hook) throw new Refused("Operation not supported");
  }

  #chainCmd([, verb, family, table, name]: RegExpMatchArray): void {
    const t = this.#table(family!, table!);
    const c = this.#chain(t, name!);
    if (verb === "flush") {
      c.rules = [];
      return;
    }
    if (c.rules.length > 0 || this.#inUse(t, "chain", name!)) {
      throw new Refused(`Device or resource busy: chain ${name}`);
    }
    t.chains.delete(name!);
  }

  #addRule([, family, table, chain, body, comment]: RegExpMatchArray): void {
    const t = this.#table(family!, table!);
    const c = this.#chain(t, chain!);
    const refs = references(body!);
    for (const target of refs.chains) this.#chain(t, target);
    for (const s of refs.sets) this.#set(t, s);
    c.rules.push({ body: body!, comment });
  }

  #addSet([, kind, family, table, name, type, flags]: RegExpMatchArray): void {
    const t = this.#table(family!, table!);
    const isMap = kind === "map";
    const want = { type: type!.trim(), flags: flags === undefined ? [] : flags.split(",") };
    const have = t.sets.get(name!);
    if (have === undefined) t.sets.set(name!, { ...want, isMap, elements: new Map() });
    else if (have.type !== want.type || have.flags.join() !== want.flags.join()) {
      throw new Refused(`File exists: set ${name}`);
    }
  }

  #deleteSet([, , family, table, name]: RegExpMatchArray): void {
    const t = this.#table(family!, table!);
    this.#set(t, name!);
    if (this.#inUse(t, "set", name!)) throw new Refused(`Device or resource busy: set ${name}`);
    t.sets.delete(name!);
  }

  #element([, verb, family, table, name, list]: RegExpMatchArray): void {
    const t = this.#table(family!, table!);
    const s = this.#set(t, name!);
    for (const raw of splitElements(list!)) {
      const [k, v] = s.isMap ? raw.split(" : ") : [raw, ""];
      const key = s.isMap ? normaliseMapKey(k!) : normaliseElement(k!);
      const verdict = normaliseVerdict(v ?? "");
      if (verb === "delete") {
        if (!s.elements.delete(key)) throw new Refused(`element does not exist: ${raw}`);
        continue;
      }
      const prior = s.elements.get(key);
      if (prior !== undefined && prior !== verdict) throw new Refused(`File exists: ${raw}`);
      if (prior === undefined && s.flags.includes("interval")) this.#checkOverlap(s, key);
      for (const target of references(verdict).chains) this.#chain(t, target);
      s.elements.set(key, verdict);
    }
  }

  #checkOverlap(s: FakeSet, key: string): void {
    const c = parseCIDR(key);
    if (c === undefined) return;
    for (const e of s.elements.keys()) {
      const o = parseCIDR(e);
      if (o !== undefined && (cidrContains(o, c) || cidrContains(c, o))) {
        throw new Refused(`interval overlaps with an existing one: ${key}`);
      }
    }
  }
}

function countLines(script: string): number {
  return script.split("\n").filter((l) => l.trim() !== "").length;
}

function elementJson(e: string): unknown {
  if (e.includes(" . ")) {
    return { concat: e.split(" . ").map((p) => /^\d+$/.test(p) ? Number(p) : p) };
  }
  const slash = e.indexOf("/");
  if (slash > 0) return { prefix: { addr: e.slice(0, slash), len: Number(e.slice(slash + 1)) } };
  const dash = e.indexOf("-");
  if (dash > 0 && /^[\d.:a-f]+-[\d.:a-f]+$/.test(e)) {
    return { range: [e.slice(0, dash), e.slice(dash + 1)] };
  }
  return /^\d+$/.test(e) ? Number(e) : e;
}

function verdictJson(v: string): unknown {
  const [kind, target] = v.split(" ");
  return target === undefined ? { [kind!]: null } : { [kind!]: { target } };
}

function hookJson(hook: string | undefined): Record<string, unknown> {
  const m = hook?.match(/type (\S+) hook (\S+) priority (-?\d+);(?: policy (\w+);)?/);
  if (m === undefined || m === null) return {};
  return { type: m[1], hook: m[2], prio: Number(m[3]), policy: m[4] ?? "accept" };
}

/** The fake nftables. */
export class FakeNftExecutor implements NftExecutor {
  #tables: Tables = new Map();
  #failures: string[] = [];
  /** Every script run, in order (failed ones too). */
  readonly scripts: string[] = [];
  /** How many listings were taken. */
  listings = 0;

  /** Make the next `count` runs fail with `message` (nothing is applied). */
  failNext(count = 1, message = "Could not process rule: Operation not permitted"): void {
    for (let i = 0; i < count; i++) this.#failures.push(message);
  }

  run(script: string): Promise<void> {
    this.scripts.push(script);
    const injected = this.#failures.shift();
    if (injected !== undefined) {
      return Promise.reject(new NftCommandError(`Error: ${injected}`, countLines(script)));
    }
    return this.#apply(script);
  }

  #apply(script: string): Promise<void> {
    const lines = script.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    const tx = new Transaction(cloneTables(this.#tables));
    try {
      for (const line of lines) tx.run(line);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      return Promise.reject(new NftCommandError(`Error: ${e.message}`, lines.length));
    }
    this.#tables = tx.tables;
    return Promise.resolve();
  }

  listTable(family: NftFamily, table: string): Promise<string | undefined> {
    this.listings++;
    const t = this.#tables.get(`${family} ${table}`);
    return Promise.resolve(t === undefined ? undefined : this.#json(family, table, t));
  }

  #json(family: string, table: string, t: FakeTable): string {
    const items: unknown[] = [{ metainfo: { json_schema_version: 1 } }, {
      table: { family, name: table, handle: 1 },
    }];
    for (const [name, s] of t.sets) {
      const type = s.type.includes(" . ") ? s.type.split(" . ") : s.type;
      const base = { family, name, table, ...(s.isMap ? {} : { flags: s.flags }) };
      const elem = s.isMap
        ? [...s.elements].map(([k, v]) => [k, verdictJson(v)])
        : [...s.elements.keys()].map(elementJson);
      const body = s.isMap
        ? { ...base, type: s.type.split(" : ")[0], map: s.type.split(" : ")[1] }
        : { ...base, type };
      items.push({ [s.isMap ? "map" : "set"]: elem.length === 0 ? body : { ...body, elem } });
    }
    for (const [name, c] of t.chains) {
      items.push({ chain: { family, table, name, ...hookJson(c.hook) } });
    }
    for (const [name, c] of t.chains) {
      for (const r of c.rules) {
        const comment = r.comment === undefined ? {} : { comment: r.comment };
        items.push({ rule: { family, table, chain: name, ...comment, expr: [] } });
      }
    }
    return JSON.stringify({ nftables: items });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** A copy of a table's content, or undefined. */
  table(family: NftFamily | string, name: string): FakeTable | undefined {
    const t = this.#tables.get(`${family} ${name}`);
    return t === undefined ? undefined : cloneTables(new Map([["t", t]])).get("t");
  }

  /** Names of every table (`ip calico`, ...). */
  tableNames(): string[] {
    return [...this.#tables.keys()].sort();
  }

  /** Tamper: run commands outside the reconciler (like `nft` at a shell); throws when refused. */
  tamper(script: string): Promise<void> {
    return this.#apply(script);
  }
}
