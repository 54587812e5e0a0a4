/**
 * v3 rules: action, IP version, protocol, ICMP, both entity rules, HTTP match and metadata,
 * plus upstream's whole-rule checks (ports need a port protocol, ICMP needs ICMP, one address
 * family per rule that agrees with `ipVersion`, HTTP only on Allow, services placement).
 *
 * Actions are case-sensitive as upstream's validator has them: `Allow`, `Deny`, `Log`, `Pass`.
 *
 * @module
 */
import { opt } from "./json_build.ts";
import { type DecodeContext, type ObjectReader, typeMismatch } from "./json_reader.ts";
import { type DecodedEntity, decodeEntity } from "./validate_entity.ts";
import { checkAnnotations } from "./validate_meta.ts";
import {
  decodeICMP,
  decodeProtocol,
  isICMPFamily,
  protocolNumber,
  supportsPorts,
} from "./validate_protocol.ts";
import type { HTTPMatch, HTTPPath, Protocol, Rule, RuleAction, RuleMetadata } from "./v3_policy.ts";

/** Where a rule sits: its direction and what owns it. */
export interface RuleScope {
  readonly direction: "ingress" | "egress";
  readonly owner: "namespaced" | "global" | "profile";
}

const ACTIONS: readonly RuleAction[] = ["Allow", "Deny", "Log", "Pass"];
/** HTTP match limits. */
const MAX_HTTP_ITEMS = 20;
const MAX_HTTP_PATH = 1024;

function readAction(r: ObjectReader): RuleAction | undefined {
  const action = r.requiredString("action");
  if (action === undefined) return undefined;
  const known = ACTIONS.find((a) => a === action);
  if (known === undefined) {
    r.ctx.error(
      r.at("action"),
      `${JSON.stringify(action)} is not a valid action: must be one of ${ACTIONS.join(", ")}`,
    );
  }
  return known;
}

function decodeIPVersion(ctx: DecodeContext, path: string, v: unknown): 4 | 6 | undefined {
  if (v === 4 || v === 6) return v;
  const reason = typeof v === "number"
    ? `${v} is not a valid ipVersion: must be 4 or 6`
    : typeMismatch("4 or 6", v);
  ctx.error(path, reason);
  return undefined;
}

