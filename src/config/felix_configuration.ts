/**
 * FelixConfiguration spec -> raw strings: each YAML field mapped to its parameter and its value
 * rendered the way upstream's config update processor renders it (durations to seconds, lists
 * joined with `,`, failsafe ports to `tcp:22`, ranges to `1-250`, ...), then the
 * `config.projectcalico.org/<ParamName>` annotations laid over the fields without validation.
 *
 * @module
 */
import { isJsonObject, type JsonObject } from "../model/json_reader.ts";
import type { FelixConfigurationSpec } from "../model/v3_resources.ts";
import { formatGoDuration, parseGoDurationNanos } from "./go_duration.ts";
import { paramByName, paramByYamlField, type ParamSpec } from "./param_table.ts";
import { type ConfigIssue, configIssue, type ConfigSource } from "./sources.ts";

/** The annotation prefix that sets a parameter directly. */
export const CONFIG_ANNOTATION_PREFIX = "config.projectcalico.org/";

/** Raw values by parameter name, and the problems met on the way. */
export interface FelixConfigurationRaw {
  readonly values: Readonly<Record<string, string>>;
  readonly issues: readonly ConfigIssue[];
}

/** A rendered value, `undefined` for "no value" (the key is deleted), or an error text. */
type Rendered = string | undefined | { readonly error: string };

