/**
 * Splitting an endpoint's sorted tiers into the proto `TierInfo` lists
 * (`reference/selectors-policy.md` §3.5, §4.4): workloads get the normal list only; host endpoints
 * get the normal, untracked, pre-DNAT and forward lists.
 *
 * @module
 */
import type { PolicyID, TierInfo } from "../proto/messages.ts";
import { governs, type PolicyMetadata, type SortedTier } from "./policy_sorter.ts";

/** The four tier lists of a host endpoint. */
export interface HostTierLists {
  readonly tiers: readonly TierInfo[];
  readonly untrackedTiers: readonly TierInfo[];
  readonly preDNATTiers: readonly TierInfo[];
  readonly forwardTiers: readonly TierInfo[];
}

/** Which policies a list takes, which directions it keeps, and its default action. */
interface Lane {
  readonly takes: (meta: PolicyMetadata) => boolean;
  readonly ingressOnly: boolean;
  /** A fixed default action (`Pass` for the early stages), or the tier's own when absent. */
  readonly defaultAction?: "Pass";
}

/** doNotTrack wins over preDNAT (validation forbids both; upstream checks doNotTrack first). */
const NORMAL: Lane = { takes: (m) => !m.untracked && !m.preDNAT, ingressOnly: false };
const UNTRACKED: Lane = { takes: (m) => m.untracked, ingressOnly: false, defaultAction: "Pass" };
const PRE_DNAT: Lane = {
  takes: (m) => !m.untracked && m.preDNAT,
  ingressOnly: true,
  defaultAction: "Pass",
};
const FORWARD: Lane = {
  takes: (m) => !m.untracked && !m.preDNAT && m.applyOnForward,
  ingressOnly: false,
};

/** One lane's TierInfos; a tier with no policy for either direction is dropped. */
function laneTiers(sorted: readonly SortedTier[], lane: Lane): TierInfo[] {
  const out: TierInfo[] = [];
  for (const tier of sorted) {
    const ingressPolicies: PolicyID[] = [];
    const egressPolicies: PolicyID[] = [];
    for (const { id, meta } of tier.policies) {
      if (!lane.takes(meta)) continue;
      if (governs(meta, "ingress")) ingressPolicies.push(id);
      if (!lane.ingressOnly && governs(meta, "egress")) egressPolicies.push(id);
    }
    if (ingressPolicies.length === 0 && egressPolicies.length === 0) continue;
    const defaultAction = lane.defaultAction ?? tier.defaultAction;
    out.push({ name: tier.name, ingressPolicies, egressPolicies, defaultAction });
  }
  return out;
}

/** A workload's tiers: untracked and pre-DNAT policies have no effect on workloads. */
export function workloadTiers(sorted: readonly SortedTier[]): TierInfo[] {
  return laneTiers(sorted, NORMAL);
}

/** A host endpoint's four lists. */
export function hostTiers(sorted: readonly SortedTier[]): HostTierLists {
  return {
    tiers: laneTiers(sorted, NORMAL),
    untrackedTiers: laneTiers(sorted, UNTRACKED),
    preDNATTiers: laneTiers(sorted, PRE_DNAT),
    forwardTiers: laneTiers(sorted, FORWARD),
  };
}
