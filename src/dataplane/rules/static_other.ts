/**
 * The static chains of the raw, mangle and nat layers (reference/rules-rendering.md §1.3-§1.5,
 * §5, §6): RPF anti-spoofing and untracked dispatch in raw, pre-DNAT dispatch and DNAT'd host
 * egress in mangle, floating-IP hooks and natOutgoing masquerade in nat.
 *
 * @module
 */
import { ipFamilyOf } from "../../lib/ip.ts";
import type { WorkloadEndpoint } from "../../proto/messages.ts";
import { CHAIN, SET } from "./names.ts";
import type { RulesContext } from "./rules_context.ts";
import { a, type Action, type Chain, m, type Match, type Rule, rule } from "./rule_model.ts";
import { failsafeChain, type KernelHook } from "./static_filter.ts";

/** A layer's static chains and the jumps from its kernel chains. */
export interface StaticLayer {
  readonly chains: readonly Chain[];
  readonly hooks: ReadonlyMap<string, KernelHook>;
}

function insertJump(target: string): KernelHook {
  return { inserts: [rule([], a.jump(target))], appends: [] };
}

function vxlanNotrack(ctx: RulesContext): Rule[] {
  const on = ctx.version === 4 ? ctx.config.vxlanEnabled : ctx.config.vxlanEnabledV6;
  const port: Match = { kind: "port", side: "dst", protocol: "udp", port: ctx.config.vxlanPort };
  return on ? [rule([m.proto("udp"), port], a.notrack())] : [];
}

/** `cali-rpf-skip`: accept spoofed sources a workload is allowed to use. */
function rpfSkipChain(ctx: RulesContext, weps: readonly WorkloadEndpoint[]): Chain {
  const rules: Rule[] = [];
  for (const wep of weps) {
    for (const prefix of wep.allowSpoofedSourcePrefixes) {
      if (ipFamilyOf(prefix) !== ctx.version) continue;
      rules.push(rule([m.inIface(wep.name), m.srcNet(prefix)], a.accept()));
    }
  }
  return { name: CHAIN.rpfSkip, rules };
}

/** The raw layer. `weps` are the local workloads (sorted by interface). */
export function staticRaw(ctx: RulesContext, weps: readonly WorkloadEndpoint[]): StaticLayer {
  const { marks } = ctx;
  const fromWl = marks.scratch0;
  const prerouting: Rule[] = [
    rule([], a.clearMark(marks.allCalico)),
    ...vxlanNotrack(ctx),
    ...ctx.workloadWildcards.map((w) => rule([m.inIface(w)], a.setMark(fromWl))),
    rule([m.markSet(fromWl)], a.jump(CHAIN.rpfSkip)),
    rule([m.markSet(fromWl), { kind: "rpfFailed" }], ctx.deny),
    rule([m.markClear(fromWl)], a.jump(CHAIN.fromHostDispatch)),
    rule([m.markSet(marks.accept)], a.accept()),
  ];
  const output: Rule[] = [
    rule([], a.clearMark(marks.allCalico)),
    rule([], a.jump(CHAIN.toHostDispatch)),
    ...vxlanNotrack(ctx),
    rule([m.markSet(marks.accept)], a.accept()),
  ];
  return {
    chains: [
      { name: CHAIN.prerouting, rules: prerouting },
      { name: CHAIN.output, rules: output },
      rpfSkipChain(ctx, weps),
      failsafeChain(ctx, "in", true),
      failsafeChain(ctx, "out", true),
    ],
    hooks: new Map([["PREROUTING", insertJump(CHAIN.prerouting)], [
      "OUTPUT",
      insertJump(CHAIN.output),
    ]]),
  };
}

/** The mangle layer. */
export function staticMangle(ctx: RulesContext): StaticLayer {
  const { marks, mangleAllow } = ctx;
  const prerouting: Rule[] = [
    rule([m.ctEstablished()], mangleAllow),
    rule([m.markSet(marks.accept)], mangleAllow),
    rule([], a.jump(CHAIN.fromHostDispatch)),
    rule([m.markSet(marks.accept)], mangleAllow, "Host endpoint policy accepted packet."),
  ];
  const postrouting: Rule[] = [
    rule(
      [m.srcSet(SET.dscpSources), m.dstSet(SET.allPools, true), m.dstSet(SET.thisHost, true)],
      a.jump(CHAIN.egressDscp),
      "set dscp for traffic leaving cluster.",
    ),
    rule([m.markSet(marks.accept)], a.ret()),
    rule([], a.clearMark(marks.allCalico)),
    rule([{ kind: "ctStatusDNAT", negate: false }], a.jump(CHAIN.toHostDispatch)),
    rule([m.markSet(marks.accept)], a.ret(), "Host endpoint policy accepted packet."),
  ];
  return {
    chains: [
      { name: CHAIN.prerouting, rules: prerouting },
      { name: CHAIN.postrouting, rules: postrouting },
      { name: CHAIN.egressDscp, rules: [] },
      failsafeChain(ctx, "in", false),
      failsafeChain(ctx, "out", false),
    ],
    hooks: new Map([
      ["PREROUTING", insertJump(CHAIN.prerouting)],
      ["POSTROUTING", insertJump(CHAIN.postrouting)],
    ]),
  };
}

