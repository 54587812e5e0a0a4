/**
 * The managers' shared record of what the renderer needs: keyed maps that managers update from
 * proto messages, and `snapshot()`, which hands out an immutable `RenderInput`. Copy-on-write:
 * a snapshot shares the maps until the next change to a section, which copies that section first
 * (and an IP set's members are copied once per snapshot before a delta touches them), so a
 * snapshot never changes after it was taken (STYLE rule 5). A snapshot also says which IP sets
 * changed only by member deltas since the previous snapshot (`ipSetChanges`: the previous object
 * and the exact members added and removed), so a renderer can patch those sets.
 *
 * @module
 */
import { deepEqual } from "../../lib/deep_equal.ts";
import type { IPAMPoolUpdate, IPSetType, Policy, WorkloadEndpoint } from "../../proto/messages.ts";
import type {
  IPSetChange,
  RenderHostEndpoint,
  RenderInput,
  RenderIPSet,
  RenderProfile,
  RulesConfig,
} from "../rules/render_input.ts";

type Section =
  | "ipSets"
  | "policies"
  | "profiles"
  | "workloadEndpoints"
  | "hostEndpoints"
  | "ipPools";

interface MutableIPSet {
  readonly type: IPSetType;
  members: Set<string>;
}

/** Member deltas applied to a copy of `from` (a set the last snapshot handed out). */
interface SetDelta {
  readonly from: RenderIPSet;
  readonly added: Set<string>;
  readonly removed: Set<string>;
}

/** Records that `m` was added to (or removed from) the copy of `d.from`, keeping `d` exact. */
function trackMember(d: SetDelta, m: string, added: boolean): void {
  const before = d.from.members.has(m);
  if (added) {
    if (before) d.removed.delete(m);
    else d.added.add(m);
  } else if (before) d.removed.add(m);
  else d.added.delete(m);
}

/** The render input under construction. */
export class RenderState {
  #config: RulesConfig;
  #ipSets = new Map<string, MutableIPSet>();
  #policies = new Map<string, Policy>();
  #profiles = new Map<string, RenderProfile>();
  #weps = new Map<string, WorkloadEndpoint>();
  #heps = new Map<string, RenderHostEndpoint>();
  #pools = new Map<string, IPAMPoolUpdate["pool"]>();
  #hostIPs: readonly string[] = [];
  #allHostsNets: readonly string[] = [];
  #vxlanHostNets: readonly string[] = [];
  /** Sections the last snapshot shares (must be copied before the next write). */
  readonly #shared = new Set<Section>();
  /** IP sets whose member set the last snapshot shares. */
  #sharedMembers = new Set<string>();
  /** IP sets changed only by member deltas since the last snapshot, relative to its object. */
  #deltas = new Map<string, SetDelta>();
  #version = 0;
  #snapshot: { version: number; input: RenderInput } | undefined;

  constructor(config: RulesConfig) {
    this.#config = config;
  }

  /** Increases on every change; equal versions mean equal snapshots. */
  get version(): number {
    return this.#version;
  }

  get config(): RulesConfig {
    return this.#config;
  }

  /** This host's addresses as last set. */
  get hostIPs(): readonly string[] {
    return this.#hostIPs;
  }

