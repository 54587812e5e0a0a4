import { deepEqual, equal, throws } from "node:assert/strict";
import type {
  HostEndpoint,
  Policy,
  PolicyID,
  TierInfo,
  ToDataplane,
  WorkloadEndpoint,
  WorkloadEndpointID,
} from "../../src/proto/messages.ts";
import { blankRule, type Rule } from "../../src/proto/rule.ts";
import { route } from "../calc/sequencer_fixtures.ts";
import { CheckingDataplane, ContractViolation, describe } from "./checking_dataplane.ts";

// ---- fixtures ----

function rule(fields: Partial<Rule> = {}): Rule {
  return { ...blankRule("allow"), ruleId: "", ...fields };
}

const PID: PolicyID = { kind: "NetworkPolicy", namespace: "ns", name: "p" };
const WID: WorkloadEndpointID = { orchestratorId: "k8s", workloadId: "ns/pod", endpointId: "eth0" };

function policy(inboundRules: readonly Rule[] = [], outboundRules: readonly Rule[] = []): Policy {
  return {
    tier: "default",
    namespace: "ns",
    inboundRules,
    outboundRules,
    untracked: false,
    preDNAT: false,
    originalSelector: "all()",
    performanceHints: [],
  };
}

function tier(policies: readonly PolicyID[]): TierInfo {
  return { name: "default", ingressPolicies: policies, egressPolicies: [], defaultAction: "Deny" };
}

function wep(policies: readonly PolicyID[], profileIds: readonly string[] = []): WorkloadEndpoint {
  return {
    state: "active",
    name: "cali1",
    mac: "ee:ee:ee:ee:ee:ee",
    profileIds,
    ipv4Nets: ["10.0.0.1/32"],
    ipv6Nets: [],
    tiers: policies.length === 0 ? [] : [tier(policies)],
    ipv4NAT: [],
    ipv6NAT: [],
    allowSpoofedSourcePrefixes: [],
    annotations: {},
  };
}

function hep(fields: Partial<HostEndpoint> = {}): HostEndpoint {
  return {
    name: "eth0",
    profileIds: [],
    tiers: [],
    untrackedTiers: [],
    preDNATTiers: [],
    forwardTiers: [],
    expectedIPv4Addrs: ["192.168.0.1"],
    expectedIPv6Addrs: [],
    ...fields,
  };
}

const setA = (members: readonly string[] = []): ToDataplane => ({
  type: "IPSetUpdate",
  id: "s:a",
  ipSetType: "net",
  members,
});
const polUpdate = (p: Policy = policy()): ToDataplane => ({
  type: "ActivePolicyUpdate",
  id: PID,
  policy: p,
});
const wepUpdate = (w: WorkloadEndpoint): ToDataplane => ({
  type: "WorkloadEndpointUpdate",
  id: WID,
  endpoint: w,
});
const IN_SYNC: ToDataplane = { type: "InSync" };

/** A dataplane that has received InSync (so endpoint messages are allowed). */
function synced(...flushes: readonly (readonly ToDataplane[])[]): CheckingDataplane {
  const dp = new CheckingDataplane();
  dp.apply(IN_SYNC);
  for (const f of flushes) dp.applyFlush(f);
  return dp;
}

function violates(dp: CheckingDataplane, batch: readonly ToDataplane[], message: string): void {
  throws(() => dp.applyFlush(batch), (e: unknown) => {
    equal(e instanceof ContractViolation, true);
    equal((e as Error).message, message);
    return true;
  });
}

// ---- references ----

Deno.test("CheckingDataplane rejects a policy rule that refers to an absent IP set", () => {
  const p = policy([], [
    rule({ dstIPSetIds: ["s:a"] }),
    rule({ notDstNamedPortIPSetIds: ["n:x"] }),
  ]);
  violates(
    synced([setA()]),
    [polUpdate(p)],
    'Cannot apply ActivePolicyUpdate for policy "NetworkPolicy/ns/p": ' +
      'policy.outboundRules[1].notDstNamedPortIPSetIds[0] refers to IP set "n:x", which is not present',
  );
});

Deno.test("CheckingDataplane rejects a profile rule that refers to an absent IP set", () => {
  violates(
    synced(),
    [{
      type: "ActiveProfileUpdate",
      id: "kns.ns",
      inboundRules: [rule({ srcIPSetIds: ["s:a"] })],
      outboundRules: [],
    }],
    'Cannot apply ActiveProfileUpdate for profile "kns.ns": ' +
      'inboundRules[0].srcIPSetIds[0] refers to IP set "s:a", which is not present',
  );
});

Deno.test("CheckingDataplane rejects a workload endpoint that refers to an absent policy", () => {
  violates(
    synced(),
    [wepUpdate(wep([PID]))],
    'Cannot apply WorkloadEndpointUpdate for workload endpoint "k8s/ns/pod/eth0": ' +
      'endpoint.tiers[0].ingressPolicies[0] refers to policy "NetworkPolicy/ns/p", which is not present',
  );
});