/** The masquerade (or SNAT) action, optionally limited to a port range. */
function natAction(ctx: RulesContext, ports?: string): Action {
  const { natOutgoingAddress: addr, natRandomFully: fullyRandom } = ctx.config;
  if (addr === "") {
    return ports === undefined
      ? { kind: "masquerade", fullyRandom }
      : { kind: "masquerade", toPorts: ports, fullyRandom };
  }
  const host = ipFamilyOf(addr) === 6 && ports !== undefined ? `[${addr}]` : addr;
  return { kind: "snat", to: ports === undefined ? host : `${host}:${ports}`, fullyRandom };
}

/** `cali-nat-outgoing`: masquerade from masquerading pools to anywhere outside the pools. */
export function natOutgoingChain(ctx: RulesContext, active: boolean): Chain {
  if (!active) return { name: CHAIN.natOutgoing, rules: [] };
  const { config } = ctx;
  const natRule = (protocol: string | undefined, action: Action): Rule => {
    const terms: Match[] = [m.srcSet(SET.masqPools), m.dstSet(SET.allPools, true)];
    if (config.natOutgoingExclusions === "IPPoolsAndHostIPs") {
      terms.push(m.dstSet(SET.allHosts, true));
    }
    if (protocol !== undefined) terms.push(m.proto(protocol));
    if (config.natOutgoingInterfaceFilter !== "") {
      terms.push(m.outIface(config.natOutgoingInterfaceFilter));
    }
    return rule(terms, action);
  };
  const range = config.natPortRange;
  if (range === undefined || range.max <= 0) {
    return { name: CHAIN.natOutgoing, rules: [natRule(undefined, natAction(ctx))] };
  }
  const ported = natAction(ctx, `${range.min}-${range.max}`);
  return {
    name: CHAIN.natOutgoing,
    rules: [
      natRule("tcp", ported),
      natRule("tcp", a.ret()),
      natRule("udp", ported),
      natRule("udp", a.ret()),
      natRule(undefined, natAction(ctx)),
    ],
  };
}

function tunnelMasquerade(ctx: RulesContext): Rule[] {
  const { config, version } = ctx;
  const tunnels: string[] = [];
  if (version === 4 && config.ipipEnabled && config.ipipTunnelAddress !== "") tunnels.push("tunl0");
  if (version === 4 && config.vxlanEnabled && config.vxlanTunnelAddress !== "") {
    tunnels.push("vxlan.calico");
  }
  if (version === 6 && config.vxlanEnabledV6 && config.vxlanTunnelAddressV6 !== "") {
    tunnels.push("vxlan-v6.calico");
  }
  return tunnels.map((t) =>
    rule([
      m.outIface(t),
      { kind: "addrTypeLocal", side: "src", negate: true, limitIfaceOut: true },
      m.srcLocal(),
    ], { kind: "masquerade", fullyRandom: config.natRandomFully })
  );
}

/** The nat layer. `natOutgoingActive`: some pool of this family masquerades. */
export function staticNat(ctx: RulesContext, natOutgoingActive: boolean): StaticLayer {
  return {
    chains: [
      { name: CHAIN.prerouting, rules: [rule([], a.jump(CHAIN.fipDnat))] },
      {
        name: CHAIN.postrouting,
        rules: [
          rule([], a.jump(CHAIN.fipSnat)),
          rule([], a.jump(CHAIN.natOutgoing)),
          ...tunnelMasquerade(ctx),
        ],
      },
      { name: CHAIN.output, rules: [rule([], a.jump(CHAIN.fipDnat))] },
      natOutgoingChain(ctx, natOutgoingActive),
      { name: CHAIN.fipDnat, rules: [] },
      { name: CHAIN.fipSnat, rules: [] },
    ],
    hooks: new Map<string, KernelHook>([
      ["PREROUTING", insertJump(CHAIN.prerouting)],
      ["OUTPUT", insertJump(CHAIN.output)],
      ["POSTROUTING", { inserts: [], appends: [rule([], a.jump(CHAIN.postrouting))] }],
    ]),
  };
}
