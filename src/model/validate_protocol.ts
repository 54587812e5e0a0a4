/**
 * Protocols, ports and ICMP matches of v3 rules.
 *
 * Canonical casing (the decoder's one normalisation): protocol names are matched
 * case-insensitively and rewritten to upstream's spelling `TCP UDP ICMP ICMPv6 SCTP UDPLite`
 * (`"tcp"` -> `"TCP"`, `"icmpV6"` -> `"ICMPv6"`, `"udplite"` -> `"UDPLite"`); a string that reads
 * as an unsigned 8-bit number (`"6"`, `"017"`) becomes that number. Ports keep the form they were
 * written in (`80`, `"80"`, `"80:90"`, `"http"`).
 *
 * @module
 */
import { asIntegerIn, type DecodeContext, type ObjectReader, typeMismatch } from "./json_reader.ts";
import { opt } from "./json_build.ts";
import type { ICMPFields, Port, Protocol } from "./v3_policy.ts";

/** The protocol names v3 accepts, in their canonical spelling. */
export const PROTOCOL_NAMES = ["TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite"] as const;

const CANONICAL_PROTOCOL: ReadonlyMap<string, string> = new Map(
  PROTOCOL_NAMES.map((name) => [name.toLowerCase(), name]),
);

const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  TCP: 6,
  UDP: 17,
  ICMP: 1,
  ICMPv6: 58,
  SCTP: 132,
  UDPLite: 136,
};

function protocolNumberProblem(n: number): string | undefined {
  return n >= 1 && n <= 255 ? undefined : `${n} is not a valid protocol number: must be 1-255`;
}

/** Decodes a protocol (JSON number or string), canonicalising names and numeric strings. */
export function decodeProtocol(
  ctx: DecodeContext,
  path: string,
  value: unknown,
): Protocol | undefined {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      ctx.error(path, typeMismatch("an integer or a protocol name", value));
      return undefined;
    }
    const problem = protocolNumberProblem(value);
    if (problem === undefined) return value;
    ctx.error(path, problem);
    return undefined;
  }
  if (typeof value !== "string") {
    ctx.error(path, typeMismatch("a protocol name or number", value));
    return undefined;
  }
  if (/^[0-9]+$/.test(value) && Number(value) <= 255) {
    return decodeProtocol(ctx, path, Number(value));
  }
  const name = CANONICAL_PROTOCOL.get(value.toLowerCase());
  if (name !== undefined) return name;
  ctx.error(
    path,
    `${JSON.stringify(value)} is not a valid protocol: must be one of ${
      PROTOCOL_NAMES.join(", ")
    } or a number 1-255`,
  );
  return undefined;
}

/** The protocol number of a decoded protocol. */
export function protocolNumber(p: Protocol): number | undefined {
  return typeof p === "number" ? p : PROTOCOL_NUMBERS[p];
}

/** Whether a protocol has ports: TCP, UDP, SCTP (or 6, 17, 132). */
export function supportsPorts(p: Protocol): boolean {
  const n = protocolNumber(p);
  return n === 6 || n === 17 || n === 132;
}

/** Whether a protocol is ICMP (1) or ICMPv6 (58). */
export function isICMPFamily(p: Protocol): boolean {
  const n = protocolNumber(p);
  return n === 1 || n === 58;
}

/** A decoded port entry and whether it names a number or a range (as opposed to a name). */
export interface DecodedPort {
  readonly port: Port;
  readonly numeric: boolean;
}

const MAX_PORT = 65535;
const NAMED_PORT = /^[a-zA-Z0-9_.-]{1,128}$/;
const PORT_RANGE = /^([0-9]+):([0-9]+)$/;

function portNumberProblem(shown: string, n: number): string | undefined {
  return n >= 1 && n <= MAX_PORT
    ? undefined
    : `${shown} is not a valid port: must be between 1 and ${MAX_PORT}`;
}

function stringPortProblem(s: string): { numeric: boolean; problem: string | undefined } {
  const quoted = JSON.stringify(s);
  if (/^[0-9]+$/.test(s)) return { numeric: true, problem: portNumberProblem(quoted, Number(s)) };
  const range = PORT_RANGE.exec(s);
  if (range !== null) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    const problem = portNumberProblem(quoted, lo) ?? portNumberProblem(quoted, hi) ??
      (lo > hi
        ? `${quoted} is not a valid port range: the start is greater than the end`
        : undefined);
    return { numeric: true, problem };
  }
  return {
    numeric: false,
    problem: NAMED_PORT.test(s) ? undefined : `${quoted} is not a valid port name: must be ` +
      "1-128 characters from a-z, A-Z, 0-9, '_', '.' and '-'",
  };
}

/** Decodes a rule port: `80`, `"80"`, `"80:90"` (inclusive, start <= end) or a named port. */
export function decodePort(
  ctx: DecodeContext,
  path: string,
  value: unknown,
): DecodedPort | undefined {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      ctx.error(path, typeMismatch("an integer or a string", value));
      return undefined;
    }
    const problem = portNumberProblem(String(value), value);
    if (problem === undefined) return { port: value, numeric: true };
    ctx.error(path, problem);
    return undefined;
  }
  if (typeof value !== "string") {
    ctx.error(path, typeMismatch("a port number or string", value));
    return undefined;
  }
  const { numeric, problem } = stringPortProblem(value);
  if (problem === undefined) return { port: value, numeric };
  ctx.error(path, problem);
  return undefined;
}

/** The most ports in one `ports` or `notPorts` list. */
export const MAX_RULE_PORTS = 50;

/** Reads an optional port list. */
export function readPorts(r: ObjectReader, key: string): DecodedPort[] | undefined {
  return r.list(key, decodePort, { max: MAX_RULE_PORTS });
}

/** Decodes `icmp`/`notICMP`: type 0-254, code 0-255, and a code only with a type. */
export function decodeICMP(r: ObjectReader): ICMPFields {
  const type = r.get("type", (ctx, path, v) => asIntegerIn(ctx, path, v, 0, 254));
  const code = r.get("code", (ctx, path, v) => asIntegerIn(ctx, path, v, 0, 255));
  if (r.has("code") && !r.has("type")) {
    r.ctx.error(r.at("code"), "an ICMP code needs an ICMP type");
  }
  return { ...opt("type", type), ...opt("code", code) };
}