Deno.test("CheckingDataplane rejects a workload endpoint that refers to an absent profile", () => {
  violates(
    synced(),
    [wepUpdate(wep([], ["kns.ns"]))],
    'Cannot apply WorkloadEndpointUpdate for workload endpoint "k8s/ns/pod/eth0": ' +
      'endpoint.profileIds[0] refers to profile "kns.ns", which is not present',
  );
});

Deno.test("CheckingDataplane rejects a host endpoint that refers to an absent pre-DNAT policy", () => {
  const gnp: PolicyID = { kind: "GlobalNetworkPolicy", namespace: "", name: "g" };
  violates(
    synced(),
    [{ type: "HostEndpointUpdate", id: "h", endpoint: hep({ preDNATTiers: [tier([gnp])] }) }],
    'Cannot apply HostEndpointUpdate for host endpoint "h": ' +
      'endpoint.preDNATTiers[0].ingressPolicies[0] refers to policy "GlobalNetworkPolicy/g", which is not present',
  );
});

Deno.test("CheckingDataplane rejects removing an IP set a policy still uses", () => {
  const dp = synced([setA(), polUpdate(policy([rule({ srcIPSetIds: ["s:a"] })]))]);
  violates(
    dp,
    [{ type: "IPSetRemove", id: "s:a" }],
    'Cannot apply IPSetRemove for IP set "s:a": it is still referenced by policy "NetworkPolicy/ns/p"',
  );
  // Once the policy stops using it, the set can go.
  dp.applyFlush([polUpdate(policy()), { type: "IPSetRemove", id: "s:a" }]);
  deepEqual(dp.snapshot().ipSets, {});
});

Deno.test("CheckingDataplane rejects removing a policy an endpoint still uses", () => {
  const dp = synced([polUpdate(), wepUpdate(wep([PID]))]);
  violates(
    dp,
    [{ type: "ActivePolicyRemove", id: PID }],
    'Cannot apply ActivePolicyRemove for policy "NetworkPolicy/ns/p": ' +
      'it is still referenced by workload endpoint "k8s/ns/pod/eth0"',
  );
  dp.applyFlush([{ type: "WorkloadEndpointRemove", id: WID }, {
    type: "ActivePolicyRemove",
    id: PID,
  }]);
  deepEqual(dp.snapshot().policies, {});
});

Deno.test("CheckingDataplane rejects removing a profile a host endpoint still uses", () => {
  const dp = synced([
    { type: "ActiveProfileUpdate", id: "prof", inboundRules: [], outboundRules: [] },
    { type: "HostEndpointUpdate", id: "h", endpoint: hep({ profileIds: ["prof"] }) },
  ]);
  violates(
    dp,
    [{ type: "ActiveProfileRemove", id: "prof" }],
    'Cannot apply ActiveProfileRemove for profile "prof": it is still referenced by host endpoint "h"',
  );
});

// ---- IP sets ----

Deno.test("CheckingDataplane rejects a delta for an absent IP set", () => {
  violates(
    synced(),
    [{ type: "IPSetDeltaUpdate", id: "s:a", addedMembers: ["10.0.0.1/32"], removedMembers: [] }],
    'Cannot apply IPSetDeltaUpdate for IP set "s:a": the set is not present',
  );
});

Deno.test("CheckingDataplane rejects an empty delta", () => {
  violates(
    synced([setA()]),
    [{ type: "IPSetDeltaUpdate", id: "s:a", addedMembers: [], removedMembers: [] }],
    'Cannot apply IPSetDeltaUpdate for IP set "s:a": the delta is empty',
  );
});

Deno.test("CheckingDataplane rejects a delta adding a member already in the set", () => {
  violates(
    synced([setA(["10.0.0.1/32"])]),
    [{ type: "IPSetDeltaUpdate", id: "s:a", addedMembers: ["10.0.0.1/32"], removedMembers: [] }],
    'Cannot apply IPSetDeltaUpdate for IP set "s:a": added member "10.0.0.1/32" is in the set',
  );
});

Deno.test("CheckingDataplane rejects a delta removing a member not in the set", () => {
  violates(
    synced([setA()]),
    [{ type: "IPSetDeltaUpdate", id: "s:a", addedMembers: [], removedMembers: ["10.0.0.1/32"] }],
    'Cannot apply IPSetDeltaUpdate for IP set "s:a": removed member "10.0.0.1/32" is not in the set',
  );
});

