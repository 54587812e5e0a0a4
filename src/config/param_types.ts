/**
 * Parameter types: the notation of the table's `type` column (`int[0..65535]`, `enum(A|B)`,
 * `duration(float-seconds)`, ...) turned into a discriminated union, and the shapes of the
 * structured values the parsers produce.
 *
 * @module
 */

/** A parameter's type, derived from the table's notation by `paramTypeOf`. */
export type ParamType =
  | { readonly kind: "int"; readonly min?: number; readonly max?: number }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | { readonly kind: SimpleKind };

/** The kinds that take no arguments. */
export type SimpleKind =
  | "bool"
  | "optional-bool"
  | "seconds"
  | "millis"
  | "bitmask"
  | "string"
  | "regexp"
  | "path"
  | "existing-path"
  | "executable"
  | "iface-name"
  | "iface-prefix-list"
  | "iface-list"
  | "iface-matchers"
  | "host-address"
  | "hostname"
  | "host-port"
  | "rate"
  | "ipv4"
  | "ipv6"
  | "url-list"
  | "cidr-list"
  | "port-list"
  | "port-range"
  | "port-range-list"
  | "dns-label"
  | "route-table-range"
  | "route-table-ranges"
  | "key-value-list"
  | "key-duration-list"
  | "dscp";

/** An inclusive range of numbers: ports (`N:M`) or routing-table indices (`min-max`). */
export interface NumRange {
  readonly min: number;
  readonly max: number;
}

/** One failsafe port: protocol, optional source/destination CIDR (normalised) and port. */
export interface ProtoPort {
  readonly protocol: "tcp" | "udp";
  readonly net?: string;
  readonly port: number;
}

/** One entry of an interface-name-or-regex list (`InterfaceExclude`). */
export type IfaceMatcher =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "regex"; readonly pattern: string };

/** Any parsed value. */
export type ParamValue =
  | boolean
  | number
  | string
  | undefined
  | NumRange
  | readonly string[]
  | readonly ProtoPort[]
  | readonly NumRange[]
  | readonly IfaceMatcher[]
  | Readonly<Record<string, string>>
  | Readonly<Record<string, number>>;

/** The outcome of parsing one raw value. `reason` does not repeat the raw value. */
export type ParseResult =
  | { readonly ok: true; readonly value: ParamValue }
  | { readonly ok: false; readonly reason: string };

const SIMPLE: Readonly<Record<string, SimpleKind>> = {
  "bool": "bool",
  "optional-bool": "optional-bool",
  "duration(float-seconds)": "seconds",
  "duration(float-millis)": "millis",
  "uint32-bitmask(>=2 bits)": "bitmask",
  "string": "string",
  "regexp": "regexp",
  "path": "path",
  "path(must-exist)": "existing-path",
  "executable-path": "executable",
  "iface-name": "iface-name",
  "iface-prefix-list": "iface-prefix-list",
  "iface-list": "iface-list",
  "iface-name-or-/regex/-list": "iface-matchers",
  "host-address": "host-address",
  "hostname": "hostname",
  "host:port": "host-port",
  "rate(N/second|minute|hour|day)": "rate",
  "ipv4": "ipv4",
  "ipv6": "ipv6",
  "url-list": "url-list",
  "cidr-list": "cidr-list",
  "port-list(proto[:cidr]:port)": "port-list",
  "port-range(N|N:M)": "port-range",
  "port-range-list": "port-range-list",
  "dns-label": "dns-label",
  "range(min-max)": "route-table-range",
  "range-list(min-max,...)": "route-table-ranges",
  "key=value-list": "key-value-list",
  "key=duration-list": "key-duration-list",
  "dscp(0-63|name)": "dscp",
};

const INT = /^int(?:\[(-?\d+)\.\.(-?\d+|inf)\])?(?: \(.*\))?$/;
const ENUM = /^enum\(([^()]+)\)$/;

/**
 * The type a notation names; throws a `TypeError` for notation the table never uses (a
 * programming error, caught by the tests that load every row).
 */
export function paramTypeOf(notation: string): ParamType {
  const simple = SIMPLE[notation];
  if (simple !== undefined) return { kind: simple };
  const int = INT.exec(notation);
  if (int !== null) {
    if (int[1] === undefined) return { kind: "int" };
    const max = int[2] === "inf" ? undefined : Number(int[2]);
    return max === undefined
      ? { kind: "int", min: Number(int[1]) }
      : { kind: "int", min: Number(int[1]), max };
  }
  const en = ENUM.exec(notation);
  if (en !== null) return { kind: "enum", values: en[1]!.split("|") };
  throw new TypeError(`Cannot understand parameter type "${notation}"`);
}
