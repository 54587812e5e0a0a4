/**
 * The static chains of the filter layer (reference/rules-rendering.md §1.2): `cali-INPUT`,
 * `cali-FORWARD`, `cali-OUTPUT`, `cali-wl-to-host`, the failsafe chains, `cali-cidr-block`, and
 * the hooks from the kernel chains.
 *
 * @module
 */
import { ipFamilyOf } from "../../lib/ip.ts";
import { CHAIN, SET } from "./names.ts";
import type { RulesContext } from "./rules_context.ts";
import { a, type Chain, m, type Match, type Rule, rule } from "./rule_model.ts";

/** Jumps from a kernel chain: inserted first, appended last. */
export interface KernelHook {
  readonly inserts: readonly Rule[];
  readonly appends: readonly Rule[];
}

function inputTunnelRules(ctx: RulesContext): Rule[] {
  const { config, version, filterAllow, deny, denyWord } = ctx;
  const rules: Rule[] = [];
  if (version === 4 && config.ipipEnabled) {
    rules.push(
      rule(
        [m.proto(4), m.srcSet(SET.allHosts), m.dstLocal()],
        filterAllow,
        "Allow IPIP packets from Calico hosts",
      ),
      rule([m.proto(4)], deny, `${denyWord} IPIP packets from non-Calico hosts`),
    );
  }
  const vxlanOn = version === 4 ? config.vxlanEnabled : config.vxlanEnabledV6;
  if (vxlanOn) {
    const v = `IPv${version}`;
    const udp: Match[] = [m.proto(17), m.dports(17, config.vxlanPort)];
    rules.push(
      rule(
        [...udp, m.srcSet(SET.allVXLANSources), m.dstLocal()],
        filterAllow,
        `Allow ${v} VXLAN packets from allowed hosts`,
      ),
      version === 4
        ? rule([...udp, m.dstLocal()], a.drop(), `Drop ${v} VXLAN packets from non-allowed hosts`)
        : rule(
          [...udp, m.dstLocal()],
          deny,
          `${denyWord} ${v} VXLAN packets from non-allowed hosts`,
        ),
    );
  }
  return rules;
}

function inputChain(ctx: RulesContext): Chain {
  const { marks, filterAllow } = ctx;
  return {
    name: CHAIN.input,
    rules: [
      ...inputTunnelRules(ctx),
      ...ctx.workloadWildcards.map((w) => rule([m.inIface(w)], a.goto(CHAIN.wlToHost))),
      rule([m.markSet(marks.accept)], filterAllow),
      rule([], a.clearMark(marks.allCalico)),
      rule([], a.jump(CHAIN.fromHostDispatch)),
      rule([m.markSet(marks.accept)], filterAllow, "Host endpoint policy accepted packet."),
    ],
  };
}

const ICMPV6_ROUTER_TYPES = [130, 131, 132, 133, 135, 136];

function workloadToHostChain(ctx: RulesContext): Chain {
  const rules: Rule[] = [];
  if (ctx.version === 6) {
    for (const type of ICMPV6_ROUTER_TYPES) {
      rules.push(
        rule([m.proto(58), { kind: "icmp", version: 6, type, negate: false }], ctx.filterAllow),
      );
    }
  }
  rules.push(rule([], a.jump(CHAIN.fromWlDispatch)));
  const action = ctx.config.defaultEndpointToHostAction;
  const verdict = action === "ACCEPT" ? ctx.filterAllow : action === "RETURN" ? a.ret() : ctx.deny;
  rules.push(rule([], verdict, "Configured DefaultEndpointToHostAction"));
  return { name: CHAIN.wlToHost, rules };
}

function forwardChain(ctx: RulesContext): Chain {
  const { marks } = ctx;
  const rules: Rule[] = [
    rule([], a.clearMark((marks.allCalico & ~marks.accept) >>> 0)),
    rule([m.markClear(marks.accept)], a.jump(CHAIN.fromHepForwardDispatch)),
  ];
  for (const w of ctx.workloadWildcards) {
    rules.push(
      rule([m.inIface(w)], a.jump(CHAIN.fromWlDispatch)),
      rule([m.outIface(w)], a.jump(CHAIN.toWlDispatch)),
    );
  }
  rules.push(rule([], a.jump(CHAIN.toHepForwardDispatch)), rule([], a.jump(CHAIN.cidrBlock)));
  return { name: CHAIN.forward, rules };
}

