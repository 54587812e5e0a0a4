/**
 * The address-related parts of the Pod -> WorkloadEndpoint conversion: where a pod's IPs come
 * from, when a pod counts as finished, floating IPs and allowed source prefixes
 * (datastore-config.md §2.3).
 *
 * @module
 */
import { formatCIDR, maskCIDR, parseCIDR } from "../lib/ip.ts";
import type { Pod } from "./k8s.ts";
import type { IPNAT } from "./v3_resources.ts";

/** Annotations the CNI plugins write on pods. */
export const POD_ANNOTATIONS = {
  podIP: "cni.projectcalico.org/podIP",
  podIPs: "cni.projectcalico.org/podIPs",
  containerID: "cni.projectcalico.org/containerID",
  floatingIPs: "cni.projectcalico.org/floatingIPs",
  allowedSourcePrefixes: "cni.projectcalico.org/allowedSourcePrefixes",
  awsPodIPs: "vpc.amazonaws.com/pod-ips",
  networkStatus: "k8s.v1.cni.cncf.io/network-status",
} as const;

const FINISHED_PHASES: ReadonlySet<string> = new Set(["Failed", "Succeeded", "Completed"]);

/**
 * Why a pod has (or no longer has) no network: a finished phase, or deletion after the CNI
 * plugin cleared its IP annotation. Undefined while the pod is live.
 */
export function podFinishedReason(pod: Pod): string | undefined {
  const ann = pod.metadata.annotations ?? {};
  if (pod.metadata.deletionTimestamp !== undefined) {
    if (ann[POD_ANNOTATIONS.podIP] === "") {
      return `it is being deleted and annotation "${POD_ANNOTATIONS.podIP}" is empty`;
    }
    if (ann[POD_ANNOTATIONS.awsPodIPs] === "") {
      return `it is being deleted and annotation "${POD_ANNOTATIONS.awsPodIPs}" is empty`;
    }
  }
  const phase = pod.status?.phase;
  return phase !== undefined && FINISHED_PHASES.has(phase) ? `its phase is "${phase}"` : undefined;
}

function splitList(s: string | undefined): string[] {
  return s === undefined || s === "" ? [] : s.split(",").map((x) => x.trim());
}

/** The raw IP texts of a pod, from the first non-empty source, with the source's name. */
function podIPTexts(pod: Pod): { readonly source: string; readonly ips: string[] } {
  const ann = pod.metadata.annotations ?? {};
  const status = (pod.status?.podIPs ?? []).map((p) => p.ip);
  if (status.length > 0) return { source: "status.podIPs", ips: status };
  const podIP = pod.status?.podIP ?? "";
  if (podIP !== "") return { source: "status.podIP", ips: [podIP] };
  for (const a of [POD_ANNOTATIONS.podIPs, POD_ANNOTATIONS.podIP, POD_ANNOTATIONS.awsPodIPs]) {
    const ips = splitList(ann[a]);
    if (ips.length > 0) return { source: `annotation "${a}"`, ips };
  }
  return { source: "", ips: [] };
}

/**
 * The pod's IPs as CIDRs (bare IPs become /32 or /128, host bits cleared), in the first
 * non-empty source of: status.podIPs, status.podIP, the Calico podIPs and podIP annotations, the
 * AWS pod-ips annotation. An entry that does not parse fails the whole pod.
 */
export function podIPNetworks(pod: Pod): string[] | Error {
  const { source, ips } = podIPTexts(pod);
  const out: string[] = [];
  for (const ip of ips) {
    const c = parseCIDR(ip);
    if (c === undefined) return new Error(`${source} holds "${ip}", which is not an IP or CIDR`);
    out.push(formatCIDR(maskCIDR(c)));
  }
  return out;
}

function jsonStringList(text: string, annotation: string): string[] | Error {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return new Error(`annotation "${annotation}" is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string")) {
    return new Error(`annotation "${annotation}" must be a JSON list of strings`);
  }
  return parsed as string[];
}

/**
 * Floating IPs from annotation `cni.projectcalico.org/floatingIPs`: IPv4 entries map to the
 * pod's IPv4 address, IPv6 entries to its IPv6 address. The pod's IPs must be /32 or /128.
 */
export function podFloatingIPs(pod: Pod, ipNetworks: readonly string[]): IPNAT[] | Error {
  const text = pod.metadata.annotations?.[POD_ANNOTATIONS.floatingIPs];
  if (text === undefined || ipNetworks.length === 0) return [];
  const ips = jsonStringList(text, POD_ANNOTATIONS.floatingIPs);
  if (ips instanceof Error) return ips;
  let v4: string | undefined;
  let v6: string | undefined;
  for (const net of ipNetworks) {
    const [addr, prefix] = net.split("/");
    const v6Net = net.includes(":");
    if (prefix !== (v6Net ? "128" : "32")) {
      return new Error(`pod IP "${net}" must be a /${v6Net ? 128 : 32} to carry floating IPs`);
    }
    if (v6Net) v6 = addr;
    else v4 = addr;
  }
  const out: IPNAT[] = [];
  for (const ext of ips) {
    const internal = ext.includes(":") ? v6 : v4;
    if (internal !== undefined) out.push({ internalIP: internal, externalIP: ext });
  }
  return out;
}

/**
 * Source prefixes the pod may spoof, from annotation
 * `cni.projectcalico.org/allowedSourcePrefixes` (a JSON list of CIDRs, normalised). A bad entry
 * fails the whole pod.
 */
export function podAllowedSourcePrefixes(pod: Pod): string[] | Error {
  const text = pod.metadata.annotations?.[POD_ANNOTATIONS.allowedSourcePrefixes];
  if (text === undefined) return [];
  const list = jsonStringList(text, POD_ANNOTATIONS.allowedSourcePrefixes);
  if (list instanceof Error) return list;
  const out: string[] = [];
  for (const s of list) {
    const c = parseCIDR(s);
    if (c === undefined) {
      return new Error(
        `annotation "${POD_ANNOTATIONS.allowedSourcePrefixes}" holds "${s}", which is not a CIDR`,
      );
    }
    out.push(formatCIDR(maskCIDR(c)));
  }
  return out;
}
