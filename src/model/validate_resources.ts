/**
 * The non-policy, non-endpoint Calico kinds: network sets, IP pools, Felix configuration,
 * cluster information, nodes and IPAM blocks.
 *
 * Enumerations are case-sensitive as upstream's: encapsulation modes `Never Always CrossSubnet`,
 * allowed uses `Workload Tunnel LoadBalancer`, assignment modes `Automatic Manual`, node address
 * types `CalicoNodeIP InternalIP ExternalIP`.
 *
 * @module
 */
import { parseCIDR } from "../lib/ip.ts";
import { opt } from "./json_build.ts";
import { asInteger, type DecodeContext, type ObjectReader } from "./json_reader.ts";
import { checkCIDR, readCIDR, readCIDRList, readIP, readMAC } from "./validate_net.ts";
import { readEnum, readEnumList } from "./field_enum.ts";
import { readSelector } from "./validate_selector.ts";
import type {
  ClusterInformationSpec,
  EncapMode,
  FelixConfigurationSpec,
  IPAMBlockSpec,
  IPPoolAllowedUse,
  IPPoolSpec,
  NetworkSetSpec,
  NodeAddress,
  NodeBGPSpec,
  NodeSpec,
  NodeStatus,
  NodeWireguardSpec,
  OrchRef,
} from "./v3_resources.ts";

const ENCAP_MODES: readonly EncapMode[] = ["Never", "Always", "CrossSubnet"];
const ALLOWED_USES: readonly IPPoolAllowedUse[] = ["Workload", "Tunnel", "LoadBalancer"];
const ASSIGNMENT_MODES: readonly ("Automatic" | "Manual")[] = ["Automatic", "Manual"];
const ADDRESS_TYPES: readonly ("CalicoNodeIP" | "InternalIP" | "ExternalIP")[] = [
  "CalicoNodeIP",
  "InternalIP",
  "ExternalIP",
];
/** Block sizes Calico IPAM accepts, by pool family. */
const BLOCK_SIZES = { 4: [20, 32], 6: [116, 128] } as const;

/** A GlobalNetworkSet / NetworkSet spec. */
export function decodeNetworkSetSpec(r: ObjectReader): NetworkSetSpec {
  return { ...opt("nets", readCIDRList(r, "nets")?.texts) };
}

function checkPool(r: ObjectReader, spec: IPPoolSpec): void {
  const cidr = parseCIDR(spec.cidr);
  const ipip = spec.ipipMode !== undefined && spec.ipipMode !== "Never";
  const vxlan = spec.vxlanMode !== undefined && spec.vxlanMode !== "Never";
  if (ipip && cidr?.family === 6) {
    r.ctx.error(r.at("ipipMode"), "IPIP is not supported on an IPv6 pool: must be Never");
  }
  if (ipip && vxlan) r.ctx.error(r.at("ipipMode"), "ipipMode and vxlanMode cannot both be enabled");
  if (cidr === undefined || spec.blockSize === undefined) return;
  const [min, max] = BLOCK_SIZES[cidr.family];
  if (spec.blockSize < min || spec.blockSize > max) {
    r.ctx.error(
      r.at("blockSize"),
      `${spec.blockSize} is not a valid blockSize for an IPv${cidr.family} pool: ` +
        `must be between ${min} and ${max}`,
    );
  }
}

