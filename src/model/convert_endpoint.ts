/**
 * v3 WorkloadEndpoint and HostEndpoint -> internal endpoints (datastore-config.md §1.2, §1.3).
 *
 * @module
 */
import { formatIP, parseIP } from "../lib/ip.ts";
import type { HostEndpointKey, WorkloadEndpointKey } from "./keys.ts";
import { kv } from "./kv.ts";
import type {
  EndpointPort as V3EndpointPort,
  HostEndpoint as V3HostEndpoint,
  IPNAT,
  WorkloadEndpoint as V3WorkloadEndpoint,
} from "./v3_resources.ts";
import type { EndpointPort, HostEndpoint, NATInfo, WorkloadEndpoint } from "./values.ts";
import { type ConversionResult, displayName, opt, revisionOf } from "./convert_result.ts";
import { convertProtocol, normaliseNets } from "./convert_rule.ts";
import {
  NAMESPACE_LABEL_PREFIX,
  SERVICE_ACCOUNT_LABEL,
  SERVICE_ACCOUNT_LABEL_PREFIX,
} from "./convert_names.ts";

/** The four parts of a v3 workload endpoint name. */
export interface WorkloadEndpointNameParts {
  readonly node: string;
  readonly orchestrator: string;
  readonly workload: string;
  readonly endpoint: string;
}

/**
 * Splits `<node>-<orch>-<workload>-<endpoint>`: a single `-` separates, `--` is an escaped `-`.
 * Undefined unless there are exactly four non-empty parts.
 */
export function parseWorkloadEndpointName(name: string): WorkloadEndpointNameParts | undefined {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c !== "-") current += c;
    else if (name[i + 1] === "-") {
      current += "-";
      i++;
    } else {
      parts.push(current);
      current = "";
    }
  }
  parts.push(current);
  if (parts.length !== 4 || parts.some((p) => p === "")) return undefined;
  const [node, orchestrator, workload, endpoint] = parts as [string, string, string, string];
  return { node, orchestrator, workload, endpoint };
}

/**
 * The key of a v3 workload endpoint: each part from the spec (`node`, `orchestrator`,
 * `pod` or `workload`, `endpoint`) when set, else from the name; `workloadId` is
 * `<namespace>/<workload>`.
 */
export function workloadEndpointKeyOf(wep: V3WorkloadEndpoint): WorkloadEndpointKey | Error {
  const s = wep.spec;
  const fromName = parseWorkloadEndpointName(wep.metadata.name);
  const node = s.node || fromName?.node;
  const orch = s.orchestrator || fromName?.orchestrator;
  const workload = s.pod || s.workload || fromName?.workload;
  const endpoint = s.endpoint || fromName?.endpoint;
  if (!node || !orch || !workload || !endpoint) {
    return new Error(
      `name "${wep.metadata.name}" is not <node>-<orchestrator>-<workload>-<endpoint> and the ` +
        "spec does not name all four",
    );
  }
  return {
    kind: "WorkloadEndpoint",
    hostname: node,
    orchestratorId: orch,
    workloadId: `${wep.metadata.namespace ?? "default"}/${workload}`,
    endpointId: endpoint,
  };
}

/** Endpoint ports downstream; `namedOnly` keeps only ports with a name. */
export function convertEndpointPorts(
  ports: readonly V3EndpointPort[] | undefined,
  namedOnly: boolean,
): EndpointPort[] {
  return (ports ?? [])
    .filter((p) => !namedOnly || p.name !== "")
    .map((p) => ({ name: p.name, protocol: convertProtocol(p.protocol), port: p.port }));
}

/** NATs by the internal IP's family; as upstream, a NAT whose either IP does not parse is dropped. */
function splitNATs(nats: readonly IPNAT[] | undefined): { v4: NATInfo[]; v6: NATInfo[] } {
  const v4: NATInfo[] = [];
  const v6: NATInfo[] = [];
  for (const n of nats ?? []) {
    const int = parseIP(n.internalIP);
    const ext = parseIP(n.externalIP);
    if (int === undefined || ext === undefined) continue;
    (int.family === 4 ? v4 : v6).push({ extIP: formatIP(ext), intIP: formatIP(int) });
  }
  return { v4, v6 };
}

function workloadLabels(wep: V3WorkloadEndpoint): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(wep.metadata.labels ?? {})) {
    if (k.startsWith(NAMESPACE_LABEL_PREFIX) || k.startsWith(SERVICE_ACCOUNT_LABEL_PREFIX)) {
      continue;
    }
    out[k] = v;
  }
  const sa = wep.spec.serviceAccountName ?? "";
  if (sa !== "") out[SERVICE_ACCOUNT_LABEL] = sa;
  return out;
}

