/**
 * Endpoints: HostEndpoint and WorkloadEndpoint specs and their named ports.
 *
 * @module
 */
import { cidrContains, parseCIDR } from "../lib/ip.ts";
import { opt } from "./json_build.ts";
import { asIntegerIn, asNumber, asString, MISSING, type ObjectReader } from "./json_reader.ts";
import { dnsSubdomainProblem, portNameProblem } from "./validate_meta.ts";
import { checkCIDR, readCIDRList, readIP, readIPList, readMAC } from "./validate_net.ts";
import { decodeProtocol, supportsPorts } from "./validate_protocol.ts";
import type {
  EndpointPort,
  HostEndpointSpec,
  IPNAT,
  QoSControls,
  WorkloadEndpointSpec,
} from "./v3_resources.ts";

const INTERFACE_NAME = /^[a-zA-Z0-9_.-]{1,15}$/;
const CONTAINER_ID = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** Reads an optional interface name; `allowAll` admits `*` (every interface). */
function readInterfaceName(r: ObjectReader, allowAll: boolean): string | undefined {
  const name = r.string("interfaceName");
  if (name === undefined || (allowAll && name === "*") || INTERFACE_NAME.test(name)) return name;
  r.ctx.error(
    r.at("interfaceName"),
    `${JSON.stringify(name)} is not a valid interface name: must be 1-15 characters from ` +
      "a-z, A-Z, 0-9, '_', '.' and '-'",
  );
  return name;
}

function readProfiles(r: ObjectReader): string[] | undefined {
  return r.list("profiles", (ctx, path, v) => {
    const name = asString(ctx, path, v);
    const problem = name === undefined ? undefined : dnsSubdomainProblem(name);
    if (problem !== undefined) {
      ctx.error(path, `${JSON.stringify(name)} is not a valid profile name: ${problem}`);
    }
    return name;
  });
}

function decodeEndpointPort(r: ObjectReader, nameRequired: boolean): EndpointPort {
  const name = nameRequired ? r.requiredString("name") : r.string("name");
  const problem = name === undefined || name === "" ? undefined : portNameProblem(name);
  if (problem !== undefined) {
    r.ctx.error(r.at("name"), `${JSON.stringify(name)} is not a valid port name: ${problem}`);
  }
  const protocol = r.get("protocol", decodeProtocol);
  if (!r.has("protocol")) r.ctx.error(r.at("protocol"), MISSING);
  if (protocol !== undefined && !supportsPorts(protocol)) {
    r.ctx.error(
      r.at("protocol"),
      `${JSON.stringify(protocol)} has no ports: must be TCP, UDP or SCTP`,
    );
  }
  const port = r.get("port", (ctx, path, v) => asIntegerIn(ctx, path, v, 1, 65535));
  if (!r.has("port")) r.ctx.error(r.at("port"), MISSING);
  const hostPort = r.get("hostPort", (ctx, path, v) => asIntegerIn(ctx, path, v, 0, 65535));
  if (!nameRequired && (name ?? "") === "" && (hostPort ?? 0) === 0) {
    r.ctx.error(r.at("name"), `${MISSING}: a port without a hostPort needs a name`);
  }
  return {
    name: name ?? "",
    protocol: protocol ?? "TCP",
    port: port ?? 0,
    ...opt("hostPort", hostPort),
    ...opt("hostIP", readIP(r, "hostIP")),
  };
}

/** A HostEndpoint spec: a node, and an interface name and/or expected IPs. */
export function decodeHostEndpointSpec(r: ObjectReader): HostEndpointSpec {
  const spec: HostEndpointSpec = {
    ...opt("node", r.requiredString("node")),
    ...opt("interfaceName", readInterfaceName(r, true)),
    ...opt("expectedIPs", readIPList(r, "expectedIPs")),
    ...opt("profiles", readProfiles(r)),
    ...opt("ports", r.objects("ports", (p) => decodeEndpointPort(p, true))),
  };
  if ((spec.interfaceName ?? "") === "" && (spec.expectedIPs ?? []).length === 0) {
    r.ctx.error(r.at("interfaceName"), "set interfaceName, expectedIPs or both");
  }
  return spec;
}