/** An IPPool spec: a CIDR (kept as written), encapsulation modes, block size, selectors. */
export function decodeIPPoolSpec(r: ObjectReader): IPPoolSpec {
  const cidr = r.requiredString("cidr");
  if (cidr !== undefined) checkCIDR(r.ctx, r.at("cidr"), cidr);
  const spec: IPPoolSpec = {
    cidr: cidr ?? "",
    ...opt("vxlanMode", readEnum(r, "vxlanMode", ENCAP_MODES, "VXLAN mode")),
    ...opt("ipipMode", readEnum(r, "ipipMode", ENCAP_MODES, "IPIP mode")),
    ...opt("natOutgoing", r.boolean("natOutgoing")),
    ...opt("disabled", r.boolean("disabled")),
    ...opt("disableBGPExport", r.boolean("disableBGPExport")),
    ...opt("nodeSelector", readSelector(r, "nodeSelector")),
    ...opt("namespaceSelector", readSelector(r, "namespaceSelector")),
    ...opt("blockSize", r.integer("blockSize")),
    ...opt("allowedUses", readEnumList(r, "allowedUses", ALLOWED_USES, "allowed use")),
    ...opt("assignmentMode", readEnum(r, "assignmentMode", ASSIGNMENT_MODES, "assignment mode")),
  };
  checkPool(r, spec);
  return spec;
}

/**
 * A FelixConfiguration spec: any parameters, values copied as given (`config/` parses them);
 * only `nodeSelector`, when present, is checked as a selector.
 */
export function decodeFelixConfigurationSpec(r: ObjectReader): FelixConfigurationSpec {
  const out: Record<string, unknown> = {};
  for (const key of r.keys()) {
    const value = r.value(key);
    if (value !== undefined) out[key] = structuredClone(value);
  }
  if (typeof out["nodeSelector"] === "string") readSelector(r, "nodeSelector");
  return out;
}

/** A ClusterInformation spec. */
export function decodeClusterInformationSpec(r: ObjectReader): ClusterInformationSpec {
  return {
    ...opt("clusterGUID", r.string("clusterGUID")),
    ...opt("clusterType", r.string("clusterType")),
    ...opt("calicoVersion", r.string("calicoVersion")),
    ...opt("datastoreReady", r.boolean("datastoreReady")),
    ...opt("variant", r.string("variant")),
  };
}

const MAX_AS_NUMBER = 4294967295;
const AS_DOT = /^([0-9]+)(?:\.([0-9]+))?$/;

/** An AS number: a JSON integer, or a string in plain (`"64512"`) or dotted (`"1.10"`) form. */
function decodeASNumber(ctx: DecodeContext, path: string, v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === "string") {
    const m = AS_DOT.exec(v);
    if (m !== null) {
      n = m[2] === undefined
        ? Number(m[1])
        : Number(m[1]) <= 65535 && Number(m[2]) <= 65535
        ? Number(m[1]) * 65536 + Number(m[2])
        : undefined;
    }
  } else {
    n = asInteger(ctx, path, v);
    if (n === undefined) return undefined;
  }
  if (n !== undefined && n >= 0 && n <= MAX_AS_NUMBER) return n;
  ctx.error(path, `${JSON.stringify(v)} is not a valid AS number`);
  return undefined;
}

const BGP_FIELDS = [
  "asNumber",
  "ipv4Address",
  "ipv6Address",
  "ipv4IPIPTunnelAddr",
  "routeReflectorClusterID",
] as const;

function decodeNodeBGP(r: ObjectReader): NodeBGPSpec {
  const bgp: NodeBGPSpec = {
    ...opt("asNumber", r.get("asNumber", decodeASNumber)),
    ...opt("ipv4Address", readCIDR(r, "ipv4Address", 4)),
    ...opt("ipv6Address", readCIDR(r, "ipv6Address", 6)),
    ...opt("ipv4IPIPTunnelAddr", readIP(r, "ipv4IPIPTunnelAddr", 4)),
    ...opt("routeReflectorClusterID", readIP(r, "routeReflectorClusterID", 4)),
  };
  if (BGP_FIELDS.every((k) => !r.has(k))) {
    r.ctx.error(r.path, "must not be empty: omit bgp instead");
  }
  return bgp;
}

function decodeWireguard(r: ObjectReader): NodeWireguardSpec {
  return {
    ...opt("interfaceIPv4Address", readIP(r, "interfaceIPv4Address", 4)),
    ...opt("interfaceIPv6Address", readIP(r, "interfaceIPv6Address", 6)),
  };
}

