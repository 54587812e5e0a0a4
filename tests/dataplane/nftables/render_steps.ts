/**
 * Random changes to the render state, as the linux managers make them, for the incremental
 * rendering and reconciling properties.
 *
 * @module
 */
import fc from "fast-check";
import type { RenderState } from "../../../src/dataplane/linux/render_state.ts";
import type { RenderHostEndpoint } from "../../../src/dataplane/rules/render_input.ts";
import type { PolicyID } from "../../../src/proto/messages.ts";
import type { Rule } from "../../../src/proto/rule.ts";
import { DEFAULT_CONFIG, hep, policy, pool, protoRule, tier, wep } from "../rules/fixtures.ts";

const POLICIES = ["a", "b", "c", "d"];
export const policyId = (name: string): PolicyID => ({
  kind: "GlobalNetworkPolicy",
  namespace: "",
  name,
});
const MEMBERS = [
  "10.0.0.1",
  "10.0.0.2/32",
  "10.0.0.0/24",
  "10.1.0.0/16",
  "192.168.7.7",
  "fd00::1",
  "fd00::/64",
];
/** Canonical hosts: sets of these alone are patched by member deltas. */
const HOSTS = ["10.0.0.2/32", "10.0.0.3/32", "10.0.0.9/32", "10.0.0.10/32", "10.0.1.0/32"];
const PORT_MEMBERS = ["10.0.0.1,tcp:80", "10.0.0.2,udp:53", "fd00::1,tcp:8080", "10.0.0.10,tcp:80"];

const ruleArb: fc.Arbitrary<Rule> = fc.record({
  action: fc.constantFrom("allow", "deny", "next-tier"),
  src: fc.subarray(["s:x", "s:y", "s:gone"]),
  port: fc.subarray(["n:p"]),
  net: fc.subarray(["10.9.0.0/16", "fd09::/64"]),
}).map((r) =>
  protoRule(r.action as Rule["action"], {
    srcIPSetIds: r.src,
    srcNet: r.net,
    ...(r.port.length > 0 ? { protocol: "tcp", dstNamedPortIPSetIds: r.port } : {}),
  })
);

const tiersArb = fc.array(
  fc.record({ ingress: fc.subarray(POLICIES), egress: fc.subarray(POLICIES), pass: fc.boolean() })
    .map((t) =>
      tier("default", t.ingress.map(policyId), t.egress.map(policyId), t.pass ? "Pass" : "")
    ),
  { maxLength: 2 },
);

/** One change to the render state, as the managers make them. */
export type Step = (s: RenderState) => void;

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    name: fc.constantFrom(...POLICIES),
    inbound: fc.array(ruleArb, { maxLength: 2 }),
    sel: fc.constantFrom("all()", "a == 'b'"),
    remove: fc.boolean(),
  }).map((p): Step => (s) =>
    s.setPolicy(
      `GlobalNetworkPolicy/${p.name}`,
      p.remove ? undefined : policy({ inboundRules: p.inbound, originalSelector: p.sel }),
    )
  ),
  fc.record({ id: fc.constantFrom("kns.a", "kns.b"), rules: fc.array(ruleArb, { maxLength: 2 }) })
    .map((p): Step => (s) => s.setProfile(p.id, { inboundRules: p.rules, outboundRules: [] })),
  fc.record({
    i: fc.integer({ min: 0, max: 3 }),
    iface: fc.constantFrom("cali1", "cali2", "cali3"),
    tiers: tiersArb,
    profiles: fc.subarray(["kns.a", "kns.b"]),
    up: fc.boolean(),
    spoof: fc.subarray(["10.5.0.0/24", "fd05::/64"]),
    remove: fc.boolean(),
  }).map((w): Step => (s) =>
    s.setWorkloadEndpoint(
      `k8s/w${w.i}/eth0`,
      w.remove ? undefined : wep(w.iface, {
        tiers: w.tiers,
        profileIds: w.profiles,
        state: w.up ? "active" : "down",
        allowSpoofedSourcePrefixes: w.spoof,
      }),
    )
  ),
  fc.array(
    fc.record({ iface: fc.constantFrom("eth0", "eth1", "*"), tiers: tiersArb, raw: tiersArb }),
    { maxLength: 2 },
  ).map((hs): Step => (s) =>
    s.setHostEndpoints(
      new Map<string, RenderHostEndpoint>(
        hs.map((h, i) => [`hep${i}`, hep(h.iface, { tiers: h.tiers, untrackedTiers: h.raw })]),
      ),
    )
  ),
  // One endpoint (by expected IPs) on two interfaces, as the resolver hands it out.
  fc.record({ tiers: tiersArb, swap: fc.boolean() }).map((h): Step => (s) => {
    const endpoint = hep("", { tiers: h.tiers }).endpoint;
    const [a, b] = h.swap ? ["eth1", "eth0"] : ["eth0", "eth1"];
    s.setHostEndpoints(
      new Map([["ips", { endpoint, interfaceName: a }], ["ips/b", { endpoint, interfaceName: b }]]),
    );
  }),
  fc.record({
    id: fc.constantFrom("s:x", "s:y"),
    members: fc.oneof(fc.subarray(MEMBERS), fc.subarray(HOSTS), fc.subarray(HOSTS)),
  }).map((x): Step => (s) => s.setIPSet(x.id, "net", x.members)),
  fc.record({ members: fc.subarray(PORT_MEMBERS) })
    .map((x): Step => (s) => s.setIPSet("n:p", "ip-and-port", x.members)),
  fc.record({
    id: fc.constantFrom("s:x", "s:y", "n:p"),
    added: fc.subarray([...MEMBERS, ...HOSTS, ...PORT_MEMBERS]),
    removed: fc.subarray([...MEMBERS, ...HOSTS, ...PORT_MEMBERS]),
  }).map((x): Step => (s) => s.updateIPSet(x.id, x.added, x.removed)),
  fc.record({
    id: fc.constantFrom("s:x", "s:y", "n:p"),
    added: fc.subarray([...HOSTS, ...PORT_MEMBERS]),
    removed: fc.subarray([...HOSTS, ...PORT_MEMBERS]),
  }).map((x): Step => (s) => s.updateIPSet(x.id, x.added, x.removed)),
  fc.constantFrom("s:x", "s:y", "n:p").map((id): Step => (s) => s.deleteIPSet(id)),
  fc.record({ cidr: fc.constantFrom("10.65.0.0/16", "fd00:65::/64"), masq: fc.boolean() })
    .map((p): Step => (s) => s.setIPPool(p.cidr, pool(p.cidr, p.masq))),
  fc.subarray(["192.168.1.10", "192.168.1.11", "fd00::10"])
    .map((ips): Step => (s) => s.setHostIPs(ips)),
  fc.subarray(["192.168.1.0/24", "192.168.2.2"]).map((n): Step => (s) => s.setAllHostsNets(n)),
  fc.record({ ipv6: fc.boolean(), ipip: fc.boolean(), exclusions: fc.boolean() })
    .map((c): Step => (s) =>
      s.setConfig({
        ...DEFAULT_CONFIG,
        ipv6Enabled: c.ipv6,
        ipipEnabled: c.ipip,
        natOutgoingExclusions: c.exclusions ? "IPPoolsAndHostIPs" : "IPPoolsOnly",
      })
    ),
);
