/**
 * Kubernetes NetworkPolicy -> a v3 NetworkPolicy (datastore-config.md §2.5), which then goes
 * through the ordinary policy conversion under `PolicyKey{KubernetesNetworkPolicy, ns, name}`.
 *
 * @module
 */
import { normaliseCIDR } from "../lib/ip.ts";
import type {
  KubernetesNetworkPolicy,
  LabelSelector,
  LabelSelectorRequirement,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from "./k8s.ts";
import type { EntityRule, NetworkPolicy, PolicyType, Port, Rule } from "./v3_policy.ts";
import { type ConversionResult, displayName, opt } from "./convert_result.ts";
import { ORCHESTRATOR_K8S, ORCHESTRATOR_LABEL } from "./convert_names.ts";
import { groupPorts, simplifyPorts } from "./convert_k8s_ports.ts";
import { convertPolicy, DEFAULT_TIER } from "./convert_policy.ts";

/** The order every converted Kubernetes NetworkPolicy gets. */
export const K8S_POLICY_ORDER = 1000;

const ORCHESTRATOR_CLAUSE = `${ORCHESTRATOR_LABEL} == '${ORCHESTRATOR_K8S}'`;

function requirementClause(e: LabelSelectorRequirement): string {
  const values = (e.values ?? []).join("', '");
  switch (e.operator) {
    case "In":
      return `${e.key} in { '${values}' }`;
    case "NotIn":
      return `${e.key} not in { '${values}' }`;
    case "Exists":
      return `has(${e.key})`;
    case "DoesNotExist":
      return `! has(${e.key})`;
  }
}

function labelClauses(s: LabelSelector): string[] {
  const labels = s.matchLabels ?? {};
  const keys = Object.keys(labels).sort();
  return [
    ...keys.map((k) => `${k} == '${labels[k]}'`),
    ...(s.matchExpressions ?? []).map(requirementClause),
  ];
}

/**
 * A pod selector as Calico selector text: the orchestrator clause, then `k == 'v'` per
 * matchLabels entry (keys sorted), then one clause per matchExpression, joined by ` && `.
 */
export function podSelectorToCalico(s: LabelSelector | undefined): string {
  return [ORCHESTRATOR_CLAUSE, ...(s === undefined ? [] : labelClauses(s))].join(" && ");
}

/** A namespace selector as Calico selector text: "" when absent, `all()` when empty. */
export function namespaceSelectorToCalico(s: LabelSelector | undefined): string {
  if (s === undefined) return "";
  const clauses = labelClauses(s);
  return clauses.length === 0 ? "all()" : clauses.join(" && ");
}

/** The entity fields of one peer (ipBlock, or pod/namespace selectors). */
function peerFields(peer: NetworkPolicyPeer | undefined, field: string): EntityRule | Error {
  if (peer === undefined) return {};
  if (peer.ipBlock !== undefined) {
    const cidr = normaliseCIDR(peer.ipBlock.cidr);
    if (cidr === undefined) {
      return new Error(`${field}.ipBlock.cidr "${peer.ipBlock.cidr}" is not a CIDR`);
    }
    const notNets: string[] = [];
    for (const [i, e] of (peer.ipBlock.except ?? []).entries()) {
      const n = normaliseCIDR(e);
      if (n === undefined) return new Error(`${field}.ipBlock.except[${i}] "${e}" is not a CIDR`);
      notNets.push(n);
    }
    return { nets: [cidr], ...(notNets.length > 0 ? { notNets } : {}) };
  }
  const nsSel = namespaceSelectorToCalico(peer.namespaceSelector);
  return {
    selector: podSelectorToCalico(peer.podSelector),
    ...(nsSel === "" ? {} : { namespaceSelector: nsSel }),
  };
}

function portsField(ports: readonly Port[]): EntityRule {
  return ports.length === 0 ? {} : { ports };
}

/** One k8s rule -> Calico rules: one per (protocol x peer), protocols in sorted order. */
function convertK8sRule(
  peers: readonly NetworkPolicyPeer[] | undefined,
  ports: readonly NetworkPolicyPort[] | undefined,
  ingress: boolean,
  field: string,
): Rule[] | Error {
  const grouped = groupPorts(ports);
  if (grouped instanceof Error) return new Error(`${field}.${grouped.message}`);
  const peerList = peers === undefined || peers.length === 0 ? [undefined] : peers;
  const peerName = ingress ? "from" : "to";
  const out: Rule[] = [];
  for (const protocol of [...grouped.keys()].sort()) {
    const protoPorts = portsField(simplifyPorts(grouped.get(protocol) ?? []));
    for (const [i, peer] of peerList.entries()) {
      const entity = peerFields(peer, `${field}.${peerName}[${i}]`);
      if (entity instanceof Error) return entity;
      const sides = ingress
        ? { ...nonEmpty("source", entity), ...nonEmpty("destination", protoPorts) }
        : nonEmpty("destination", { ...entity, ...protoPorts });
      out.push({ action: "Allow", ...(protocol === "" ? {} : { protocol }), ...sides });
    }
  }
  return out;
}

/** `{ [key]: e }` unless `e` has no fields. */
function nonEmpty<K extends "source" | "destination">(
  key: K,
  e: EntityRule,
): { [P in K]?: EntityRule } {
  return opt(key, Object.keys(e).length === 0 ? undefined : e);
}

function policyTypes(np: KubernetesNetworkPolicy): PolicyType[] {
  const listed = np.spec.policyTypes ?? [];
  return listed.length === 0 ? ["Ingress"] : [...new Set(listed)];
}

/** The v3 NetworkPolicy of a Kubernetes NetworkPolicy, with the rules that had to be dropped. */
export interface K8sPolicyConversion {
  readonly policy: NetworkPolicy;
  readonly problems: readonly string[];
}

/**
 * Converts a Kubernetes NetworkPolicy: tier `default`, order 1000, the pod selector with the
 * orchestrator clause, types from policyTypes (none listed => Ingress), all rules `Allow`. A
 * rule that cannot be converted (a bad port or CIDR) is dropped and reported; others are kept.
 */
export function k8sNetworkPolicyToV3(np: KubernetesNetworkPolicy): K8sPolicyConversion {
  const problems: string[] = [];
  const name = `Kubernetes NetworkPolicy "${displayName(np.metadata)}"`;
  const collect = (rules: Rule[] | Error, out: Rule[]): void => {
    if (rules instanceof Error) problems.push(`Dropped a rule of ${name}: ${rules.message}`);
    else out.push(...rules);
  };
  const ingress: Rule[] = [];
  const egress: Rule[] = [];
  for (const [i, r] of (np.spec.ingress ?? []).entries()) {
    collect(convertK8sRule(r.from, r.ports, true, `spec.ingress[${i}]`), ingress);
  }
  for (const [i, r] of (np.spec.egress ?? []).entries()) {
    collect(convertK8sRule(r.to, r.ports, false, `spec.egress[${i}]`), egress);
  }
  const types = policyTypes(np);
  if ((np.spec.egress ?? []).length > 0 && !types.includes("Egress")) {
    problems.push(`${name} has egress rules but no Egress policy type: they have no effect`);
  }
  const m = np.metadata;
  const policy: NetworkPolicy = {
    kind: "NetworkPolicy",
    metadata: {
      name: m.name,
      namespace: m.namespace ?? "default",
      ...opt("resourceVersion", m.resourceVersion),
      ...opt("uid", m.uid),
      ...opt("creationTimestamp", m.creationTimestamp),
    },
    spec: {
      tier: DEFAULT_TIER,
      order: K8S_POLICY_ORDER,
      selector: podSelectorToCalico(np.spec.podSelector),
      types,
      ingress,
      egress,
    },
  };
  return { policy, problems };
}

/** Kubernetes NetworkPolicy -> `PolicyKey{KubernetesNetworkPolicy, ns, name}`. */
export function convertK8sNetworkPolicy(np: KubernetesNetworkPolicy): ConversionResult {
  const { policy, problems } = k8sNetworkPolicyToV3(np);
  const r = convertPolicy(policy, "KubernetesNetworkPolicy");
  return { updates: r.updates, problems: [...problems, ...r.problems] };
}
