/**
 * The IP sets of one family (reference/rules-rendering.md §2.4, §6): every set the calc graph
 * sent, with the members of this family, plus the fixed sets the static rules use.
 *
 * @module
 */
import { compareStrings } from "../../lib/order.ts";
import type { IPSetType } from "../../proto/messages.ts";
import { IPSetCache } from "./ip_set_cache.ts";
import { SET } from "./names.ts";
import type { RenderInput } from "./render_input.ts";
import type { IPVersion } from "./rule_model.ts";
import type { RulesetIPSet } from "./set_members.ts";

export { canonicalMember, collapseNets, type RulesetIPSet } from "./set_members.ts";
export { IPSetCache } from "./ip_set_cache.ts";

/** The sets of `version`, sorted by id. `cache` (of this version) reuses unchanged ones. */
export function ruleIPSets(
  input: RenderInput,
  version: IPVersion,
  cache: IPSetCache = new IPSetCache(),
): RulesetIPSet[] {
  const { config } = input;
  const sets: RulesetIPSet[] = [];
  for (const [id, set] of input.ipSets) {
    sets.push(cache.calcSet(id, set, version, input.ipSetChanges?.get(id)));
  }
  const fixed = (id: string, type: IPSetType, members: readonly string[]) =>
    sets.push(cache.fixedSet(id, type, members, version));
  const pools = [...input.ipPools.values()];
  const usable = pools.filter((p) =>
    !(p.allowedUses.length === 1 && p.allowedUses[0] === "LoadBalancer")
  );
  fixed(SET.allPools, "net", usable.map((p) => p.cidr));
  fixed(SET.masqPools, "net", pools.filter((p) => p.masquerade).map((p) => p.cidr));
  fixed(SET.thisHost, "ip", input.hostIPs);
  fixed(SET.dscpSources, "net", []);
  if (
    (version === 4 && config.ipipEnabled) || config.natOutgoingExclusions === "IPPoolsAndHostIPs"
  ) {
    fixed(SET.allHosts, "net", input.allHostsNets);
  }
  if (version === 4 ? config.vxlanEnabled : config.vxlanEnabledV6) {
    fixed(SET.allVXLANSources, "net", input.vxlanHostNets);
  }
  cache.nextGeneration();
  return sets.sort((x, y) => compareStrings(x.id, y.id));
}