function decodeOrchRef(r: ObjectReader): OrchRef {
  return {
    ...opt("nodeName", r.string("nodeName")),
    orchestrator: r.requiredString("orchestrator") ?? "",
  };
}

function decodeNodeAddress(r: ObjectReader): NodeAddress {
  const address = r.requiredString("address");
  if (address !== undefined) checkCIDR(r.ctx, r.at("address"), address);
  return {
    address: address ?? "",
    ...opt("type", readEnum(r, "type", ADDRESS_TYPES, "address type")),
  };
}

/** A Node spec. `interfaces` (a host's interface list) is accepted and not kept. */
export function decodeNodeSpec(r: ObjectReader): NodeSpec {
  r.ignore("interfaces");
  return {
    ...opt("bgp", r.object("bgp", decodeNodeBGP)),
    ...opt("ipv4VXLANTunnelAddr", readIP(r, "ipv4VXLANTunnelAddr", 4)),
    ...opt("vxlanTunnelMACAddr", readMAC(r, "vxlanTunnelMACAddr")),
    ...opt("ipv6VXLANTunnelAddr", readIP(r, "ipv6VXLANTunnelAddr", 6)),
    ...opt("vxlanTunnelMACAddrV6", readMAC(r, "vxlanTunnelMACAddrV6")),
    ...opt("wireguard", r.object("wireguard", decodeWireguard)),
    ...opt("orchRefs", r.objects("orchRefs", decodeOrchRef)),
    ...opt("addresses", r.objects("addresses", decodeNodeAddress)),
  };
}

const WIREGUARD_KEY = /^[A-Za-z0-9+/]{43}=$/;

function readWireguardKey(r: ObjectReader, key: string): string | undefined {
  const text = r.string(key);
  if (text !== undefined && text !== "" && !WIREGUARD_KEY.test(text)) {
    r.ctx.error(
      r.at(key),
      `${JSON.stringify(text)} is not a valid WireGuard public key: must be 32 bytes in base64`,
    );
  }
  return text;
}

/** A Node status. */
export function decodeNodeStatus(r: ObjectReader): NodeStatus {
  return {
    ...opt("wireguardPublicKey", readWireguardKey(r, "wireguardPublicKey")),
    ...opt("wireguardPublicKeyV6", readWireguardKey(r, "wireguardPublicKeyV6")),
    ...opt("podCIDRs", readCIDRList(r, "podCIDRs")?.texts),
  };
}

/** IPAM block fields Felix does not use: never warned about. */
const UNUSED_BLOCK_FIELDS = [
  "unallocated",
  "attributes",
  "strictAffinity",
  "sequenceNumber",
  "sequenceNumberForAllocation",
  "affinityClaimTime",
] as const;

function decodeAllocation(ctx: DecodeContext, path: string, v: unknown): number | null {
  if (v === null) return null;
  const n = asInteger(ctx, path, v);
  if (n !== undefined && n < 0) ctx.error(path, `${n} is not a valid allocation index`);
  return n ?? null;
}

/** An IPAM block spec: CIDR, `host:<node>` affinity, per-address allocations, deleted flag. */
export function decodeIPAMBlockSpec(r: ObjectReader): IPAMBlockSpec {
  r.ignore(...UNUSED_BLOCK_FIELDS);
  const cidr = r.requiredString("cidr");
  if (cidr !== undefined) checkCIDR(r.ctx, r.at("cidr"), cidr);
  const affinity = r.string("affinity");
  if (affinity !== undefined && !/^host:.+$/.test(affinity)) {
    r.ctx.error(
      r.at("affinity"),
      `${JSON.stringify(affinity)} is not a valid affinity: must be "host:<node>"`,
    );
  }
  return {
    cidr: cidr ?? "",
    ...opt("affinity", affinity),
    ...opt("allocations", r.list("allocations", decodeAllocation)),
    ...opt("deleted", r.boolean("deleted")),
  };
}