  setConfig(config: RulesConfig): void {
    if (JSON.stringify(config) === JSON.stringify(this.#config)) return;
    this.#config = config;
    this.#version++;
  }

  #write(section: Section): void {
    this.#version++;
    if (!this.#shared.delete(section)) return;
    switch (section) {
      case "ipSets":
        this.#ipSets = new Map(this.#ipSets);
        return;
      case "policies":
        this.#policies = new Map(this.#policies);
        return;
      case "profiles":
        this.#profiles = new Map(this.#profiles);
        return;
      case "workloadEndpoints":
        this.#weps = new Map(this.#weps);
        return;
      case "hostEndpoints":
        this.#heps = new Map(this.#heps);
        return;
      case "ipPools":
        this.#pools = new Map(this.#pools);
        return;
    }
  }

  /** Replace a whole IP set. */
  setIPSet(id: string, type: IPSetType, members: readonly string[]): void {
    this.#write("ipSets");
    this.#ipSets.set(id, { type, members: new Set(members) });
    this.#sharedMembers.delete(id);
    this.#deltas.delete(id);
  }

  /** Apply a member delta; ignored for an unknown set. */
  updateIPSet(id: string, added: readonly string[], removed: readonly string[]): void {
    const s = this.#ipSets.get(id);
    if (s === undefined || added.length + removed.length === 0) return;
    this.#write("ipSets");
    let target = s;
    if (this.#sharedMembers.delete(id)) {
      target = { type: s.type, members: new Set(s.members) };
      this.#ipSets.set(id, target);
      this.#deltas.set(id, { from: s, added: new Set(), removed: new Set() });
    }
    const delta = this.#deltas.get(id);
    for (const m of removed) {
      if (target.members.delete(m) && delta !== undefined) trackMember(delta, m, false);
    }
    for (const m of added) {
      if (target.members.has(m)) continue;
      target.members.add(m);
      if (delta !== undefined) trackMember(delta, m, true);
    }
  }

  deleteIPSet(id: string): void {
    if (!this.#ipSets.has(id)) return;
    this.#write("ipSets");
    this.#ipSets.delete(id);
    this.#sharedMembers.delete(id);
    this.#deltas.delete(id);
  }

  setPolicy(id: string, policy: Policy | undefined): void {
    if (policy === undefined && !this.#policies.has(id)) return;
    this.#write("policies");
    if (policy === undefined) this.#policies.delete(id);
    else this.#policies.set(id, policy);
  }

  setProfile(id: string, profile: RenderProfile | undefined): void {
    if (profile === undefined && !this.#profiles.has(id)) return;
    this.#write("profiles");
    if (profile === undefined) this.#profiles.delete(id);
    else this.#profiles.set(id, profile);
  }

  setWorkloadEndpoint(id: string, endpoint: WorkloadEndpoint | undefined): void {
    if (endpoint === undefined && !this.#weps.has(id)) return;
    this.#write("workloadEndpoints");
    if (endpoint === undefined) this.#weps.delete(id);
    else this.#weps.set(id, endpoint);
  }

  /** Replace every resolved host endpoint (the resolver recomputes them together). */
  setHostEndpoints(heps: ReadonlyMap<string, RenderHostEndpoint>): void {
    const same = heps.size === this.#heps.size && [...heps].every(([k, v]) => {
      const o = this.#heps.get(k);
      return o !== undefined && o.endpoint === v.endpoint && o.interfaceName === v.interfaceName;
    });
    if (same) return;
    this.#version++;
    this.#shared.delete("hostEndpoints");
    this.#heps = new Map(heps);
  }

  setIPPool(id: string, pool: IPAMPoolUpdate["pool"] | undefined): void {
    if (pool === undefined && !this.#pools.has(id)) return;
    this.#write("ipPools");
    if (pool === undefined) this.#pools.delete(id);
    else this.#pools.set(id, pool);
  }

  setHostIPs(ips: readonly string[]): void {
    if (deepEqual(ips, this.#hostIPs)) return;
    this.#version++;
    this.#hostIPs = [...ips];
  }

  setAllHostsNets(nets: readonly string[]): void {
    if (deepEqual(nets, this.#allHostsNets)) return;
    this.#version++;
    this.#allHostsNets = [...nets];
  }

  setVXLANHostNets(nets: readonly string[]): void {
    if (deepEqual(nets, this.#vxlanHostNets)) return;
    this.#version++;
    this.#vxlanHostNets = [...nets];
  }

  /** The current input; the same object until the next change. Never mutated afterwards. */
  snapshot(): RenderInput {
    if (this.#snapshot?.version === this.#version) return this.#snapshot.input;
    for (
      const s of [
        "ipSets",
        "policies",
        "profiles",
        "workloadEndpoints",
        "hostEndpoints",
        "ipPools",
      ] as const
    ) {
      this.#shared.add(s);
    }
    this.#sharedMembers = new Set(this.#ipSets.keys());
    const ipSetChanges = new Map<string, IPSetChange>();
    for (const [id, d] of this.#deltas) {
      ipSetChanges.set(id, { from: d.from, added: [...d.added], removed: [...d.removed] });
    }
    this.#deltas = new Map();
    const input: RenderInput = {
      config: this.#config,
      ipSets: this.#ipSets as ReadonlyMap<string, RenderIPSet>,
      policies: this.#policies,
      profiles: this.#profiles,
      workloadEndpoints: this.#weps,
      hostEndpoints: this.#heps,
      ipPools: this.#pools,
      hostIPs: this.#hostIPs,
      allHostsNets: this.#allHostsNets,
      vxlanHostNets: this.#vxlanHostNets,
      ipSetChanges,
    };
    this.#snapshot = { version: this.#version, input };
    return input;
  }
}
