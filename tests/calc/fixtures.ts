/**
 * Shared fixtures for the calc-graph unit tests: builders for the model values and keys the
 * graph consumes and for IP-set and member data (every field at a neutral default,
 * overridable), and `Recorder`, the one recording fake used for sinks: every call is kept, in
 * order, as `[method, ...args]`.
 *
 * @module
 */
import { namedPortIPSetId, type NamedPortProtocol } from "../../src/calc/ip_set_ids.ts";
import type { EndpointMemberData } from "../../src/calc/member_data.ts";
import type { CalcSink, IPSetData } from "../../src/calc/sinks.ts";
import type {
  HostEndpointKey,
  PolicyKey,
  PolicyKind,
  WorkloadEndpointKey,
} from "../../src/model/keys.ts";
import { kv, type KVUpdate } from "../../src/model/kv.ts";
import { parseSelector } from "../../src/selector/mod.ts";
import type { NodeSpec } from "../../src/model/v3_resources.ts";
import type {
  EndpointPort,
  HostEndpoint,
  IPPool,
  Policy,
  Rule,
  RuleSide,
  WorkloadEndpoint,
} from "../../src/model/values.ts";

// ---- recording fake ----

/** One recorded call of interface `T`: the method name, then its arguments. */
export type Call<T = CalcSink> = {
  [K in keyof T & string]: T[K] extends (...args: infer A) => void ? [K, ...A] : never;
}[keyof T & string];

/** A fake `T` (`sink`) that records every call made on it, in order, in `calls`. */
export class Recorder<T extends object = CalcSink> {
  readonly calls: Call<T>[] = [];
  readonly sink: T;

  constructor() {
    // The proxy cannot know T's methods: it records whatever is called, which the type allows.
    const calls: unknown[][] = this.calls;
    this.sink = new Proxy({}, {
      get: (_, method) => (...args: unknown[]) => calls.push([String(method), ...args]),
    }) as T;
  }

  /** The calls recorded since the last `take()`, forgotten by the recorder. */
  take(): Call<T>[] {
    return this.calls.splice(0);
  }
}

/** A calc node that consumes KV updates one at a time. */
export interface UpdateConsumer {
  onUpdate(update: KVUpdate): void;
}

/** Feeds updates to `node` and returns the calls its sink received meanwhile. */
export function feeder<T extends object>(
  node: UpdateConsumer,
  recorder: Recorder<T>,
): (...updates: KVUpdate[]) => Call<T>[] {
  return (...updates) => {
    for (const u of updates) node.onUpdate(u);
    return recorder.take();
  };
}

// ---- model values ----

/** A rule side that matches everything; `overrides` replace fields. */
export function ruleSide(overrides: Partial<RuleSide> = {}): RuleSide {
  return {
    nets: [],
    selector: "",
    ports: [],
    namedPorts: [],
    notNets: [],
    notSelector: "",
    notPorts: [],
    notNamedPorts: [],
    originalSelector: "",
    originalNotSelector: "",
    originalNamespaceSelector: "",
    originalServiceAccountNames: [],
    originalServiceAccountSelector: "",
    ...overrides,
  };
}

/** An allow-everything rule; `overrides` replace fields. */
export function modelRule(overrides: Partial<Rule> = {}): Rule {
  return { action: "allow", src: ruleSide(), dst: ruleSide(), ...overrides };
}

/**
 * A global ingress policy in tier `default`, selecting `all()`, without order, rules or flags;
 * `overrides` replace fields.
 */
export function modelPolicy(overrides: Partial<Policy> = {}): Policy {
  return {
    tier: "default",
    order: null,
    selector: "all()",
    originalSelector: "all()",
    namespace: "",
    types: ["ingress"],
    inboundRules: [],
    outboundRules: [],
    untracked: false,
    preDNAT: false,
    applyOnForward: false,
    performanceHints: [],
    ...overrides,
  };
}

/** An active workload endpoint `cali1` with no addresses, labels or ports; `overrides` win. */
export function modelWorkloadEndpoint(overrides: Partial<WorkloadEndpoint> = {}): WorkloadEndpoint {
  return {
    state: "active",
    name: "cali1",
    profileIds: [],
    ipv4Nets: [],
    ipv6Nets: [],
    ipv4NAT: [],
    ipv6NAT: [],
    labels: {},
    ports: [],
    allowSpoofedSourcePrefixes: [],
    ...overrides,
  };
}

