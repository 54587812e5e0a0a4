/**
 * Kubernetes Pod -> v3 WorkloadEndpoint (datastore-config.md §2.3), and on to the internal
 * workload endpoint key/value.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Container, Pod } from "./k8s.ts";
import type { WorkloadEndpointKey } from "./keys.ts";
import { kv } from "./kv.ts";
import type { ObjectMeta } from "./object_meta.ts";
import type {
  EndpointPort,
  IPNAT,
  WorkloadEndpoint,
  WorkloadEndpointSpec,
} from "./v3_resources.ts";
import { type ConversionResult, displayName, NO_UPDATES, opt } from "./convert_result.ts";
import {
  NAMESPACE_LABEL,
  namespaceProfileName,
  ORCHESTRATOR_K8S,
  ORCHESTRATOR_LABEL,
  SERVICE_ACCOUNT_LABEL,
  serviceAccountProfileName,
} from "./convert_names.ts";
import {
  POD_ANNOTATIONS,
  podAllowedSourcePrefixes,
  podFinishedReason,
  podFloatingIPs,
  podIPNetworks,
} from "./convert_pod_ips.ts";
import { convertWorkloadEndpoint } from "./convert_endpoint.ts";

/** The interface-name prefix when FELIX_INTERFACEPREFIX is unset. */
export const DEFAULT_INTERFACE_PREFIX = "cali";
/** The endpoint id of every pod's endpoint. */
export const POD_ENDPOINT = "eth0";

/** Options of the Pod conversion. */
export interface PodConversionOptions {
  /** Host-side interface prefix; `cali` when absent. */
  readonly interfacePrefix?: string;
}

/** The outcome of converting a pod. */
export type PodConversion =
  /** A workload endpoint; `noIPsReason` says why it has no IPs (it is then deleted downstream). */
  | {
    readonly kind: "endpoint";
    readonly endpoint: WorkloadEndpoint;
    readonly noIPsReason?: string;
  }
  /** Never a workload endpoint (host-networked or unscheduled). */
  | { readonly kind: "skipped"; readonly reason: string }
  /** Should be an endpoint but the pod is malformed: its key is deleted. */
  | { readonly kind: "failed"; readonly key: WorkloadEndpointKey; readonly reason: string };

/** `prefix` + the first 11 hex digits of SHA-1(`<namespace>.<pod>`). */
export function podInterfaceName(namespace: string, pod: string, prefix = "cali"): string {
  const digest = createHash("sha1").update(`${namespace}.${pod}`, "utf8").digest("hex");
  return prefix + digest.slice(0, 11);
}

/** `<node>-k8s-<pod>-eth0`, with every `-` inside the node and pod names doubled. */
export function podWorkloadEndpointName(node: string, pod: string): string {
  const esc = (s: string) => s.replaceAll("-", "--");
  return `${esc(node)}-${ORCHESTRATOR_K8S}-${esc(pod)}-${POD_ENDPOINT}`;
}

function podNamespace(pod: Pod): string {
  return pod.metadata.namespace || "default";
}

/** The internal key of a scheduled pod's endpoint; undefined when the pod has no node. */
export function podWorkloadEndpointKey(pod: Pod): WorkloadEndpointKey | undefined {
  const node = pod.spec.nodeName ?? "";
  if (node === "") return undefined;
  return {
    kind: "WorkloadEndpoint",
    hostname: node,
    orchestratorId: ORCHESTRATOR_K8S,
    workloadId: `${podNamespace(pod)}/${pod.metadata.name}`,
    endpointId: POD_ENDPOINT,
  };
}

const PORT_PROTOCOLS: ReadonlySet<string> = new Set(["TCP", "UDP", "SCTP"]);

/** Ports with a number and a name or host port, from containers then init containers. */
export function podPorts(pod: Pod): EndpointPort[] {
  const containers: readonly Container[] = [
    ...(pod.spec.containers ?? []),
    ...(pod.spec.initContainers ?? []),
  ];
  const out: EndpointPort[] = [];
  for (const p of containers.flatMap((c) => c.ports ?? [])) {
    const protocol = p.protocol || "TCP";
    if (p.containerPort === 0 || !PORT_PROTOCOLS.has(protocol)) continue;
    if ((p.name ?? "") === "" && (p.hostPort ?? 0) === 0) continue;
    out.push({
      name: p.name ?? "",
      protocol,
      port: p.containerPort,
      ...opt("hostPort", p.hostPort || undefined),
      ...opt("hostIP", p.hostIP || undefined),
    });
  }
  return out;
}

function podLabels(pod: Pod): Record<string, string> {
  const sa = pod.spec.serviceAccountName ?? "";
  return {
    ...pod.metadata.labels,
    [NAMESPACE_LABEL]: podNamespace(pod),
    [ORCHESTRATOR_LABEL]: ORCHESTRATOR_K8S,
    ...(sa !== "" && sa.length < 63 ? { [SERVICE_ACCOUNT_LABEL]: sa } : {}),
  };
}

