/**
 * The last check before the graph: a value the nodes cannot use (a selector that does not parse,
 * an address that is not one, an endpoint without an interface) becomes a deletion, with the
 * reason, so one bad object never disturbs the rest (STYLE rule 11). The model's decoder already
 * rejects bad resources; this guards the graph against anything that slipped through another
 * path.
 *
 * @module
 */
import { parseCIDR } from "../lib/ip.ts";
import { isKV, type KVUpdate } from "../model/kv.ts";
import type { Rule, RuleSide } from "../model/values.ts";
import { parseSelector } from "../selector/mod.ts";

/** The update to dispatch, and why the original was replaced by a deletion, if it was. */
export interface ValidationResult {
  readonly update: KVUpdate;
  readonly problem?: string;
}

const IFACE = /^[a-zA-Z0-9_.:+-]{1,15}$/;

function selectorProblem(field: string, s: string): string | undefined {
  if (s === "") return undefined;
  try {
    parseSelector(s);
    return undefined;
  } catch (e) {
    return `${field}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function netsProblem(field: string, nets: readonly string[]): string | undefined {
  const bad = nets.find((n) => parseCIDR(n) === undefined);
  return bad === undefined ? undefined : `${field}: "${bad}" is not a valid CIDR`;
}

function sideProblem(field: string, side: RuleSide): string | undefined {
  return selectorProblem(`${field}.selector`, side.selector) ??
    selectorProblem(`${field}.notSelector`, side.notSelector) ??
    netsProblem(`${field}.nets`, side.nets) ??
    netsProblem(`${field}.notNets`, side.notNets);
}

function rulesProblem(field: string, rules: readonly Rule[]): string | undefined {
  for (const [i, r] of rules.entries()) {
    const p = sideProblem(`${field}[${i}].src`, r.src) ?? sideProblem(`${field}[${i}].dst`, r.dst);
    if (p !== undefined) return p;
  }
  return undefined;
}

function problemOf(u: KVUpdate): string | undefined {
  if (u.value === null) return undefined;
  if (isKV(u, "Policy") && u.value !== null) {
    return selectorProblem("selector", u.value.selector) ??
      rulesProblem("inboundRules", u.value.inboundRules) ??
      rulesProblem("outboundRules", u.value.outboundRules);
  }
  if (isKV(u, "ProfileRules") && u.value !== null) {
    return rulesProblem("inboundRules", u.value.inboundRules) ??
      rulesProblem("outboundRules", u.value.outboundRules);
  }
  if (isKV(u, "WorkloadEndpoint") && u.value !== null) {
    if (!IFACE.test(u.value.name)) return `name: "${u.value.name}" is not a valid interface name`;
    return netsProblem("ipv4Nets", u.value.ipv4Nets) ?? netsProblem("ipv6Nets", u.value.ipv6Nets);
  }
  if (isKV(u, "HostEndpoint") && u.value !== null) {
    const v = u.value;
    if (v.name === "" && v.expectedIPv4Addrs.length + v.expectedIPv6Addrs.length === 0) {
      return "a host endpoint needs an interface name or expected IPs";
    }
    return netsProblem("expectedIPv4Addrs", v.expectedIPv4Addrs) ??
      netsProblem("expectedIPv6Addrs", v.expectedIPv6Addrs);
  }
  if (isKV(u, "NetworkSet") && u.value !== null) return netsProblem("nets", u.value.nets);
  if (isKV(u, "IPPool") && u.value !== null) return netsProblem("cidr", [u.value.cidr]);
  if (isKV(u, "Block") && u.value !== null) return netsProblem("cidr", [u.value.cidr]);
  return undefined;
}

/** Check one update; an unusable value is replaced by a deletion of its key. */
export function validateUpdate(u: KVUpdate): ValidationResult {
  const problem = problemOf(u);
  if (problem === undefined) return { update: u };
  return { update: { key: u.key, value: null, revision: u.revision } as KVUpdate, problem };
}