/** The internal value of a workload endpoint with IPs, or why its IPs do not parse. */
export function workloadEndpointValue(wep: V3WorkloadEndpoint): WorkloadEndpoint | Error {
  const s = wep.spec;
  const nets = s.ipNetworks ?? [];
  const masked = normaliseNets(nets);
  if (masked.length !== nets.length) {
    return new Error(
      `spec.ipNetworks holds an entry that is not an IP or CIDR: ${JSON.stringify(nets)}`,
    );
  }
  const nats = splitNATs(s.ipNATs);
  const annotations = wep.metadata.annotations ?? {};
  return {
    state: "active",
    name: s.interfaceName ?? "",
    ...opt("mac", s.mac),
    profileIds: s.profiles ?? [],
    ipv4Nets: masked.filter((n) => !n.includes(":")),
    ipv6Nets: masked.filter((n) => n.includes(":")),
    ipv4NAT: nats.v4,
    ipv6NAT: nats.v6,
    ...opt("ipv4Gateway", s.ipv4Gateway),
    ...opt("ipv6Gateway", s.ipv6Gateway),
    labels: workloadLabels(wep),
    ports: convertEndpointPorts(s.ports, true),
    ...opt("generateName", wep.metadata.generateName),
    allowSpoofedSourcePrefixes: normaliseNets(s.allowSpoofedSourcePrefixes),
    ...opt("annotations", Object.keys(annotations).length > 0 ? annotations : undefined),
    ...opt("qosControls", s.qosControls),
  };
}

/**
 * v3 WorkloadEndpoint -> its internal key and value. No `ipNetworks` deletes the key (that is
 * how finished pods disappear); an unparsable IP deletes it with a problem; a name that yields
 * no key is only a problem.
 */
export function convertWorkloadEndpoint(wep: V3WorkloadEndpoint): ConversionResult {
  const what = `WorkloadEndpoint "${displayName(wep.metadata)}"`;
  const key = workloadEndpointKeyOf(wep);
  if (key instanceof Error) {
    return { updates: [], problems: [`Cannot convert ${what}: ${key.message}`] };
  }
  const rev = revisionOf(wep.metadata);
  if ((wep.spec.ipNetworks ?? []).length === 0) {
    return { updates: [kv(key, null, rev)], problems: [] };
  }
  const value = workloadEndpointValue(wep);
  if (value instanceof Error) {
    return {
      updates: [kv(key, null, rev)],
      problems: [`Cannot convert ${what}: ${value.message}`],
    };
  }
  return { updates: [kv(key, value, rev)], problems: [] };
}

/** The key of a host endpoint, or undefined when `spec.node` is unset. */
export function hostEndpointKeyOf(hep: V3HostEndpoint): HostEndpointKey | undefined {
  const node = hep.spec.node ?? "";
  if (node === "") return undefined;
  return { kind: "HostEndpoint", hostname: node, endpointId: hep.metadata.name };
}

/**
 * v3 HostEndpoint -> `HostEndpointKey{spec.node, name}`: expected IPs split by family (bad
 * ones dropped with a problem), labels, profiles, and every port, named or not.
 */
export function convertHostEndpoint(hep: V3HostEndpoint): ConversionResult {
  const key = hostEndpointKeyOf(hep);
  const what = `HostEndpoint "${hep.metadata.name}"`;
  if (key === undefined) {
    return { updates: [], problems: [`Cannot convert ${what}: spec.node is empty`] };
  }
  const problems: string[] = [];
  const v4: string[] = [];
  const v6: string[] = [];
  for (const [i, text] of (hep.spec.expectedIPs ?? []).entries()) {
    const ip = parseIP(text);
    if (ip === undefined) {
      problems.push(`Ignored spec.expectedIPs[${i}] "${text}" of ${what}: not an IP`);
    } else (ip.family === 4 ? v4 : v6).push(formatIP(ip));
  }
  const value: HostEndpoint = {
    name: hep.spec.interfaceName ?? "",
    expectedIPv4Addrs: v4,
    expectedIPv6Addrs: v6,
    labels: hep.metadata.labels ?? {},
    profileIds: hep.spec.profiles ?? [],
    ports: convertEndpointPorts(hep.spec.ports, false),
  };
  return { updates: [kv(key, value, revisionOf(hep.metadata))], problems };
}