function decodeIPNAT(r: ObjectReader): IPNAT {
  const internalIP = r.requiredString("internalIP");
  const externalIP = r.requiredString("externalIP");
  const internal = internalIP === undefined
    ? undefined
    : checkCIDR(r.ctx, r.at("internalIP"), internalIP);
  const external = externalIP === undefined
    ? undefined
    : checkCIDR(r.ctx, r.at("externalIP"), externalIP);
  if (internal !== undefined && external !== undefined && internal.family !== external.family) {
    r.ctx.error(r.at("externalIP"), "internalIP and externalIP must be of the same IP version");
  }
  return { internalIP: internalIP ?? "", externalIP: externalIP ?? "" };
}

/** QoS controls: every field a number (bandwidths, bursts, rates, connection limits). */
function decodeQoS(r: ObjectReader): QoSControls {
  const out: Record<string, number> = {};
  for (const key of r.keys()) {
    const n = r.get(key, asNumber);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

function checkWorkloadNets(r: ObjectReader, spec: WorkloadEndpointSpec): void {
  const nets = (spec.ipNetworks ?? []).map((n) => parseCIDR(n));
  nets.forEach((c, i) => {
    if (c !== undefined && c.prefix !== (c.family === 4 ? 32 : 128)) {
      r.ctx.error(
        `${r.at("ipNetworks")}[${i}]`,
        `${JSON.stringify(spec.ipNetworks![i])} has more than one address: must be /32 or /128`,
      );
    }
  });
  (spec.ipNATs ?? []).forEach((nat, i) => {
    const inner = parseCIDR(nat.internalIP);
    if (inner === undefined) return;
    if (!nets.some((c) => c !== undefined && cidrContains(c, inner))) {
      r.ctx.error(
        `${r.at("ipNATs")}[${i}].internalIP`,
        `${JSON.stringify(nat.internalIP)} is not one of the endpoint's ipNetworks`,
      );
    }
  });
}

/** A WorkloadEndpoint spec. */
export function decodeWorkloadEndpointSpec(r: ObjectReader): WorkloadEndpointSpec {
  const containerID = r.string("containerID");
  if (containerID !== undefined && containerID !== "" && !CONTAINER_ID.test(containerID)) {
    r.ctx.error(r.at("containerID"), `${JSON.stringify(containerID)} is not a valid container ID`);
  }
  const spec: WorkloadEndpointSpec = {
    ...opt("orchestrator", r.string("orchestrator")),
    ...opt("workload", r.string("workload")),
    ...opt("node", r.string("node")),
    ...opt("containerID", containerID),
    ...opt("pod", r.string("pod")),
    ...opt("endpoint", r.string("endpoint")),
    ...opt("serviceAccountName", r.string("serviceAccountName")),
    ...opt("ipNetworks", readCIDRList(r, "ipNetworks")?.texts),
    ...opt("ipNATs", r.objects("ipNATs", decodeIPNAT)),
    ...opt("ipv4Gateway", readIP(r, "ipv4Gateway", 4)),
    ...opt("ipv6Gateway", readIP(r, "ipv6Gateway", 6)),
    ...opt("profiles", readProfiles(r)),
    ...opt("interfaceName", readInterfaceName(r, false)),
    ...opt("mac", readMAC(r, "mac")),
    ...opt("ports", r.objects("ports", (p) => decodeEndpointPort(p, false))),
    ...opt("allowSpoofedSourcePrefixes", readCIDRList(r, "allowSpoofedSourcePrefixes")?.texts),
    ...opt("qosControls", r.object("qosControls", decodeQoS)),
  };
  checkWorkloadNets(r, spec);
  return spec;
}