Deno.test("CheckingDataplane rejects a delta that adds and removes one member", () => {
  violates(
    synced([setA(["10.0.0.1/32"])]),
    [{
      type: "IPSetDeltaUpdate",
      id: "s:a",
      addedMembers: ["10.0.0.1/32"],
      removedMembers: ["10.0.0.1/32"],
    }],
    'Cannot apply IPSetDeltaUpdate for IP set "s:a": member "10.0.0.1/32" is both added and removed',
  );
});

Deno.test("CheckingDataplane rejects a full IPSetUpdate that changes a set's type", () => {
  violates(
    synced([setA()]),
    [{ type: "IPSetUpdate", id: "s:a", ipSetType: "ip-and-port", members: [] }],
    'Cannot apply IPSetUpdate for IP set "s:a": it changes the set\'s type from "net" to "ip-and-port"',
  );
});

Deno.test("CheckingDataplane rejects an IPSetUpdate listing a member twice", () => {
  violates(
    synced(),
    [setA(["10.0.0.1/32", "10.0.0.1/32"])],
    'Cannot apply IPSetUpdate for IP set "s:a": members lists a member twice',
  );
});

Deno.test("CheckingDataplane accepts a full IPSetUpdate of a present set as a replacement", () => {
  const dp = synced([setA(["10.0.0.1/32", "10.0.0.2/32"])]);
  dp.applyFlush([setA(["10.0.0.3/32"])]);
  deepEqual(dp.snapshot().ipSets, { "s:a": { type: "net", members: ["10.0.0.3/32"] } });
});

// ---- removals of absent objects ----

const ABSENT_REMOVALS: readonly [ToDataplane, string][] = [
  [{ type: "IPSetRemove", id: "s:a" }, 'IP set "s:a"'],
  [{ type: "ActivePolicyRemove", id: PID }, 'policy "NetworkPolicy/ns/p"'],
  [{ type: "ActiveProfileRemove", id: "prof" }, 'profile "prof"'],
  [{ type: "WorkloadEndpointRemove", id: WID }, 'workload endpoint "k8s/ns/pod/eth0"'],
  [{ type: "HostEndpointRemove", id: "h" }, 'host endpoint "h"'],
  [{ type: "RouteRemove", dst: "10.0.1.0/26" }, 'route "10.0.1.0/26"'],
  [{ type: "VXLANTunnelEndpointRemove", node: "node-b" }, 'VTEP "node-b"'],
  [{ type: "IPAMPoolRemove", id: "10.0.0.0-16" }, 'IP pool "10.0.0.0-16"'],
  [{ type: "HostMetadataRemove", hostname: "node-b" }, 'host "node-b"'],
  [{ type: "NamespaceRemove", name: "ns" }, 'namespace "ns"'],
  [{ type: "ServiceAccountRemove", namespace: "ns", name: "sa" }, 'service account "ns/sa"'],
];

for (const [msg, subject] of ABSENT_REMOVALS) {
  Deno.test(`CheckingDataplane rejects ${msg.type} of an absent object`, () => {
    violates(synced(), [msg], `Cannot apply ${msg.type} for ${subject}: it is not present`);
  });
}

// ---- timing and flush shape ----

Deno.test("CheckingDataplane rejects a workload endpoint update before the InSync flush", () => {
  violates(
    new CheckingDataplane(),
    [wepUpdate(wep([]))],
    'Cannot apply WorkloadEndpointUpdate for workload endpoint "k8s/ns/pod/eth0": ' +
      "endpoints must wait for the flush that ends with InSync",
  );
});

Deno.test("CheckingDataplane rejects a host endpoint removal before the InSync flush", () => {
  violates(
    new CheckingDataplane(),
    [{ type: "HostEndpointRemove", id: "h" }],
    'Cannot apply HostEndpointRemove for host endpoint "h": endpoints must wait for the flush that ends with InSync',
  );
});

Deno.test("CheckingDataplane accepts endpoints in the flush that ends with InSync", () => {
  const dp = new CheckingDataplane();
  dp.applyFlush([polUpdate(), wepUpdate(wep([PID])), IN_SYNC]);
  equal(dp.inSync, true);
  deepEqual(Object.keys(dp.snapshot().workloadEndpoints), ["k8s/ns/pod/eth0"]);
});

Deno.test("CheckingDataplane rejects a second InSync", () => {
  violates(synced(), [IN_SYNC], "Cannot apply InSync: it was already received");
});

Deno.test("CheckingDataplane rejects two messages for one object in one flush", () => {
  violates(
    synced(),
    [route("10.0.1.0/26"), route("10.0.1.0/26")],
    'Cannot apply RouteUpdate for route "10.0.1.0/26": this flush already had a message for it',
  );
});

Deno.test("CheckingDataplane rejects a flush out of the contract order", () => {
  violates(
    synced(),
    [polUpdate(), setA()],
    'Cannot apply IPSetUpdate for IP set "s:a": it comes after ActivePolicyUpdate in one flush, ' +
      "against the flush order",
  );
});

