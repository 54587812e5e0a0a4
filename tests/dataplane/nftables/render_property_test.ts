import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { renderTables } from "../../../src/dataplane/nftables/nft_renderer.ts";
import { renderReplaceScript } from "../../../src/dataplane/nftables/render_script.ts";
import type { NftTable } from "../../../src/dataplane/nftables/nft_model.ts";
import { buildRuleset } from "../../../src/dataplane/rules/ruleset.ts";
import { actionTargets, LAYERS } from "../../../src/dataplane/rules/rule_model.ts";
import type { RenderInput } from "../../../src/dataplane/rules/render_input.ts";
import type { Policy, PolicyID } from "../../../src/proto/messages.ts";
import type { Rule } from "../../../src/proto/rule.ts";
import { hep, policy, pool, protoRule, renderInput, tier, wep } from "../rules/fixtures.ts";
import { nftCheck } from "./nft_check.ts";

const POLICY_NAMES = ["a", "b", "c", "d", "e", "f", "g"];
const SET_IDS = ["s:one", "s:two", "n:port", "svc:web"];
const NETS = ["10.0.0.0/8", "10.1.0.0/16", "fd00::/64", "0.0.0.0/0", "192.168.1.1/32"];
const policyId = (name: string): PolicyID => ({ kind: "GlobalNetworkPolicy", namespace: "", name });

const ruleArb: fc.Arbitrary<Rule> = fc.record({
  action: fc.constantFrom("allow", "deny", "log", "next-tier"),
  ipVersion: fc.constantFrom(0, 4, 6),
  protocol: fc.constantFrom(undefined, "tcp", "udp", 17, "icmp"),
  srcNet: fc.subarray(NETS),
  notDstNet: fc.subarray(NETS),
  srcIPSetIds: fc.subarray(["s:one", "s:gone"]),
  dstNamedPortIPSetIds: fc.subarray(["n:port"]),
  dstPorts: fc.array(fc.integer({ min: 1, max: 65535 }).map((p) => ({ first: p, last: p })), {
    maxLength: 20,
  }),
}).map((f) => {
  const ports = f.protocol === "tcp" || f.protocol === "udp" || f.protocol === 17;
  return protoRule(f.action as Rule["action"], {
    ipVersion: f.ipVersion as 0 | 4 | 6,
    ...(f.protocol === undefined ? {} : { protocol: f.protocol }),
    srcNet: f.srcNet,
    notDstNet: f.notDstNet,
    srcIPSetIds: f.srcIPSetIds,
    dstNamedPortIPSetIds: ports ? f.dstNamedPortIPSetIds : [],
    dstPorts: ports ? f.dstPorts : [],
  });
});

const tiersArb = fc.array(
  fc.record({
    name: fc.constantFrom("default", "security"),
    ingress: fc.subarray(POLICY_NAMES),
    egress: fc.subarray(POLICY_NAMES),
    pass: fc.boolean(),
  }).map((t) =>
    tier(t.name, t.ingress.map(policyId), t.egress.map(policyId), t.pass ? "Pass" : "")
  ),
  { maxLength: 2 },
);

const inputArb: fc.Arbitrary<RenderInput> = fc.record({
  policies: fc.dictionary(
    fc.constantFrom(...POLICY_NAMES),
    fc.record({
      inbound: fc.array(ruleArb, { maxLength: 3 }),
      outbound: fc.array(ruleArb, { maxLength: 3 }),
      sel: fc.constantFrom("all()", "a == 'b'"),
    }),
  ),
  weps: fc.array(
    fc.record({
      iface: fc.constantFrom("cali1", "cali2", "cali12", "tap9"),
      tiers: tiersArb,
      profiles: fc.subarray(["kns.a", "ksa.a.b"]),
      up: fc.boolean(),
    }),
    { maxLength: 4 },
  ),
  heps: fc.array(
    fc.record({
      iface: fc.constantFrom("eth0", "eth1", "ens3", "*"),
      tiers: tiersArb,
      untracked: tiersArb,
      preDNAT: tiersArb,
      forward: tiersArb,
    }),
    { maxLength: 3 },
  ),
  ipv6: fc.boolean(),
  ipip: fc.boolean(),
  vxlan: fc.boolean(),
  masq: fc.boolean(),
}).map((r) => {
  const policies: Record<string, Policy> = {};
  for (const [name, p] of Object.entries(r.policies)) {
    policies[`GlobalNetworkPolicy/${name}`] = policy({
      inboundRules: p.inbound,
      outboundRules: p.outbound,
      originalSelector: p.sel,
    });
  }
  return renderInput({
    config: {
      ipv6Enabled: r.ipv6,
      ipipEnabled: r.ipip,
      vxlanEnabled: r.vxlan,
      vxlanEnabledV6: r.vxlan,
      interfacePrefixes: ["cali", "tap"],
    },
    policies,
    ipSets: Object.fromEntries(
      SET_IDS.map((
        id,
      ) => [id, {
        type: id.startsWith("s:") ? "net" as const : "ip-and-port" as const,
        members: new Set<string>(),
      }]),
    ),
    profiles: { "kns.a": { inboundRules: [protoRule("allow")], outboundRules: [] } },
    workloadEndpoints: Object.fromEntries(
      r.weps.map((
        w,
        i,
      ) => [
        `k8s/w${i}/eth0`,
        wep(w.iface, { tiers: w.tiers, profileIds: w.profiles, state: w.up ? "active" : "down" }),
      ]),
    ),
    hostEndpoints: Object.fromEntries(
      r.heps.map((
        h,
        i,
      ) => [
        `hep${i}`,
        hep(h.iface, {
          tiers: h.tiers,
          untrackedTiers: h.untracked,
          preDNATTiers: h.preDNAT,
          forwardTiers: h.forward,
        }),
      ]),
    ),
    ipPools: { p: pool("10.65.0.0/16", r.masq), q: pool("fd00:65::/64", r.masq) },
    hostIPs: ["192.168.1.10"],
  });
});

