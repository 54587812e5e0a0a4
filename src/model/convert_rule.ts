/**
 * v3 rules -> internal rules: action and protocol names, ports split into numeric ranges and
 * named ports, nets masked, and the per-side combined selectors.
 *
 * @module
 */
import { normaliseCIDR } from "../lib/ip.ts";
import type {
  EntityRule,
  HTTPMatch,
  ICMPFields,
  Port,
  Protocol,
  Rule as V3Rule,
  RuleAction as V3RuleAction,
} from "./v3_policy.ts";
import type { ICMPMatch, PortRange, Rule, RuleAction, RuleSide } from "./values.ts";
import { entityRuleSelector } from "./convert_selector.ts";
import { opt } from "./convert_result.ts";

/** A converted rule, or why it could not be converted. */
export type RuleConversion =
  | { readonly ok: true; readonly rule: Rule }
  | { readonly ok: false; readonly reason: string };

/** `Pass` -> `next-tier`; the other actions lower-cased. */
export function convertAction(action: V3RuleAction): RuleAction {
  switch (action) {
    case "Allow":
      return "allow";
    case "Deny":
      return "deny";
    case "Log":
      return "log";
    case "Pass":
      return "next-tier";
  }
}

/** A protocol downstream: names lower-cased (`ICMPv6` -> `icmpv6`), numeric text as a number. */
export function convertProtocol(p: Protocol): string | number {
  if (typeof p === "number") return p;
  return /^[0-9]+$/.test(p) ? Number(p) : p.toLowerCase();
}

const NAMED_PORT = /^[a-zA-Z0-9_.-]{1,128}$/;

/** Numeric ports and named ports of one ports list. */
export interface SplitPorts {
  readonly ranges: readonly PortRange[];
  readonly named: readonly string[];
}

function portNumber(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/** One port entry: a range, a name, or an error text. */
function parsePort(p: Port): PortRange | string | Error {
  if (typeof p === "number") {
    const ok = Number.isInteger(p) && p >= 0 && p <= 65535;
    return ok ? { first: p, last: p } : new Error(`port ${p} is out of range`);
  }
  const single = portNumber(p);
  if (single !== undefined) return { first: single, last: single };
  const m = /^([0-9]+):([0-9]+)$/.exec(p);
  if (m !== null) {
    const first = portNumber(m[1]!);
    const last = portNumber(m[2]!);
    if (first === undefined || last === undefined || first > last) {
      return new Error(`port range "${p}" is not a valid range`);
    }
    return { first, last };
  }
  return NAMED_PORT.test(p) ? p : new Error(`port "${p}" is not a number, range or port name`);
}

/** Splits a v3 ports list; an entry that is none of number, range or name is an error. */
export function splitPorts(ports: readonly Port[] | undefined): SplitPorts | Error {
  const ranges: PortRange[] = [];
  const named: string[] = [];
  for (const p of ports ?? []) {
    const parsed = parsePort(p);
    if (parsed instanceof Error) return parsed;
    if (typeof parsed === "string") named.push(parsed);
    else ranges.push(parsed);
  }
  return { ranges, named };
}

/** CIDRs or bare IPs, masked to their network address; unparsable entries are dropped. */
export function normaliseNets(nets: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nets ?? []) {
    const c = normaliseCIDR(n);
    if (c !== undefined) out.push(c);
  }
  return out;
}

function convertSide(e: EntityRule | undefined, ns: string, field: string): RuleSide | Error {
  const side = e ?? {};
  const ports = splitPorts(side.ports);
  if (ports instanceof Error) return new Error(`${field}.ports: ${ports.message}`);
  const notPorts = splitPorts(side.notPorts);
  if (notPorts instanceof Error) return new Error(`${field}.notPorts: ${notPorts.message}`);
  const services = side.services === undefined ? {} : {
    serviceName: side.services.name,
    serviceNamespace: side.services.namespace || ns,
  };
  return {
    nets: normaliseNets(side.nets),
    selector: entityRuleSelector(side, ns),
    ports: ports.ranges,
    namedPorts: ports.named,
    notNets: normaliseNets(side.notNets),
    notSelector: side.notSelector ?? "",
    notPorts: notPorts.ranges,
    notNamedPorts: notPorts.named,
    ...services,
    originalSelector: side.selector ?? "",
    originalNotSelector: side.notSelector ?? "",
    originalNamespaceSelector: side.namespaceSelector ?? "",
    originalServiceAccountNames: side.serviceAccounts?.names ?? [],
    originalServiceAccountSelector: side.serviceAccounts?.selector ?? "",
  };
}

function convertICMP(f: ICMPFields | undefined): ICMPMatch | undefined {
  if (f?.type === undefined) return undefined;
  return f.code === undefined ? { type: f.type } : { type: f.type, code: f.code };
}

function httpFields(h: HTTPMatch | undefined): Pick<Rule, "httpMethods" | "httpPaths"> {
  if (h === undefined) return {};
  const paths: ({ readonly exact: string } | { readonly prefix: string })[] = [];
  for (const p of h.paths ?? []) {
    if (p.exact !== undefined) paths.push({ exact: p.exact });
    else if (p.prefix !== undefined) paths.push({ prefix: p.prefix });
  }
  return {
    ...(h.methods === undefined ? {} : { httpMethods: h.methods }),
    ...(h.paths === undefined ? {} : { httpPaths: paths }),
  };
}

/**
 * Converts one v3 rule. `namespace` is the policy's namespace ("" for global policies and
 * profiles); `field` names the rule in error texts (`spec.ingress[2]`).
 */
export function convertRule(r: V3Rule, namespace: string, field: string): RuleConversion {
  const src = convertSide(r.source, namespace, `${field}.source`);
  if (src instanceof Error) return { ok: false, reason: src.message };
  const dst = convertSide(r.destination, namespace, `${field}.destination`);
  if (dst instanceof Error) return { ok: false, reason: dst.message };
  const rule: Rule = {
    action: convertAction(r.action),
    ...opt("ipVersion", r.ipVersion),
    ...opt("protocol", r.protocol === undefined ? undefined : convertProtocol(r.protocol)),
    ...opt("notProtocol", r.notProtocol === undefined ? undefined : convertProtocol(r.notProtocol)),
    ...opt("icmp", convertICMP(r.icmp)),
    ...opt("notICMP", convertICMP(r.notICMP)),
    src,
    dst,
    ...httpFields(r.http),
    ...opt("annotations", r.metadata?.annotations),
  };
  return { ok: true, rule };
}

/** Converts a rule list; the first rule that fails makes the whole list fail. */
export function convertRules(
  rules: readonly V3Rule[] | undefined,
  namespace: string,
  field: string,
): { readonly ok: true; readonly rules: readonly Rule[] } | {
  readonly ok: false;
  readonly reason: string;
} {
  const out: Rule[] = [];
  for (const [i, r] of (rules ?? []).entries()) {
    const c = convertRule(r, namespace, `${field}[${i}]`);
    if (!c.ok) return c;
    out.push(c.rule);
  }
  return { ok: true, rules: out };
}