Deno.test("describe names the object of a message, and nothing for node-wide messages", () => {
  equal(describe({ type: "ConfigUpdate", config: {}, sourceToRawConfig: {} }), "");
  equal(
    describe({
      type: "EncapsulationUpdate",
      ipipEnabled: false,
      vxlanEnabled: false,
      vxlanEnabledV6: false,
      noEncapEnabled: false,
    }),
    "",
  );
  equal(
    describe({ type: "ServiceAccountUpdate", namespace: "ns", name: "sa", labels: {} }),
    'service account "ns/sa"',
  );
});

// ---- a valid sequence ----

Deno.test("CheckingDataplane builds the expected snapshot from a valid sequence", () => {
  const dp = new CheckingDataplane();
  const p = policy([rule({ srcIPSetIds: ["s:a"], dstIPPortSetIds: ["svc:b"] })]);
  const vtep = {
    type: "VXLANTunnelEndpointUpdate" as const,
    node: "node-b",
    mac: "66:00:00:00:00:01",
    ipv4Addr: "10.65.0.1",
    parentDeviceIp: "192.168.0.2",
    macV6: "",
    ipv6Addr: "",
    parentDeviceIpv6: "",
  };
  const hostB = {
    type: "HostMetadataUpdate" as const,
    hostname: "node-b",
    ipv4Addr: "192.168.0.2",
    ipv6Addr: "",
    asNumber: "",
    labels: {},
  };
  const poolUpdate = {
    type: "IPAMPoolUpdate" as const,
    id: "10.0.0.0-16",
    pool: {
      cidr: "10.0.0.0/16",
      masquerade: true,
      ipipMode: "Never",
      vxlanMode: "Always",
      allowedUses: [],
    },
  };
  const encap = {
    type: "EncapsulationUpdate" as const,
    ipipEnabled: false,
    vxlanEnabled: true,
    vxlanEnabledV6: false,
    noEncapEnabled: false,
  };
  const config = { type: "ConfigUpdate" as const, config: { A: "1" }, sourceToRawConfig: {} };
  dp.applyFlush([
    config,
    setA(["10.0.0.2/32", "10.0.0.1/32"]),
    { type: "IPSetUpdate", id: "svc:b", ipSetType: "ip-and-port", members: ["10.0.0.9,tcp:80"] },
    polUpdate(p),
    { type: "ActiveProfileUpdate", id: "kns.ns", inboundRules: [rule()], outboundRules: [] },
    wepUpdate(wep([PID], ["kns.ns"])),
    { type: "HostEndpointUpdate", id: "h", endpoint: hep({ tiers: [tier([PID])] }) },
    { type: "ServiceAccountUpdate", namespace: "ns", name: "sa", labels: { team: "a" } },
    { type: "NamespaceUpdate", name: "ns", labels: { env: "prod" } },
    vtep,
    route("10.0.1.0/26"),
    hostB,
    poolUpdate,
    encap,
    IN_SYNC,
  ]);
  dp.applyFlush([
    {
      type: "IPSetDeltaUpdate",
      id: "s:a",
      addedMembers: ["10.0.0.0/32"],
      removedMembers: ["10.0.0.2/32"],
    },
    { type: "HostEndpointRemove", id: "h" },
    route("10.0.2.0/26"),
  ]);
  deepEqual(dp.snapshot(), {
    ipSets: {
      "s:a": { type: "net", members: ["10.0.0.0/32", "10.0.0.1/32"] },
      "svc:b": { type: "ip-and-port", members: ["10.0.0.9,tcp:80"] },
    },
    policies: { "NetworkPolicy/ns/p": p },
    profiles: { "kns.ns": { inboundRules: [rule()], outboundRules: [] } },
    workloadEndpoints: { "k8s/ns/pod/eth0": wep([PID], ["kns.ns"]) },
    hostEndpoints: {},
    routes: { "10.0.1.0/26": route("10.0.1.0/26"), "10.0.2.0/26": route("10.0.2.0/26") },
    vteps: { "node-b": vtep },
    ipPools: { "10.0.0.0-16": poolUpdate.pool },
    hostMetadata: { "node-b": hostB },
    encapsulation: encap,
    namespaces: { ns: { env: "prod" } },
    serviceAccounts: { "ns/sa": { team: "a" } },
    config,
    inSync: true,
  });
});

Deno.test("CheckingDataplane.snapshot is JSON with sorted keys, whatever the arrival order", () => {
  const a = synced([route("10.0.2.0/26"), route("10.0.1.0/26")]);
  const b = synced([route("10.0.1.0/26")], [route("10.0.2.0/26")]);
  equal(JSON.stringify(a.snapshot()), JSON.stringify(b.snapshot()));
  deepEqual(Object.keys(a.snapshot().routes), ["10.0.1.0/26", "10.0.2.0/26"]);
});
