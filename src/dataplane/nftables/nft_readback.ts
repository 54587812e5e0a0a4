/**
 * Reads back one of our tables: parses nft's JSON listing (`list table ip calico` with the JSON
 * output flag) into the normalised `TableState` the reconciler compares with. Only names, hook
 * specs, rule comments and set/map elements are read; rule expressions are ignored (the rule
 * hash in the comment stands for the body).
 *
 * @module
 */
import {
  type ChainState,
  type MapState,
  normaliseElement,
  normaliseMapKey,
  setSpec,
  type SetState,
  type TableState,
} from "./nft_state.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** The listing is not nft's JSON schema 1 as we know it. */
export class NftReadbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NftReadbackError";
  }
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: Json | undefined): string {
  return typeof v === "string" || typeof v === "number" ? String(v) : "";
}

/** One element of a set or a map key, in nft's JSON form, as text. */
export function elementText(v: Json | undefined): string {
  if (typeof v === "string" || typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.map(elementText).join(" . ");
  if (!isObject(v)) throw new NftReadbackError(`Cannot read the set element ${JSON.stringify(v)}`);
  if (isObject(v.prefix)) return `${str(v.prefix.addr)}/${str(v.prefix.len)}`;
  if (Array.isArray(v.range)) return `${elementText(v.range[0])}-${elementText(v.range[1])}`;
  if (Array.isArray(v.concat)) return v.concat.map(elementText).join(" . ");
  if (isObject(v.elem)) return elementText(v.elem.val);
  throw new NftReadbackError(`Cannot read the set element ${JSON.stringify(v)}`);
}

/** A verdict in nft's JSON form (`{"goto": {"target": "x"}}`) as text (`goto x`). */
export function verdictText(v: Json | undefined): string {
  if (!isObject(v)) throw new NftReadbackError(`Cannot read the verdict ${JSON.stringify(v)}`);
  const [kind] = Object.keys(v);
  if (kind === undefined) throw new NftReadbackError("Cannot read an empty verdict");
  const arg = v[kind];
  return isObject(arg) ? `${kind} ${str(arg.target)}` : kind;
}

function typeText(t: Json | undefined): string {
  return Array.isArray(t) ? t.map(str).join(" . ") : str(t);
}

function flagsOf(v: Json | undefined): string[] {
  if (Array.isArray(v)) return v.map(str);
  return typeof v === "string" ? [v] : [];
}

function elems(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

function readSet(o: JsonObject): SetState {
  const elements = new Set(elems(o.elem).map((e) => normaliseElement(elementText(e))));
  return { spec: setSpec(typeText(o.type), flagsOf(o.flags)), elements };
}

function readMap(o: JsonObject): MapState {
  const elements = new Map<string, string>();
  for (const e of elems(o.elem)) {
    if (!Array.isArray(e) || e.length !== 2) {
      throw new NftReadbackError(`Cannot read the map element ${JSON.stringify(e)}`);
    }
    elements.set(normaliseMapKey(elementText(e[0])), verdictText(e[1]));
  }
  return { spec: `${typeText(o.type)} : ${typeText(o.map)}`, elements };
}

function readBase(o: JsonObject): string | undefined {
  if (o.hook === undefined) return undefined;
  const policy = str(o.policy) === "" ? "accept" : str(o.policy);
  return `type ${str(o.type)} hook ${str(o.hook)} priority ${str(o.prio)} policy ${policy}`;
}

/** Mutable twin of `TableState` while reading. */
interface Reading {
  readonly chains: Map<string, { base: string | undefined; rules: string[] }>;
  readonly sets: Map<string, SetState>;
  readonly maps: Map<string, MapState>;
}

function readObject(r: Reading, item: JsonObject, table: string): void {
  const [kind] = Object.keys(item);
  const o = kind === undefined ? undefined : item[kind];
  if (!isObject(o) || (o.table !== undefined && o.table !== table)) return;
  switch (kind) {
    case "set":
      r.sets.set(str(o.name), readSet(o));
      return;
    case "map":
      r.maps.set(str(o.name), readMap(o));
      return;
    case "chain": {
      const prior = r.chains.get(str(o.name));
      r.chains.set(str(o.name), { base: readBase(o), rules: prior?.rules ?? [] });
      return;
    }
    case "rule": {
      const name = str(o.chain);
      const chain = r.chains.get(name) ?? { base: undefined, rules: [] };
      chain.rules.push(str(o.comment));
      r.chains.set(name, chain);
      return;
    }
  }
}

/** Parse a JSON listing of table `table`; objects of other tables are ignored. */
export function parseTableListing(json: string, table: string): TableState {
  let doc: Json;
  try {
    doc = JSON.parse(json) as Json;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new NftReadbackError(`Cannot parse the nft JSON listing: ${why}`);
  }
  if (!isObject(doc) || !Array.isArray(doc.nftables)) {
    throw new NftReadbackError('Cannot read the nft JSON listing: no "nftables" array');
  }
  const r: Reading = { chains: new Map(), sets: new Map(), maps: new Map() };
  for (const item of doc.nftables) if (isObject(item)) readObject(r, item, table);
  const chains = new Map<string, ChainState>(r.chains);
  return { chains, sets: r.sets, maps: r.maps };
}