/** A host endpoint on interface `eth0` with no expected IPs, labels, profiles or ports. */
export function modelHostEndpoint(overrides: Partial<HostEndpoint> = {}): HostEndpoint {
  return {
    name: "eth0",
    expectedIPv4Addrs: [],
    expectedIPv6Addrs: [],
    labels: {},
    profileIds: [],
    ports: [],
    ...overrides,
  };
}

// ---- keys and KV updates ----

/** A policy key; global unless a kind and namespace are given. */
export function policyKey(
  name: string,
  policyKind: PolicyKind = "GlobalNetworkPolicy",
  namespace = "",
): PolicyKey {
  return { kind: "Policy", policyKind, namespace, name };
}

/** The key of Kubernetes pod `<namespace>/<pod>`'s `eth0` endpoint on `hostname`. */
export function wepKey(pod: string, hostname = "node1", namespace = "ns"): WorkloadEndpointKey {
  return {
    kind: "WorkloadEndpoint",
    hostname,
    orchestratorId: "k8s",
    workloadId: `${namespace}/${pod}`,
    endpointId: "eth0",
  };
}

/** The key of host endpoint `endpointId` on `hostname`. */
export function hepKey(endpointId: string, hostname = "node1"): HostEndpointKey {
  return { kind: "HostEndpoint", hostname, endpointId };
}

/**
 * An IP pool update: IPAM-enabled, automatic, no encapsulation, no NAT, for workloads and
 * tunnels; `overrides` replace fields. `ipipInterface` follows `ipipMode` as the model has it
 * (`tunl0` unless IPIP is `never`).
 */
export function ipPoolKV(cidr: string, overrides: Partial<IPPool> = {}): KVUpdate {
  const value: IPPool = {
    cidr,
    ipipInterface: (overrides.ipipMode ?? "never") === "never" ? "" : "tunl0",
    ipipMode: "never",
    vxlanMode: "never",
    masquerade: false,
    ipam: true,
    disabled: false,
    disableBGPExport: false,
    assignmentMode: "Automatic",
    allowedUses: ["Workload", "Tunnel"],
    ...overrides,
  };
  return kv({ kind: "IPPool", cidr }, value);
}

/** A Node resource update (a deletion when `spec` is null), with `labels` if given. */
export function nodeKV(
  name: string,
  spec: NodeSpec | null,
  labels?: Record<string, string>,
): KVUpdate {
  const key = { kind: "Resource", resourceKind: "Node", namespace: "", name } as const;
  const metadata = labels === undefined ? { name } : { name, labels };
  return kv(key, spec === null ? null : { kind: "Node", metadata, spec });
}

/** A per-host config update (a deletion when `value` is null). */
export function hostConfigKV(hostname: string, name: string, value: string | null): KVUpdate {
  return kv({ kind: "HostConfig", hostname, name }, value);
}

// ---- IP sets and their members ----

/** The selector IP set of `selector`. */
export function netSetData(selector: string): IPSetData {
  const s = parseSelector(selector);
  return { id: s.uniqueId(), type: "net", selector: s.toString() };
}

/** The named-port IP set of `selector`, `protocol` and `port`. */
export function namedPortSetData(
  selector: string,
  protocol: NamedPortProtocol,
  port: string,
): IPSetData {
  const s = parseSelector(selector);
  return {
    id: namedPortIPSetId(s, protocol, port),
    type: "ip-and-port",
    selector: s.toString(),
    namedPort: port,
    namedPortProtocol: protocol,
  };
}

/** An endpoint as the member index sees it; `nets` are split by family. */
export function memberData(
  labels: Record<string, string>,
  nets: readonly string[],
  ports: readonly EndpointPort[] = [],
  profileIds: readonly string[] = [],
): EndpointMemberData {
  return {
    labels,
    profileIds,
    ipv4Nets: nets.filter((n) => !n.includes(":")),
    ipv6Nets: nets.filter((n) => n.includes(":")),
    ports,
  };
}
