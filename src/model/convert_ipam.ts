/**
 * IPPool -> internal `IPPool` and IPAMBlock -> `AllocationBlock` (datastore-config.md §1.2).
 *
 * @module
 */
import { normaliseCIDR } from "../lib/ip.ts";
import type { BlockKey, IPPoolKey } from "./keys.ts";
import { kv } from "./kv.ts";
import type { EncapMode as V3EncapMode, IPAMBlock, IPPool as V3IPPool } from "./v3_resources.ts";
import type { EncapMode, IPPool } from "./values.ts";
import { type ConversionResult, opt, revisionOf } from "./convert_result.ts";

/** The interface IPIP traffic uses. */
export const IPIP_INTERFACE = "tunl0";

/** What a pool is for when `allowedUses` is unset (the API server's default). */
export const DEFAULT_ALLOWED_USES: readonly string[] = ["Workload", "Tunnel"];

/** `Always` -> `always`, `CrossSubnet` -> `cross-subnet`, anything else -> `never`. */
export function convertEncapMode(mode: V3EncapMode | undefined): EncapMode {
  switch (mode) {
    case "Always":
      return "always";
    case "CrossSubnet":
      return "cross-subnet";
    default:
      return "never";
  }
}

/** The key of a pool (its normalised CIDR), or undefined when the CIDR does not parse. */
export function ipPoolKeyOf(pool: V3IPPool): IPPoolKey | undefined {
  const cidr = normaliseCIDR(pool.spec.cidr);
  return cidr === undefined ? undefined : { kind: "IPPool", cidr };
}

/**
 * IPPool -> `IPPoolKey{cidr}`: `tunl0` when IPIP is on, modes lower-case, masquerade from
 * natOutgoing, ipam unless disabled, assignment mode `Automatic` unless set.
 */
export function convertIPPool(pool: V3IPPool): ConversionResult {
  const key = ipPoolKeyOf(pool);
  if (key === undefined) {
    return {
      updates: [],
      problems: [
        `Cannot convert IPPool "${pool.metadata.name}": spec.cidr "${pool.spec.cidr}" is not a CIDR`,
      ],
    };
  }
  const s = pool.spec;
  const ipipMode = convertEncapMode(s.ipipMode);
  const value: IPPool = {
    cidr: key.cidr,
    ipipInterface: ipipMode === "never" ? "" : IPIP_INTERFACE,
    ipipMode,
    vxlanMode: convertEncapMode(s.vxlanMode),
    masquerade: s.natOutgoing ?? false,
    ipam: !(s.disabled ?? false),
    disabled: s.disabled ?? false,
    disableBGPExport: s.disableBGPExport ?? false,
    assignmentMode: s.assignmentMode ?? "Automatic",
    allowedUses: s.allowedUses !== undefined && s.allowedUses.length > 0
      ? s.allowedUses
      : DEFAULT_ALLOWED_USES,
  };
  return { updates: [kv(key, value, revisionOf(pool.metadata))], problems: [] };
}

/** The key of a block (its normalised CIDR), or undefined when the CIDR does not parse. */
export function blockKeyOf(block: IPAMBlock): BlockKey | undefined {
  const cidr = normaliseCIDR(block.spec.cidr);
  return cidr === undefined ? undefined : { kind: "Block", cidr };
}

/** IPAMBlock -> `BlockKey{cidr}`; a block marked `deleted` deletes the key. */
export function convertIPAMBlock(block: IPAMBlock): ConversionResult {
  const key = blockKeyOf(block);
  if (key === undefined) {
    return {
      updates: [],
      problems: [
        `Cannot convert IPAMBlock "${block.metadata.name}": spec.cidr "${block.spec.cidr}" is not a CIDR`,
      ],
    };
  }
  const rev = revisionOf(block.metadata);
  if (block.spec.deleted === true) return { updates: [kv(key, null, rev)], problems: [] };
  const value = {
    cidr: key.cidr,
    ...opt("affinity", block.spec.affinity),
    allocations: block.spec.allocations ?? [],
  };
  return { updates: [kv(key, value, rev)], problems: [] };
}