function decodeHTTPPath(r: ObjectReader): HTTPPath {
  const exact = r.string("exact");
  const prefix = r.string("prefix");
  if (exact !== undefined && prefix !== undefined) {
    r.ctx.error(r.path, "set only one of exact and prefix");
  } else if ((exact ?? prefix) === undefined) {
    r.ctx.error(r.path, "set one of exact and prefix");
  }
  const p = exact ?? prefix;
  if (p !== undefined && (!p.startsWith("/") || /[? #]/.test(p) || p.length > MAX_HTTP_PATH)) {
    r.ctx.error(
      r.at(exact !== undefined ? "exact" : "prefix"),
      `${JSON.stringify(p)} is not a valid HTTP path: must start with "/", have no "?", "#" ` +
        `or spaces, and be no more than ${MAX_HTTP_PATH} characters`,
    );
  }
  return { ...opt("exact", exact), ...opt("prefix", prefix) };
}

function decodeHTTP(r: ObjectReader): HTTPMatch {
  const methods = r.strings("methods", { max: MAX_HTTP_ITEMS });
  methods?.forEach((m, i) => {
    if (methods.indexOf(m) !== i) {
      r.ctx.error(`${r.at("methods")}[${i}]`, `${JSON.stringify(m)} is listed more than once`);
    }
  });
  return {
    ...opt("methods", methods),
    ...opt("paths", r.objects("paths", decodeHTTPPath, { max: MAX_HTTP_ITEMS })),
  };
}

function decodeRuleMetadata(r: ObjectReader): RuleMetadata {
  const annotations = r.stringMap("annotations");
  if (annotations !== undefined) checkAnnotations(r.ctx, r.at("annotations"), annotations);
  return { ...opt("annotations", annotations) };
}

function describeProtocol(p: Protocol): string {
  return typeof p === "number" ? String(p) : JSON.stringify(p);
}

/** The parts of a rule the whole-rule checks look at. */
interface RuleFacts {
  readonly action: RuleAction | undefined;
  readonly ipVersion: 4 | 6 | undefined;
  readonly protocol: Protocol | undefined;
  readonly notProtocol: Protocol | undefined;
  readonly sides: ReadonlyMap<"source" | "destination", DecodedEntity>;
}

function checkICMP(r: ObjectReader, f: RuleFacts): void {
  for (const key of ["icmp", "notICMP"]) {
    if (r.has(key) && (f.protocol === undefined || !isICMPFamily(f.protocol))) {
      r.ctx.error(r.at(key), "ICMP matches need protocol ICMP or ICMPv6");
    }
  }
  if (f.ipVersion === undefined) return;
  for (const p of [f.protocol, f.notProtocol]) {
    if (p === undefined) continue;
    const want: 4 | 6 = protocolNumber(p) === 1 ? 4 : protocolNumber(p) === 58 ? 6 : f.ipVersion;
    if (want !== f.ipVersion) {
      r.ctx.error(
        r.at("ipVersion"),
        `ipVersion ${f.ipVersion} does not match protocol ${
          describeProtocol(p)
        }, which needs ${want}`,
      );
    }
  }
}

function checkPorts(r: ObjectReader, f: RuleFacts): void {
  for (const [side, entity] of f.sides) {
    for (const [key, ports] of entity.ports) {
      if (ports.length === 0) continue;
      const at = `${r.at(side)}.${key}`;
      if (f.protocol !== undefined && !supportsPorts(f.protocol)) {
        r.ctx.error(
          at,
          `ports need protocol TCP, UDP or SCTP, not ${describeProtocol(f.protocol)}`,
        );
      } else if (f.protocol === undefined && ports.some((p) => p.numeric)) {
        r.ctx.error(at, "numeric ports need protocol TCP, UDP or SCTP");
      }
    }
  }
}

function checkNets(r: ObjectReader, f: RuleFacts): void {
  let first: 4 | 6 | undefined;
  let mixed = false;
  for (const entity of f.sides.values()) {
    for (const n of entity.nets) {
      const fam = n.cidr.family;
      const shown = `${JSON.stringify(n.text)} is an IPv${fam} CIDR`;
      if (f.ipVersion !== undefined && fam !== f.ipVersion) {
        r.ctx.error(n.path, `${shown} but the rule's ipVersion is ${f.ipVersion}`);
      } else if (first !== undefined && fam !== first && !mixed) {
        r.ctx.error(n.path, `${shown} but the rule also has IPv${first} CIDRs`);
        mixed = true;
      }
      first ??= fam;
    }
  }
}

function checkHTTP(r: ObjectReader, f: RuleFacts, scope: RuleScope): void {
  if (!r.has("http")) return;
  const at = r.at("http");
  if (f.action !== undefined && f.action !== "Allow") {
    r.ctx.error(at, "HTTP matches are only allowed on Allow rules");
  }
  if (f.protocol !== undefined && protocolNumber(f.protocol) !== 6) {
    r.ctx.error(at, "HTTP matches need protocol TCP or no protocol");
  }
  if (scope.direction === "egress" && scope.owner !== "profile") {
    r.ctx.error(at, "HTTP matches are not allowed in egress rules");
  }
}

function checkServices(r: ObjectReader, f: RuleFacts, scope: RuleScope): void {
  const dst = f.sides.get("destination");
  if (dst?.entity.services !== undefined) {
    for (const [key, ports] of dst.ports) {
      if (ports.length > 0) {
        r.ctx.error(`${r.at("destination")}.${key}`, `${key} cannot be combined with services`);
      }
    }
  }
  if (scope.owner === "profile") return;
  const wrong = scope.direction === "ingress" ? "destination" : "source";
  const right = scope.direction === "ingress" ? "source" : "destination";
  if (f.sides.get(wrong)?.entity.services !== undefined) {
    r.ctx.error(
      `${r.at(wrong)}.services`,
      `services are not allowed in the ${wrong} of an ${scope.direction} rule`,
    );
  }
  const svc = f.sides.get(right)?.entity.services;
  if (scope.owner === "global" && svc !== undefined && (svc.namespace ?? "") === "") {
    r.ctx.error(
      `${r.at(right)}.services.namespace`,
      "missing required field: a global policy has no namespace to default to",
    );
  }
}

/** Decodes one rule of a policy or profile. */
export function decodeRule(r: ObjectReader, scope: RuleScope): Rule {
  const action = readAction(r);
  const ipVersion = r.get("ipVersion", decodeIPVersion);
  const protocol = r.get("protocol", decodeProtocol);
  const notProtocol = r.get("notProtocol", decodeProtocol);
  const icmp = r.object("icmp", decodeICMP);
  const notICMP = r.object("notICMP", decodeICMP);
  const source = r.object("source", decodeEntity);
  const destination = r.object("destination", decodeEntity);
  const http = r.object("http", decodeHTTP);
  const metadata = r.object("metadata", decodeRuleMetadata);
  const sides = new Map<"source" | "destination", DecodedEntity>();
  if (source !== undefined) sides.set("source", source);
  if (destination !== undefined) sides.set("destination", destination);
  const facts: RuleFacts = { action, ipVersion, protocol, notProtocol, sides };
  checkICMP(r, facts);
  checkPorts(r, facts);
  checkNets(r, facts);
  checkHTTP(r, facts, scope);
  checkServices(r, facts, scope);
  return {
    // A missing or unknown action is already an error, so this placeholder is never seen.
    action: action ?? "Deny",
    ...opt("ipVersion", ipVersion),
    ...opt("protocol", protocol),
    ...opt("notProtocol", notProtocol),
    ...opt("icmp", icmp),
    ...opt("notICMP", notICMP),
    ...opt("source", source?.entity),
    ...opt("destination", destination?.entity),
    ...opt("http", http),
    ...opt("metadata", metadata),
  };
}
