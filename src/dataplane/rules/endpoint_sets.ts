/**
 * Which endpoint chains each local endpoint gets, per layer: workloads `cali-tw-`/`cali-fw-`
 * (filter); host endpoints `cali-th-`/`cali-fh-`/`cali-thfw-`/`cali-fhfw-` (filter), `cali-th-`
 * egress and, with pre-DNAT tiers, `cali-fh-` ingress (mangle), and, with untracked tiers,
 * `cali-th-`/`cali-fh-` (raw); plus the host-endpoint dispatch chains of each layer.
 *
 * @module
 */
import type { HostEndpoint, Policy, WorkloadEndpoint } from "../../proto/messages.ts";
import { dispatchTree } from "./dispatch.ts";
import { endpointChain, type EndpointChainSpec } from "./endpoint_chains.ts";
import { ALL_INTERFACES, CHAIN, objectChainName, PREFIX } from "./names.ts";
import type { RulesContext } from "./rules_context.ts";
import { type Chain, m, type Rule, rule } from "./rule_model.ts";

/** A host endpoint with its interface (`any-interface-at-all` for `*`). */
export interface HostEndpointOnIface {
  readonly iface: string;
  readonly endpoint: HostEndpoint;
}

/** Per-layer chains produced for host endpoints. */
export interface HostLayerChains {
  readonly filter: readonly Chain[];
  readonly mangle: readonly Chain[];
  readonly raw: readonly Chain[];
}

/** The two chains of a workload endpoint. */
export function workloadChains(
  ctx: RulesContext,
  wep: WorkloadEndpoint,
  policies: ReadonlyMap<string, Policy>,
): Chain[] {
  const base = {
    tiers: wep.tiers,
    profileIds: wep.profileIds,
    adminUp: wep.state === "active",
    allowAction: ctx.filterAllow,
    type: "normal",
  } as const;
  const to: EndpointChainSpec = {
    ...base,
    name: objectChainName(PREFIX.toWorkload, wep.name, ctx.maxNameLength),
    direction: "ingress",
    dropVXLAN: false,
    dropIPIP: false,
  };
  const from: EndpointChainSpec = {
    ...base,
    name: objectChainName(PREFIX.fromWorkload, wep.name, ctx.maxNameLength),
    direction: "egress",
    dropVXLAN: !ctx.config.allowVXLANPacketsFromWorkloads,
    dropIPIP: !ctx.config.allowIPIPPacketsFromWorkloads,
  };
  return [endpointChain(ctx, to, policies), endpointChain(ctx, from, policies)];
}

function hepSpec(
  ctx: RulesContext,
  prefix: string,
  hep: HostEndpointOnIface,
  rest: Pick<EndpointChainSpec, "type" | "direction" | "tiers" | "allowAction"> & {
    failsafeChain?: string;
  },
): EndpointChainSpec {
  const profileIds = rest.type === "normal" ? hep.endpoint.profileIds : [];
  return {
    name: objectChainName(prefix, hep.iface, ctx.maxNameLength),
    profileIds,
    adminUp: true,
    dropVXLAN: false,
    dropIPIP: false,
    ...rest,
  };
}

/** Builds one chain of the host endpoint being rendered from the rest of its spec. */
type HepChain = (prefix: string, spec: Parameters<typeof hepSpec>[3]) => Chain;

/** The chains of one host endpoint, per layer. */
export function hostEndpointChains(
  ctx: RulesContext,
  hep: HostEndpointOnIface,
  policies: ReadonlyMap<string, Policy>,
): HostLayerChains {
  const chain: HepChain = (prefix, spec) =>
    endpointChain(ctx, hepSpec(ctx, prefix, hep, spec), policies);
  return {
    filter: hepFilterChains(ctx, hep.endpoint, chain),
    mangle: hepMangleChains(ctx, hep.endpoint, chain),
    raw: hasUntracked(hep) ? hepRawChains(hep.endpoint, chain) : [],
  };
}

/** Filter: host-bound (with failsafes) and forwarded traffic, each direction. */
function hepFilterChains(ctx: RulesContext, ep: HostEndpoint, chain: HepChain): Chain[] {
  const allow = ctx.filterAllow;
  return [
    chain(PREFIX.toHost, {
      type: "normal",
      direction: "egress",
      tiers: ep.tiers,
      allowAction: allow,
      failsafeChain: CHAIN.failsafeOut,
    }),
    chain(PREFIX.fromHost, {
      type: "normal",
      direction: "ingress",
      tiers: ep.tiers,
      allowAction: allow,
      failsafeChain: CHAIN.failsafeIn,
    }),
    chain(PREFIX.toHostForward, {
      type: "forward",
      direction: "egress",
      tiers: ep.forwardTiers,
      allowAction: allow,
    }),
    chain(PREFIX.fromHostForward, {
      type: "forward",
      direction: "ingress",
      tiers: ep.forwardTiers,
      allowAction: allow,
    }),
  ];
}

