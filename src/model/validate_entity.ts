/**
 * One side (source or destination) of a v3 rule: nets, selectors, ports, service accounts and
 * services. Checks that need the whole rule (protocol vs ports, address families) live in
 * `validate_rule.ts` and use the facts returned here.
 *
 * @module
 */
import { opt } from "./json_build.ts";
import type { ObjectReader } from "./json_reader.ts";
import { type ParsedNet, readCIDRList } from "./validate_net.ts";
import { type DecodedPort, readPorts } from "./validate_protocol.ts";
import { readSelector } from "./validate_selector.ts";
import type { EntityRule, ServiceAccountMatch, ServiceMatch } from "./v3_policy.ts";

/** The most entries in one `nets` or `notNets` list. */
export const MAX_RULE_NETS = 256;

/** A decoded entity rule plus what rule-level checks need to know about it. */
export interface DecodedEntity {
  readonly entity: EntityRule;
  /** Every valid entry of `nets` then `notNets`. */
  readonly nets: readonly ParsedNet[];
  /** The decoded `ports` and `notPorts` entries, by field name. */
  readonly ports: ReadonlyMap<"ports" | "notPorts", readonly DecodedPort[]>;
}

function decodeServiceAccounts(r: ObjectReader): ServiceAccountMatch {
  return {
    ...opt("names", r.strings("names")),
    ...opt("selector", readSelector(r, "selector", "allow")),
  };
}

function decodeServices(r: ObjectReader): ServiceMatch {
  return {
    name: r.requiredString("name") ?? "",
    ...opt("namespace", r.string("namespace")),
  };
}

function checkNotNets(r: ObjectReader, notNets: readonly ParsedNet[]): void {
  for (const n of notNets) {
    if (n.cidr.prefix === 0) {
      r.ctx.error(n.path, `${JSON.stringify(n.text)} matches every address, which notNets forbids`);
    }
  }
}

/** Fields `services` may not be combined with, present in this entity rule. */
function servicesConflicts(e: EntityRule): string[] {
  const present: [string, boolean][] = [
    ["selector", (e.selector ?? "") !== ""],
    ["notSelector", (e.notSelector ?? "") !== ""],
    ["namespaceSelector", (e.namespaceSelector ?? "") !== ""],
    ["serviceAccounts", e.serviceAccounts !== undefined],
    ["nets", (e.nets ?? []).length > 0],
    ["notNets", (e.notNets ?? []).length > 0],
  ];
  return present.filter(([, on]) => on).map(([name]) => name);
}

/** Decodes an entity rule. */
export function decodeEntity(r: ObjectReader): DecodedEntity {
  const nets = readCIDRList(r, "nets", MAX_RULE_NETS);
  const notNets = readCIDRList(r, "notNets", MAX_RULE_NETS);
  if (notNets !== undefined) checkNotNets(r, notNets.parsed);
  const ports = readPorts(r, "ports");
  const notPorts = readPorts(r, "notPorts");
  const entity: EntityRule = {
    ...opt("nets", nets?.texts),
    ...opt("notNets", notNets?.texts),
    ...opt("selector", readSelector(r, "selector", "reject")),
    ...opt("notSelector", readSelector(r, "notSelector", "allow")),
    ...opt("namespaceSelector", readSelector(r, "namespaceSelector", "alone")),
    ...opt("ports", ports?.map((p) => p.port)),
    ...opt("notPorts", notPorts?.map((p) => p.port)),
    ...opt("serviceAccounts", r.object("serviceAccounts", decodeServiceAccounts)),
    ...opt("services", r.object("services", decodeServices)),
  };
  if (entity.services !== undefined) {
    const conflicts = servicesConflicts(entity);
    if (conflicts.length > 0) {
      r.ctx.error(r.at("services"), `services cannot be combined with ${conflicts.join(", ")}`);
    }
  }
  return {
    entity,
    nets: [...(nets?.parsed ?? []), ...(notNets?.parsed ?? [])],
    ports: new Map([["ports", ports ?? []], ["notPorts", notPorts ?? []]]),
  };
}