/** The same input with every map built in reverse insertion order. */
function reversed(input: RenderInput): RenderInput {
  const rev = <K, V>(m: ReadonlyMap<K, V>) => new Map([...m].reverse());
  return {
    ...input,
    ipSets: rev(input.ipSets),
    policies: rev(input.policies),
    profiles: rev(input.profiles),
    workloadEndpoints: rev(input.workloadEndpoints),
    hostEndpoints: rev(input.hostEndpoints),
    ipPools: rev(input.ipPools),
  };
}

/** Every `jump`/`goto` target, `@set` and `@map` reference the table's text mentions. */
function danglingReferences(table: NftTable): string[] {
  const missing: string[] = [];
  const refs = [...table.chains.values()].flatMap((c) => c.rules.map((r) => r.body));
  for (const m of table.maps.values()) refs.push(...m.elements.values());
  for (const text of refs) {
    for (const [, target] of text.matchAll(/(?:jump|goto) (\S+)/g)) {
      if (!table.chains.has(target!)) missing.push(`chain ${target}`);
    }
    for (const [, name] of text.matchAll(/vmap @(\S+)/g)) {
      if (!table.maps.has(name!)) missing.push(`map ${name}`);
    }
    for (const [, name] of text.matchAll(/(?<!vmap )@(\S+)/g)) {
      if (!table.sets.has(name!)) missing.push(`set ${name}`);
    }
  }
  return missing;
}

Deno.test("renderTables is deterministic and independent of the input maps' order (property)", () => {
  fc.assert(
    fc.property(inputArb, (input) => {
      const a = renderTables(input);
      const b = renderTables(reversed(input));
      equal(renderReplaceScript(b.ip), renderReplaceScript(a.ip));
      equal(b.ip6 === undefined, a.ip6 === undefined);
      if (a.ip6 !== undefined) equal(renderReplaceScript(b.ip6!), renderReplaceScript(a.ip6));
      deepEqual(renderTables(input), a);
    }),
    { numRuns: 150 },
  );
});

Deno.test("renderTables references only chains, sets and maps that exist in the same table (property)", () => {
  fc.assert(
    fc.property(inputArb, (input) => {
      const { ip, ip6 } = renderTables(input);
      deepEqual(danglingReferences(ip), []);
      if (ip6 !== undefined) deepEqual(danglingReferences(ip6), []);
      for (const t of [ip, ip6]) {
        for (const c of t?.chains.values() ?? []) {
          for (const r of c.rules) ok(/^[A-Za-z0-9_-]{16}$/.test(r.hash));
        }
      }
    }),
    { numRuns: 150 },
  );
});

Deno.test("buildRuleset never references a chain it did not build (property)", () => {
  fc.assert(
    fc.property(inputArb, fc.constantFrom(4 as const, 6 as const), (input, version) => {
      const ruleset = buildRuleset(input, version, 256);
      for (const layer of LAYERS) {
        const names = new Set(ruleset.layers[layer].chains.map((c) => c.name));
        const rules = [
          ...ruleset.layers[layer].chains.flatMap((c) => c.rules),
          ...[...ruleset.layers[layer].hooks.values()].flatMap((h) => [...h.inserts, ...h.appends]),
        ];
        for (const r of rules) {
          for (const t of actionTargets(r.action)) ok(names.has(t), `${layer}: ${t}`);
        }
      }
    }),
    { numRuns: 150 },
  );
});

Deno.test("renderReplaceScript of random inputs passes nft -c (property)", async () => {
  await fc.assert(
    fc.asyncProperty(inputArb, async (input) => {
      const { ip, ip6 } = renderTables(input);
      for (const table of ip6 === undefined ? [ip] : [ip, ip6]) {
        const result = await nftCheck(renderReplaceScript(table));
        equal(result.stderr, "");
      }
    }),
    { numRuns: 25 },
  );
});

Deno.test("danglingReferences finds a missing chain, set and map (the property can fail)", () => {
  const table = renderTables(renderInput()).ip;
  const chains = new Map(table.chains);
  chains.set("filter-x", {
    name: "filter-x",
    rules: [{ body: "ip saddr @nope counter jump filter-y", hash: "0123456789abcdef" }, {
      body: "iifname vmap @nomap",
      hash: "0123456789abcdef",
    }],
  });
  deepEqual(danglingReferences({ ...table, chains }), ["chain filter-y", "set nope", "map nomap"]);
});
