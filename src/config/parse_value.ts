/**
 * One entry point for parsing a raw value of any parameter type, plus the type's zero value and
 * the `none` and `non-zero` rules. Pure: existence checks of paths happen later (see `Config`).
 *
 * @module
 */
import type { ParamType, ParamValue, ParseResult, SimpleKind } from "./param_types.ts";
import {
  IFACE_NAME,
  parseIfaceList,
  parseIfaceMatchers,
  parseKeyDurationList,
  parseKeyValueList,
  parsePortRange,
  parsePortRangeList,
  parseRouteTableRange,
  parseRouteTableRanges,
} from "./parse_list.ts";
import {
  parseAddress,
  parseCIDRList,
  parseHostPort,
  parsePortList,
  parseURLList,
} from "./parse_net.ts";
import {
  fail,
  ok,
  parseBitmask,
  parseBool,
  parseDSCP,
  parseEnum,
  parseFloatDuration,
  parseInt64,
  parsePattern,
  parseRegexp,
} from "./parse_scalar.ts";

/** The value `none` stands for, and the value of a parameter whose default is `-`. */
export function zeroValue(type: ParamType): ParamValue {
  switch (type.kind) {
    case "bool":
      return false;
    case "optional-bool":
    case "port-range":
    case "route-table-range":
      return undefined;
    case "int":
    case "seconds":
    case "millis":
    case "bitmask":
    case "dscp":
      return 0;
    case "iface-prefix-list":
    case "iface-list":
    case "iface-matchers":
    case "url-list":
    case "cidr-list":
    case "port-list":
    case "port-range-list":
    case "route-table-ranges":
      return [];
    case "key-value-list":
    case "key-duration-list":
      return {};
    default:
      return "";
  }
}

/** Whether a value is its type's zero value (what `non-zero` parameters reject). */
export function isZeroValue(v: ParamValue): boolean {
  if (v === undefined || v === false || v === 0 || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v).length === 0;
}

const HOST_ADDRESS = /^[a-zA-Z0-9:._+-]{1,64}$/;
const HOSTNAME = /^[a-zA-Z0-9_.-]{1,253}$/;
const RATE = /^[1-9][0-9]*\/(second|minute|hour|day)$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,44}[a-z0-9])?$/;

const PARSERS: Readonly<Record<SimpleKind, (raw: string) => ParseResult>> = {
  "bool": parseBool,
  "optional-bool": parseBool,
  "seconds": (raw) => parseFloatDuration(raw, 1),
  "millis": (raw) => parseFloatDuration(raw, 1000),
  "bitmask": parseBitmask,
  "string": ok,
  "regexp": parseRegexp,
  "path": ok,
  "existing-path": ok,
  "executable": ok,
  "iface-name": (raw) =>
    parsePattern(raw, IFACE_NAME, "an interface name of 1-15 characters a-zA-Z0-9:._+-"),
  "iface-prefix-list": parseIfaceList,
  "iface-list": parseIfaceList,
  "iface-matchers": parseIfaceMatchers,
  "host-address": (raw) =>
    parsePattern(raw, HOST_ADDRESS, "a host name or address of 1-64 characters"),
  "hostname": (raw) =>
    parsePattern(raw, HOSTNAME, "a host name of letters, digits, '.', '_' and '-'"),
  "host-port": parseHostPort,
  "rate": (raw) => parsePattern(raw, RATE, "a rate N/second, N/minute, N/hour or N/day"),
  "ipv4": (raw) => parseAddress(raw, 4),
  "ipv6": (raw) => parseAddress(raw, 6),
  "url-list": parseURLList,
  "cidr-list": parseCIDRList,
  "port-list": parsePortList,
  "port-range": parsePortRange,
  "port-range-list": parsePortRangeList,
  "dns-label": (raw) =>
    parsePattern(raw, DNS_LABEL, "a DNS label of at most 46 characters a-z, 0-9 and '-'"),
  "route-table-range": parseRouteTableRange,
  "route-table-ranges": parseRouteTableRanges,
  "key-value-list": parseKeyValueList,
  "key-duration-list": parseKeyDurationList,
  "dscp": parseDSCP,
};

/** Parse a trimmed, non-empty raw value that is not `none`. */
export function parseRaw(type: ParamType, raw: string): ParseResult {
  switch (type.kind) {
    case "int":
      return parseInt64(raw, type.min, type.max);
    case "enum":
      return parseEnum(raw, type.values);
    default:
      return PARSERS[type.kind](raw);
  }
}

/**
 * Parse a raw value for a parameter: trims it, maps `none` (any case) to the zero value (or, for
 * an enum with a `None` member, to that member) and rejects zero values when `nonZero`.
 */
export function parseParamValue(type: ParamType, raw: string, nonZero: boolean): ParseResult {
  const s = raw.trim();
  let result: ParseResult;
  if (s.toLowerCase() === "none") {
    const member = type.kind === "enum"
      ? type.values.find((v) => v.toLowerCase() === "none")
      : undefined;
    result = ok(member ?? zeroValue(type));
  } else {
    result = parseRaw(type, s);
  }
  if (result.ok && nonZero && isZeroValue(result.value)) {
    return fail(
      s.toLowerCase() === "none"
        ? "This parameter cannot be none"
        : "This parameter must be non-zero",
    );
  }
  return result;
}
