/**
 * One model rule -> one proto rule plus the IP sets it references
 * (`reference/selectors-policy.md` §4.3): selectors become IP-set ids, ports are split into
 * numeric ranges and named-port sets, services become service sets, and the IP version is
 * inferred from ICMP protocols when the rule left it unset.
 *
 * @module
 */
import type { Rule as ModelRule, RuleSide } from "../model/values.ts";
import type { IPSetData } from "./sinks.ts";
import type { PortRange } from "../proto/rule.ts";
import { parseSelector, type Selector } from "../selector/mod.ts";
import {
  namedPortIPSetId,
  type NamedPortProtocol,
  selectorIPSetId,
  serviceIPSetId,
  serviceNoPortIPSetId,
} from "./ip_set_ids.ts";
import type { RuleWithoutId } from "./rule_id.ts";

/** A converted rule (without its id yet) and every IP set it references. */
export interface ConvertedRule {
  readonly rule: RuleWithoutId;
  /** Possibly with repeats: the same set may be used twice in one rule. */
  readonly ipSets: readonly IPSetData[];
}

/** One side of a rule after conversion. */
interface ConvertedSide {
  readonly nets: readonly string[];
  readonly ports: readonly PortRange[];
  readonly ipSetIds: readonly string[];
  readonly namedPortIPSetIds: readonly string[];
  readonly notNets: readonly string[];
  readonly notPorts: readonly PortRange[];
  readonly notIPSetIds: readonly string[];
  readonly notNamedPortIPSetIds: readonly string[];
  /** Destination service sets (address and port); always empty for the source side. */
  readonly ipPortSetIds: readonly string[];
  readonly ipSets: readonly IPSetData[];
}

const INVALID = Symbol("invalid selector");
const ALL = parseSelector("all()");

/**
 * Converts a rule. A selector that does not parse (the model validates them, so this is a
 * defence) must not widen what a rule lets through: a `deny` rule is kept with the broken
 * selector left out (it then denies a superset); any other rule is dropped (`undefined`).
 */
export function convertRule(rule: ModelRule): ConvertedRule | undefined {
  const protocol = namedPortProtocol(rule.protocol);
  const widen = rule.action === "deny";
  const src = convertSide(rule.src, protocol, "src", widen);
  const dst = convertSide(rule.dst, protocol, "dst", widen);
  if (src === undefined || dst === undefined) return undefined;
  return { rule: buildRule(rule, src, dst), ipSets: [...src.ipSets, ...dst.ipSets] };
}

/** Named-port protocol (§4.3 step 3): unset -> any; udp/17 -> udp; sctp/132 -> sctp; else tcp. */
export function namedPortProtocol(protocol: string | number | undefined): NamedPortProtocol {
  if (protocol === undefined) return "any";
  const p = typeof protocol === "string" ? protocol.toLowerCase() : protocol;
  if (p === "udp" || p === 17) return "udp";
  if (p === "sctp" || p === 132) return "sctp";
  return "tcp";
}

/** The rule's IP version, or the one its ICMP protocol implies (`icmp` 4, `icmpv6` 6), or 0. */
export function inferIPVersion(rule: ModelRule): 0 | 4 | 6 {
  if (rule.ipVersion !== undefined) return rule.ipVersion;
  const p = typeof rule.protocol === "string" ? rule.protocol.toLowerCase() : rule.protocol;
  if (p === "icmp") return 4;
  if (p === "icmpv6") return 6;
  return 0;
}

function parseOptional(text: string): Selector | undefined | typeof INVALID {
  if (text === "") return undefined;
  try {
    return parseSelector(text);
  } catch {
    return INVALID;
  }
}

/**
 * The side's positive and negative selectors (§4.3 step 1): both present -> one combined
 * positive selector; `undefined` when a selector is invalid and `widen` is false.
 */
function sideSelectors(
  side: RuleSide,
  widen: boolean,
): { pos: Selector | undefined; neg: Selector | undefined } | undefined {
  const pos = parseOptional(side.selector);
  const neg = parseOptional(side.notSelector);
  if ((pos === INVALID || neg === INVALID) && !widen) return undefined;
  const p = pos === INVALID ? undefined : pos;
  const n = neg === INVALID ? undefined : neg;
  if (p === undefined || n === undefined) return { pos: p, neg: n };
  const combined = parseOptional(`(${side.selector}) && (!(${side.notSelector}))`);
  if (combined === INVALID || combined === undefined) return widen ? { pos: p, neg: n } : undefined;
  return { pos: combined, neg: undefined };
}

function selectorSet(selector: Selector): IPSetData {
  return { id: selectorIPSetId(selector), type: "net", selector: selector.toString() };
}

function namedPortSet(selector: Selector, protocol: NamedPortProtocol, port: string): IPSetData {
  return {
    id: namedPortIPSetId(selector, protocol, port),
    type: "ip-and-port",
    selector: selector.toString(),
    namedPort: port,
    namedPortProtocol: protocol,
  };
}