/** Mangle: egress always, ingress only with pre-DNAT tiers. */
function hepMangleChains(ctx: RulesContext, ep: HostEndpoint, chain: HepChain): Chain[] {
  const mangle = [
    chain(PREFIX.toHost, {
      type: "normal",
      direction: "egress",
      tiers: ep.tiers,
      allowAction: { kind: "return" },
      failsafeChain: CHAIN.failsafeOut,
    }),
  ];
  if (ep.preDNATTiers.length > 0) {
    mangle.push(
      chain(PREFIX.fromHost, {
        type: "preDNAT",
        direction: "ingress",
        tiers: ep.preDNATTiers,
        allowAction: ctx.mangleAllow,
        failsafeChain: CHAIN.failsafeIn,
      }),
    );
  }
  return mangle;
}

/** Raw: the untracked tiers, each direction. */
function hepRawChains(ep: HostEndpoint, chain: HepChain): Chain[] {
  return [
    chain(PREFIX.toHost, {
      type: "untracked",
      direction: "egress",
      tiers: ep.untrackedTiers,
      allowAction: { kind: "accept" },
      failsafeChain: CHAIN.failsafeOut,
    }),
    chain(PREFIX.fromHost, {
      type: "untracked",
      direction: "ingress",
      tiers: ep.untrackedTiers,
      allowAction: { kind: "accept" },
      failsafeChain: CHAIN.failsafeIn,
    }),
  ];
}

/** Untracked policy applies to named interfaces only (ignored on `*` host endpoints). */
function hasUntracked(hep: HostEndpointOnIface): boolean {
  return hep.iface !== ALL_INTERFACES && hep.endpoint.untrackedTiers.length > 0;
}

function gotoDefault(ctx: RulesContext, prefix: string): Rule {
  return rule([], {
    kind: "goto",
    target: objectChainName(prefix, ALL_INTERFACES, ctx.maxNameLength),
  });
}

function skipWorkloads(ctx: RulesContext): Rule[] {
  return ctx.workloadWildcards.map((w) =>
    rule(
      [m.outIface(w)],
      { kind: "return" },
      "Skip egress WHEP policy for traffic to local workload",
    )
  );
}

/** The host-endpoint dispatch chains of every layer (always present; empty without HEPs). */
export function hostDispatchChains(
  ctx: RulesContext,
  heps: readonly HostEndpointOnIface[],
): HostLayerChains {
  const named = heps.filter((h) => h.iface !== ALL_INTERFACES);
  const all = heps.find((h) => h.iface === ALL_INTERFACES);
  const untracked = named.filter(hasUntracked).map((h) => h.iface);
  return {
    filter: filterDispatch(ctx, named.map((h) => h.iface), all !== undefined),
    mangle: mangleDispatch(ctx, named, all),
    raw: [
      ...tree(ctx, CHAIN.fromHostDispatch, PREFIX.fromHost, "in", untracked, []),
      ...tree(ctx, CHAIN.toHostDispatch, PREFIX.toHost, "out", untracked, []),
    ],
  };
}

function tree(
  ctx: RulesContext,
  chainName: string,
  endpointPrefix: string,
  dir: "in" | "out",
  ifaces: readonly string[],
  endRules: Rule[],
): Chain[] {
  return dispatchTree(ctx, ifaces, { chainName, endpointPrefix, dir, endRules });
}

/** A dispatch chain's last rules: `extra`, then a goto to the `*` host endpoint's chain. */
function end(ctx: RulesContext, prefix: string, on: boolean, extra: Rule[] = []): Rule[] {
  return on ? [...extra, gotoDefault(ctx, prefix)] : [];
}

/** Filter: host-bound and forwarded traffic, each direction, over every named interface. */
function filterDispatch(ctx: RulesContext, names: readonly string[], hasAll: boolean): Chain[] {
  const hook = (chainName: string, prefix: string, dir: "in" | "out") =>
    tree(ctx, chainName, prefix, dir, names, end(ctx, prefix, hasAll));
  return [
    ...hook(CHAIN.fromHostDispatch, PREFIX.fromHost, "in"),
    ...hook(CHAIN.toHostDispatch, PREFIX.toHost, "out"),
    ...hook(CHAIN.fromHepForwardDispatch, PREFIX.fromHostForward, "in"),
    ...hook(CHAIN.toHepForwardDispatch, PREFIX.toHostForward, "out"),
  ];
}

/** Mangle: ingress over interfaces with pre-DNAT tiers; egress over all, skipping workloads. */
function mangleDispatch(
  ctx: RulesContext,
  named: readonly HostEndpointOnIface[],
  all: HostEndpointOnIface | undefined,
): Chain[] {
  const preDNAT = named.filter((h) => h.endpoint.preDNATTiers.length > 0).map((h) => h.iface);
  const allPreDNAT = all !== undefined && all.endpoint.preDNATTiers.length > 0;
  const names = named.map((h) => h.iface);
  return [
    ...tree(
      ctx,
      CHAIN.fromHostDispatch,
      PREFIX.fromHost,
      "in",
      preDNAT,
      end(ctx, PREFIX.fromHost, allPreDNAT),
    ),
    ...tree(
      ctx,
      CHAIN.toHostDispatch,
      PREFIX.toHost,
      "out",
      names,
      end(ctx, PREFIX.toHost, all !== undefined, skipWorkloads(ctx)),
    ),
  ];
}
