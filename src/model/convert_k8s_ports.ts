/**
 * Kubernetes NetworkPolicy ports -> Calico ports grouped per protocol, with numeric ports merged
 * into the fewest ranges (datastore-config.md §2.5).
 *
 * @module
 */
import type { NetworkPolicyPort } from "./k8s.ts";
import type { Port } from "./v3_policy.ts";

/**
 * Ports per protocol. The key is the protocol (`TCP`, `UDP`, `SCTP`), or "" for "any protocol";
 * the value `null` means every port of that protocol.
 */
export type ProtocolPorts = ReadonlyMap<string, readonly Port[] | null>;

const ANY: ProtocolPorts = new Map([["", null]]);
const PORT_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

function isPortNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** One k8s port entry as a Calico port (`null` = all ports), or why it is invalid. */
function convertPort(p: NetworkPolicyPort): Port | null | Error {
  if (p.port === undefined) {
    return p.endPort === undefined ? null : new Error(`endPort ${p.endPort} is set without port`);
  }
  if (typeof p.port === "string") {
    if (!PORT_NAME.test(p.port)) return new Error(`port "${p.port}" is not a valid port name`);
    if (p.endPort !== undefined) {
      return new Error(`endPort ${p.endPort} cannot be combined with named port "${p.port}"`);
    }
    return p.port;
  }
  if (!isPortNumber(p.port)) return new Error(`port ${p.port} is not in 1-65535`);
  if (p.endPort === undefined || p.endPort === p.port) return p.port;
  if (!isPortNumber(p.endPort) || p.endPort < p.port) {
    return new Error(`endPort ${p.endPort} is not in ${p.port}-65535`);
  }
  return `${p.port}:${p.endPort}`;
}

/**
 * Groups a rule's ports by protocol (default `TCP`). An entry with neither port nor protocol
 * means "any": the result is then only `"" -> null`. No ports at all also means "any".
 */
export function groupPorts(ports: readonly NetworkPolicyPort[] | undefined): ProtocolPorts | Error {
  const out = new Map<string, Port[] | null>();
  for (const [i, p] of (ports ?? []).entries()) {
    if (p.protocol === undefined && p.port === undefined) return ANY;
    const port = convertPort(p);
    if (port instanceof Error) return new Error(`ports[${i}]: ${port.message}`);
    const protocol = p.protocol ?? "TCP";
    const have = out.get(protocol);
    if (port === null) out.set(protocol, null);
    else if (have === undefined) out.set(protocol, [port]);
    else if (have !== null) have.push(port);
  }
  return out.size === 0 ? ANY : out;
}

interface Range {
  first: number;
  last: number;
}

function toRange(p: number | string): Range {
  if (typeof p === "number") return { first: p, last: p };
  const [a, b] = p.split(":");
  return { first: Number(a), last: Number(b) };
}

/**
 * The fewest ports covering the same set: overlapping or adjacent numeric ports and ranges
 * merged and sorted (`80`, `81`, `82`, `9090` -> `"80:82"`, `9090`), then the named ports in
 * their first-seen order, without duplicates.
 */
export function simplifyPorts(ports: readonly Port[]): Port[] {
  const named: string[] = [];
  const ranges: Range[] = [];
  for (const p of ports) {
    if (typeof p === "string" && !/^[0-9]+(:[0-9]+)?$/.test(p)) {
      if (!named.includes(p)) named.push(p);
    } else {
      ranges.push(toRange(p));
    }
  }
  ranges.sort((a, b) => a.first - b.first || a.last - b.last);
  const merged: Range[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r.first <= last.last + 1) last.last = Math.max(last.last, r.last);
    else merged.push({ ...r });
  }
  const numeric = merged.map((r): Port => r.first === r.last ? r.first : `${r.first}:${r.last}`);
  return [...numeric, ...named];
}