function convertSide(
  side: RuleSide,
  protocol: NamedPortProtocol,
  which: "src" | "dst",
  widen: boolean,
): ConvertedSide | undefined {
  const selectors = sideSelectors(side, widen);
  if (selectors === undefined) return undefined;
  const { pos, neg } = selectors;
  const ipSets: IPSetData[] = [];
  const use = (set: IPSetData): string => (ipSets.push(set), set.id);
  const namedPortSelector = pos ?? ALL;
  const namedPortIPSetIds = side.namedPorts.map((p) =>
    use(namedPortSet(namedPortSelector, protocol, p))
  );
  const notNamedPortIPSetIds = side.notNamedPorts.map((p) =>
    use(namedPortSet(namedPortSelector, protocol, p))
  );
  const ipSetIds: string[] = [];
  // §4.3 step 5: with only named ports, the named-port sets already carry the selector.
  if (pos !== undefined && (side.ports.length > 0 || side.namedPorts.length === 0)) {
    ipSetIds.push(use(selectorSet(pos)));
  }
  const notIPSetIds = neg === undefined ? [] : [use(selectorSet(neg))];
  // Service membership is not computed yet (service sets stay empty). An empty set narrows an
  // allow or pass rule to nothing, which fails closed; for a deny rule it would fail open, so a
  // deny rule drops the service match instead and denies a superset.
  const service = widen ? undefined : serviceSet(side, which);
  if (service !== undefined) use(service);
  const ipPortSetIds = service?.type === "ip-and-port" ? [service.id] : [];
  if (service?.type === "net") ipSetIds.push(service.id);
  return {
    nets: [...side.nets],
    ports: side.ports.map(copyRange),
    ipSetIds,
    namedPortIPSetIds,
    notNets: [...side.notNets],
    notPorts: side.notPorts.map(copyRange),
    notIPSetIds,
    notNamedPortIPSetIds,
    ipPortSetIds,
    ipSets,
  };
}

/** A destination service's `svc:` set (address and port), or a source's `svcnoport:` set. */
function serviceSet(side: RuleSide, which: "src" | "dst"): IPSetData | undefined {
  if (side.serviceName === undefined) return undefined;
  const namespace = side.serviceNamespace ?? "";
  return which === "dst"
    ? { id: serviceIPSetId(namespace, side.serviceName), type: "ip-and-port", selector: "" }
    : { id: serviceNoPortIPSetId(namespace, side.serviceName), type: "net", selector: "" };
}

function copyRange(r: PortRange): PortRange {
  return { first: r.first, last: r.last };
}

function buildRule(rule: ModelRule, src: ConvertedSide, dst: ConvertedSide): RuleWithoutId {
  return {
    action: rule.action,
    ipVersion: inferIPVersion(rule),
    ...(rule.protocol === undefined ? {} : { protocol: rule.protocol }),
    ...(rule.notProtocol === undefined ? {} : { notProtocol: rule.notProtocol }),
    ...(rule.icmp === undefined ? {} : { icmp: { ...rule.icmp } }),
    ...(rule.notICMP === undefined ? {} : { notICMP: { ...rule.notICMP } }),
    srcNet: src.nets,
    srcPorts: src.ports,
    srcIPSetIds: src.ipSetIds,
    srcNamedPortIPSetIds: src.namedPortIPSetIds,
    notSrcNet: src.notNets,
    notSrcPorts: src.notPorts,
    notSrcIPSetIds: src.notIPSetIds,
    notSrcNamedPortIPSetIds: src.notNamedPortIPSetIds,
    dstNet: dst.nets,
    dstPorts: dst.ports,
    dstIPSetIds: dst.ipSetIds,
    dstNamedPortIPSetIds: dst.namedPortIPSetIds,
    dstIPPortSetIds: dst.ipPortSetIds,
    notDstNet: dst.notNets,
    notDstPorts: dst.notPorts,
    notDstIPSetIds: dst.notIPSetIds,
    notDstNamedPortIPSetIds: dst.notNamedPortIPSetIds,
    ...(rule.httpMethods === undefined ? {} : { httpMethods: [...rule.httpMethods] }),
    ...(rule.httpPaths === undefined ? {} : { httpPaths: rule.httpPaths.map((p) => ({ ...p })) }),
    ...(rule.annotations === undefined ? {} : { annotations: { ...rule.annotations } }),
    originalSrcSelector: rule.src.originalSelector,
    originalDstSelector: rule.dst.originalSelector,
    originalSrcNamespaceSelector: rule.src.originalNamespaceSelector,
    originalDstNamespaceSelector: rule.dst.originalNamespaceSelector,
    originalNotSrcSelector: rule.src.originalNotSelector,
    originalNotDstSelector: rule.dst.originalNotSelector,
  };
}
