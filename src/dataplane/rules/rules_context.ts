/**
 * What every chain builder needs for one IP version: the rule config, the mark bits, the
 * configured allow/deny actions and the chain-name limit of the backend.
 *
 * @module
 */
import { allocateMarkBits, type MarkBits } from "./mark_bits.ts";
import type { RulesConfig } from "./render_input.ts";
import type { Action, IPVersion } from "./rule_model.ts";

/** The per-version rendering context. */
export interface RulesContext {
  readonly version: IPVersion;
  readonly config: RulesConfig;
  readonly marks: MarkBits;
  /** The backend's chain-name limit (nft 256). */
  readonly maxNameLength: number;
  /** `FilterAllowAction`: accept, or return. */
  readonly filterAllow: Action;
  /** `MangleAllowAction`: accept, or return. */
  readonly mangleAllow: Action;
  /** `FilterDenyAction`: drop, or reject. */
  readonly deny: Action;
  /** The deny action's word in comments: `Drop` or `Reject`. */
  readonly denyWord: "Drop" | "Reject";
  /** One wildcard per workload interface prefix (`cali*`). */
  readonly workloadWildcards: readonly string[];
}

/** Builds the context; throws a RangeError if the mark mask is too narrow. */
export function rulesContext(
  config: RulesConfig,
  version: IPVersion,
  maxNameLength: number,
): RulesContext {
  const reject = config.filterDenyAction === "REJECT";
  return {
    version,
    config,
    marks: allocateMarkBits(config.markMask),
    maxNameLength,
    filterAllow: config.filterAllowAction === "RETURN" ? { kind: "return" } : { kind: "accept" },
    mangleAllow: config.mangleAllowAction === "RETURN" ? { kind: "return" } : { kind: "accept" },
    deny: reject ? { kind: "reject" } : { kind: "drop" },
    denyWord: reject ? "Reject" : "Drop",
    workloadWildcards: config.interfacePrefixes.map((p) => `${p}*`),
  };
}