function outputTunnelRules(ctx: RulesContext): Rule[] {
  const { config, version, filterAllow } = ctx;
  const rules: Rule[] = [];
  if (version === 4 && config.ipipEnabled) {
    rules.push(
      rule(
        [m.proto(4), m.dstSet(SET.allHosts), m.srcLocal()],
        filterAllow,
        "Allow IPIP packets to other Calico hosts",
      ),
    );
  }
  if (version === 4 ? config.vxlanEnabled : config.vxlanEnabledV6) {
    rules.push(rule(
      [m.proto(17), m.dports(17, config.vxlanPort), m.srcLocal(), m.dstSet(SET.allVXLANSources)],
      filterAllow,
      `Allow IPv${version} VXLAN packets to other allowed hosts`,
    ));
  }
  return rules;
}

function outputChain(ctx: RulesContext): Chain {
  const { marks, filterAllow } = ctx;
  return {
    name: CHAIN.output,
    rules: [
      rule([m.markSet(marks.accept)], filterAllow),
      ...ctx.workloadWildcards.map((w) => rule([m.outIface(w)], a.ret())),
      ...outputTunnelRules(ctx),
      rule([], a.clearMark(marks.allCalico)),
      rule([{ kind: "ctStatusDNAT", negate: true }], a.jump(CHAIN.toHostDispatch)),
      rule([m.markSet(marks.accept)], filterAllow, "Host endpoint policy accepted packet."),
    ],
  };
}

/** `cali-cidr-block`: service-loop prevention for the blocked CIDRs of this family. */
function cidrBlockChain(ctx: RulesContext): Chain {
  const mode = ctx.config.serviceLoopPrevention;
  if (mode === "Disabled") return { name: CHAIN.cidrBlock, rules: [] };
  const action = mode === "Reject" ? { kind: "reject" } as const : a.drop();
  const cidrs = ctx.config.blockedCIDRs.filter((c) => ipFamilyOf(c) === ctx.version);
  return {
    name: CHAIN.cidrBlock,
    rules: [...cidrs].sort().map((c) => rule([m.dstNet(c)], action)),
  };
}

/**
 * A failsafe chain. `reverse` (raw) adds the other direction's ports as source ports, so that
 * replies are not caught by untracked policy.
 */
export function failsafeChain(ctx: RulesContext, dir: "in" | "out", reverse: boolean): Chain {
  const { failsafeInbound, failsafeOutbound } = ctx.config;
  const rules: Rule[] = [];
  const add = (entries: typeof failsafeInbound, ports: "dst" | "src", net: "src" | "dst") => {
    for (const e of entries) {
      const terms: Match[] = [
        m.proto(e.protocol),
        ports === "dst" ? m.dports(e.protocol, e.port) : m.sports(e.protocol, e.port),
      ];
      if (e.net !== undefined) {
        if (ipFamilyOf(e.net) !== ctx.version) continue;
        terms.push(net === "src" ? m.srcNet(e.net) : m.dstNet(e.net));
      }
      rules.push(rule(terms, a.accept()));
    }
  };
  if (dir === "in") {
    add(failsafeInbound, "dst", "src");
    if (reverse) add(failsafeOutbound, "src", "src");
  } else {
    add(failsafeOutbound, "dst", "dst");
    if (reverse) add(failsafeInbound, "src", "dst");
  }
  return { name: dir === "in" ? CHAIN.failsafeIn : CHAIN.failsafeOut, rules };
}

/** The filter layer's static chains and kernel hooks. */
export function staticFilter(
  ctx: RulesContext,
): { chains: Chain[]; hooks: Map<string, KernelHook> } {
  const chains = [
    inputChain(ctx),
    workloadToHostChain(ctx),
    forwardChain(ctx),
    outputChain(ctx),
    cidrBlockChain(ctx),
    failsafeChain(ctx, "in", false),
    failsafeChain(ctx, "out", false),
  ];
  const accept = ctx.marks.accept;
  const hooks = new Map<string, KernelHook>([
    ["INPUT", { inserts: [rule([], a.jump(CHAIN.input))], appends: [] }],
    ["FORWARD", {
      inserts: [rule([], a.jump(CHAIN.forward))],
      appends: [
        rule([m.markSet(accept)], ctx.filterAllow, "Policy explicitly accepted packet."),
        rule([], a.setMark(accept)),
      ],
    }],
    ["OUTPUT", { inserts: [rule([], a.jump(CHAIN.output))], appends: [] }],
  ]);
  return { chains, hooks };
}