function scalar(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

function renderDuration(v: unknown, nanosPerUnit: number): Rendered {
  if (typeof v !== "string") return scalar(v) ?? { error: "Expected a duration string" };
  const nanos = parseGoDurationNanos(v.trim());
  return nanos === undefined ? v : String(nanos / nanosPerUnit);
}

function renderFailsafe(v: readonly unknown[]): Rendered {
  if (v.length === 0) return "none";
  const items: string[] = [];
  for (const p of v) {
    if (!isJsonObject(p)) return { error: "Expected a list of {protocol, port, net}" };
    const proto = String(p["protocol"] ?? "tcp").toLowerCase();
    const net = typeof p["net"] === "string" && p["net"] !== "" ? p["net"] : undefined;
    const where = net === undefined ? "" : net.includes(":") ? `[${net}]:` : `${net}:`;
    items.push(`${proto}:${where}${String(p["port"])}`);
  }
  return items.join(",");
}

function renderRange(v: unknown): string | undefined {
  return isJsonObject(v) ? `${String(v["min"])}-${String(v["max"])}` : undefined;
}

function renderHealthOverrides(v: readonly unknown[]): Rendered {
  if (v.length === 0) return undefined;
  const items: string[] = [];
  for (const o of v) {
    if (!isJsonObject(o)) return { error: "Expected a list of {name, timeout}" };
    const t = String(o["timeout"]);
    const nanos = parseGoDurationNanos(t);
    items.push(`${String(o["name"])}=${nanos === undefined ? t : formatGoDuration(nanos / 1e9)}`);
  }
  return items.join(",");
}

/** The `bpfConntrackTimeouts` fields in struct order, with their parameter-side names. */
const CONNTRACK_TIMEOUTS: readonly (readonly [string, string])[] = [
  ["creationGracePeriod", "CreationGracePeriod"],
  ["tcpSynSent", "TCPSynSent"],
  ["tcpEstablished", "TCPEstablished"],
  ["tcpFinsSeen", "TCPFinsSeen"],
  ["tcpResetSeen", "TCPResetSeen"],
  ["udpTimeout", "UDPTimeout"],
  ["genericTimeout", "GenericTimeout"],
  ["icmpTimeout", "ICMPTimeout"],
];

function renderConntrackTimeouts(v: JsonObject): Rendered {
  const unknown = Object.keys(v).filter((k) => !CONNTRACK_TIMEOUTS.some(([f]) => f === k));
  if (unknown.length > 0) return { error: `Unknown bpfConntrackTimeouts field "${unknown[0]}"` };
  const set = CONNTRACK_TIMEOUTS.filter(([f]) => scalar(v[f]) !== undefined && v[f] !== "");
  return set.length === 0 ? undefined : set.map(([f, n]) => `${n}=${scalar(v[f])}`).join(",");
}

function renderMap(v: JsonObject): Rendered {
  const keys = Object.keys(v).sort();
  if (keys.some((k) => scalar(v[k]) === undefined)) return { error: "Expected a map of strings" };
  return keys.map((k) => `${k}=${scalar(v[k])},`).join("");
}

function renderList(v: readonly unknown[]): Rendered {
  const items = v.map(scalar);
  if (items.some((s) => s === undefined)) return { error: "Expected a list of strings or numbers" };
  return items.join(",");
}

/** Go's default formatting of a list of ports: `[30000:32767]` (which then fails to parse). */
function renderPortListQuirk(v: readonly unknown[]): string {
  return `[${v.map((p) => scalar(p) ?? "").join(" ")}]`;
}

function renderSpecial(spec: ParamSpec, v: unknown): Rendered | null {
  switch (spec.name) {
    case "FailsafeInboundHostPorts":
    case "FailsafeOutboundHostPorts":
      return Array.isArray(v) ? renderFailsafe(v) : null;
    case "RouteTableRange":
      return renderRange(v) ?? null;
    case "RouteTableRanges":
      return Array.isArray(v) ? v.map(renderRange).join(",") : null;
    case "HealthTimeoutOverrides":
      return Array.isArray(v) ? renderHealthOverrides(v) : null;
    case "BPFConntrackTimeouts":
      return isJsonObject(v) ? renderConntrackTimeouts(v) : null;
    case "KubeNodePortRanges":
      return Array.isArray(v) ? renderPortListQuirk(v) : null;
    default:
      return null;
  }
}

/** Render one field's value as the raw string its parameter parses. */
export function renderFieldValue(spec: ParamSpec, v: unknown): Rendered {
  if (v === null || v === undefined || v === "") return undefined;
  const special = renderSpecial(spec, v);
  if (special !== null) return special === "" ? undefined : special;
  if (spec.type.kind === "seconds") return renderDuration(v, 1e9);
  if (spec.type.kind === "millis") return renderDuration(v, 1e6);
  const s = scalar(v);
  if (s !== undefined) return s;
  if (Array.isArray(v)) {
    const r = renderList(v);
    return r === "" ? undefined : r;
  }
  if (isJsonObject(v)) return renderMap(v);
  return { error: "Expected a string, number, boolean, list or map" };
}

/**
 * A FelixConfiguration's spec and annotations as raw values by parameter name. Unknown fields
 * and values that cannot be rendered are reported (never fatal) and skipped; `source` labels
 * those issues.
 */
export function felixConfigurationToRaw(
  spec: FelixConfigurationSpec,
  annotations: Readonly<Record<string, string>> = {},
  source: ConfigSource = "datastore-global",
): FelixConfigurationRaw {
  const values: Record<string, string> = {};
  const issues: ConfigIssue[] = [];
  for (const [field, v] of Object.entries(spec)) {
    if (field === "nodeSelector") continue;
    const p = paramByYamlField(field);
    const rendered = p === undefined ? undefined : renderFieldValue(p, v);
    if (p === undefined) {
      issues.push(
        configIssue(
          field,
          source,
          JSON.stringify(v) ?? "",
          "Unknown FelixConfiguration field; ignored",
        ),
      );
    } else if (typeof rendered === "object") {
      issues.push(
        configIssue(p.name, source, JSON.stringify(v) ?? "", `${rendered.error}; ignored`),
      );
    } else if (rendered !== undefined) {
      values[p.name] = rendered;
    }
  }
  for (const [key, v] of Object.entries(annotations)) {
    if (!key.startsWith(CONFIG_ANNOTATION_PREFIX) || v === "") continue;
    const name = key.slice(CONFIG_ANNOTATION_PREFIX.length);
    values[paramByName(name)?.name ?? name] = v;
  }
  return { values, issues };
}