function endpointMeta(pod: Pod, node: string): ObjectMeta {
  const m = pod.metadata;
  const status = m.annotations?.[POD_ANNOTATIONS.networkStatus];
  return {
    name: podWorkloadEndpointName(node, m.name),
    namespace: podNamespace(pod),
    labels: podLabels(pod),
    ...opt(
      "annotations",
      status === undefined ? undefined : { [POD_ANNOTATIONS.networkStatus]: status },
    ),
    ...opt("resourceVersion", m.resourceVersion),
    ...opt("uid", m.uid),
    ...opt("creationTimestamp", m.creationTimestamp),
    ...opt("generateName", m.generateName),
  };
}

/** The addresses of a pod. */
interface PodAddresses {
  readonly ipNetworks: readonly string[];
  readonly ipNATs: readonly IPNAT[];
  readonly allowSpoofed: readonly string[];
}

const NO_ADDRESSES: PodAddresses = { ipNetworks: [], ipNATs: [], allowSpoofed: [] };

/** The addresses of a live pod: IPs, floating IPs, spoofable prefixes; or why the pod fails. */
function podAddresses(pod: Pod): PodAddresses | Error {
  const ipNetworks = podIPNetworks(pod);
  if (ipNetworks instanceof Error) return ipNetworks;
  const ipNATs = podFloatingIPs(pod, ipNetworks);
  if (ipNATs instanceof Error) return ipNATs;
  const allowSpoofed = podAllowedSourcePrefixes(pod);
  if (allowSpoofed instanceof Error) return allowSpoofed;
  return { ipNetworks, ipNATs, allowSpoofed };
}

function nonEmpty<T>(list: readonly T[]): readonly T[] | undefined {
  return list.length > 0 ? list : undefined;
}

function endpointSpec(
  pod: Pod,
  node: string,
  addrs: PodAddresses,
  prefix: string,
): WorkloadEndpointSpec {
  const ns = podNamespace(pod);
  const sa = pod.spec.serviceAccountName ?? "";
  const containerID = pod.metadata.annotations?.[POD_ANNOTATIONS.containerID];
  const saProfiles = sa === "" ? [] : [serviceAccountProfileName(ns, sa)];
  return {
    orchestrator: ORCHESTRATOR_K8S,
    node,
    pod: pod.metadata.name,
    endpoint: POD_ENDPOINT,
    ...opt("containerID", containerID || undefined),
    ...opt("serviceAccountName", sa || undefined),
    ipNetworks: addrs.ipNetworks,
    ...opt("ipNATs", nonEmpty(addrs.ipNATs)),
    profiles: [namespaceProfileName(ns), ...saProfiles],
    interfaceName: podInterfaceName(ns, pod.metadata.name, prefix),
    ports: podPorts(pod),
    ...opt("allowSpoofedSourcePrefixes", nonEmpty(addrs.allowSpoofed)),
  };
}

/**
 * Converts a pod. Host-networked and unscheduled pods are skipped; finished pods and pods
 * without an IP become endpoints without IPs (deleted downstream); a malformed IP or
 * annotation fails the pod.
 */
export function podToWorkloadEndpoint(pod: Pod, options: PodConversionOptions = {}): PodConversion {
  if (pod.spec.hostNetwork === true) return { kind: "skipped", reason: "it uses the host network" };
  const key = podWorkloadEndpointKey(pod);
  if (key === undefined) return { kind: "skipped", reason: "it is not scheduled to a node" };
  const node = key.hostname;
  const finished = podFinishedReason(pod);
  const addrs = finished === undefined ? podAddresses(pod) : NO_ADDRESSES;
  if (addrs instanceof Error) return { kind: "failed", key, reason: addrs.message };
  const prefix = options.interfacePrefix ?? DEFAULT_INTERFACE_PREFIX;
  const endpoint: WorkloadEndpoint = {
    kind: "WorkloadEndpoint",
    metadata: endpointMeta(pod, node),
    spec: endpointSpec(pod, node, addrs, prefix),
  };
  const noIPsReason = finished ?? (addrs.ipNetworks.length === 0 ? "it has no IP yet" : undefined);
  return { kind: "endpoint", endpoint, ...opt("noIPsReason", noIPsReason) };
}

/**
 * Pod -> its workload endpoint update: the endpoint, a deletion (no IPs, or a malformed pod, the
 * latter with a problem), or nothing for pods that are never endpoints.
 */
export function convertPod(pod: Pod, options: PodConversionOptions = {}): ConversionResult {
  const c = podToWorkloadEndpoint(pod, options);
  switch (c.kind) {
    case "skipped":
      return NO_UPDATES;
    case "failed":
      return {
        updates: [kv(c.key, null, pod.metadata.resourceVersion ?? "")],
        problems: [`Cannot convert Pod "${displayName(pod.metadata)}": ${c.reason}`],
      };
    case "endpoint":
      return convertWorkloadEndpoint(c.endpoint);
  }
}
