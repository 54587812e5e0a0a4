import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import { EventSequencer } from "../../src/calc/event_sequencer.ts";
import { deepEqual as sequencerDeepEqual } from "../../src/calc/sequencer_pending.ts";
import type {
  HostEndpoint,
  Policy,
  PolicyID,
  RouteUpdate,
  ToDataplane,
  WorkloadEndpoint,
  WorkloadEndpointID,
} from "../../src/proto/messages.ts";
import type { Rule } from "../../src/proto/rule.ts";
import { CheckingDataplane, type DataplaneSnapshot } from "../calc_fv/checking_dataplane.ts";

// ---- fixtures ----

function rule(srcIPSetIds: readonly string[] = [], action: Rule["action"] = "allow"): Rule {
  return {
    action,
    ipVersion: 0,
    srcNet: [],
    srcPorts: [],
    srcIPSetIds,
    srcNamedPortIPSetIds: [],
    notSrcNet: [],
    notSrcPorts: [],
    notSrcIPSetIds: [],
    notSrcNamedPortIPSetIds: [],
    dstNet: [],
    dstPorts: [],
    dstIPSetIds: [],
    dstNamedPortIPSetIds: [],
    dstIPPortSetIds: [],
    notDstNet: [],
    notDstPorts: [],
    notDstIPSetIds: [],
    notDstNamedPortIPSetIds: [],
    originalSrcSelector: "",
    originalDstSelector: "",
    originalSrcNamespaceSelector: "",
    originalDstNamespaceSelector: "",
    originalNotSrcSelector: "",
    originalNotDstSelector: "",
    ruleId: "",
  };
}

function pid(name: string): PolicyID {
  return { kind: "GlobalNetworkPolicy", namespace: "", name };
}

function policy(sets: readonly string[] = [], action: Rule["action"] = "allow"): Policy {
  return {
    tier: "default",
    namespace: "",
    inboundRules: [rule(sets, action)],
    outboundRules: [],
    untracked: false,
    preDNAT: false,
    originalSelector: "all()",
    performanceHints: [],
  };
}

function wepId(workload: string): WorkloadEndpointID {
  return { orchestratorId: "k8s", workloadId: workload, endpointId: "eth0" };
}

function wep(policies: readonly string[], profiles: readonly string[] = []): WorkloadEndpoint {
  return {
    state: "active",
    name: "cali1",
    mac: "",
    profileIds: profiles,
    ipv4Nets: ["10.0.0.1/32"],
    ipv6Nets: [],
    tiers: policies.length === 0 ? [] : [{
      name: "default",
      ingressPolicies: policies.map(pid),
      egressPolicies: [],
      defaultAction: "Deny",
    }],
    ipv4NAT: [],
    ipv6NAT: [],
    allowSpoofedSourcePrefixes: [],
    annotations: {},
  };
}

function hep(policies: readonly string[]): HostEndpoint {
  const tiers = policies.length === 0 ? [] : [{
    name: "default",
    ingressPolicies: policies.map(pid),
    egressPolicies: [],
    defaultAction: "" as const,
  }];
  return {
    name: "eth0",
    profileIds: [],
    tiers,
    untrackedTiers: [],
    preDNATTiers: [],
    forwardTiers: [],
    expectedIPv4Addrs: [],
    expectedIPv6Addrs: [],
  };
}

function route(dst: string, node = "node-b"): RouteUpdate {
  return {
    type: "RouteUpdate",
    types: 1,
    ipPoolType: "vxlan",
    dst,
    dstNodeName: node,
    dstNodeIp: "192.168.0.2",
    sameSubnet: false,
    natOutgoing: false,
    localWorkload: false,
    tunnelType: { ipip: false, vxlan: true, wireguard: false },
    borrowed: false,
  };
}

function vtep(node: string, mac = "66:00:00:00:00:01") {
  return {
    type: "VXLANTunnelEndpointUpdate" as const,
    node,
    mac,
    ipv4Addr: "10.65.0.1",
    parentDeviceIp: "192.168.0.2",
    macV6: "",
    ipv6Addr: "",
    parentDeviceIpv6: "",
  };
}

function pool(cidr: string) {
  return {
    type: "IPAMPoolUpdate" as const,
    id: cidr.replace("/", "-"),
    pool: { cidr, masquerade: true, ipipMode: "Never", vxlanMode: "Always", allowedUses: [] },
  };
}

function host(hostname: string, ipv4Addr = "192.168.0.2") {
  return {
    type: "HostMetadataUpdate" as const,
    hostname,
    ipv4Addr,
    ipv6Addr: "",
    asNumber: "",
    labels: {},
  };
}

function encap(vxlanEnabled: boolean) {
  return {
    type: "EncapsulationUpdate" as const,
    ipipEnabled: false,
    vxlanEnabled,
    vxlanEnabledV6: false,
    noEncapEnabled: false,
  };
}

function types(msgs: readonly ToDataplane[]): string[] {
  return msgs.map((m) => m.type);
}

/** A sequencer that is in sync and has flushed its InSync already. */
function synced(): EventSequencer {
  const seq = new EventSequencer();
  seq.onDatastoreInSync();
  deepEqual(seq.flush(), [{ type: "InSync" }]);
  return seq;
}

// ---- coalescing of keyed objects ----

Deno.test("EventSequencer sends only the latest of several updates to one policy", () => {
  const seq = synced();
  seq.onPolicyActive(pid("p"), policy([], "allow"));
  seq.onPolicyActive(pid("p"), policy([], "deny"));
  deepEqual(seq.flush(), [{
    type: "ActivePolicyUpdate",
    id: pid("p"),
    policy: policy([], "deny"),
  }]);
});

Deno.test("EventSequencer sends nothing for a policy added then removed before a flush", () => {
  const seq = synced();
  seq.onPolicyActive(pid("p"), policy());
  seq.onPolicyInactive(pid("p"));
  deepEqual(seq.flush(), []);
});

Deno.test("EventSequencer queues a removal only for a policy it has sent", () => {
  const seq = synced();
  seq.onPolicyInactive(pid("never-sent"));
  deepEqual(seq.flush(), []);
  seq.onPolicyActive(pid("p"), policy());
  seq.flush();
  seq.onPolicyActive(pid("p"), policy([], "deny"));
  seq.onPolicyInactive(pid("p"));
  deepEqual(seq.flush(), [{ type: "ActivePolicyRemove", id: pid("p") }]);
  seq.onPolicyInactive(pid("p"));
  deepEqual(seq.flush(), []);
});

Deno.test("EventSequencer turns remove-then-update of a sent policy into the update alone", () => {
  const seq = synced();
  seq.onPolicyActive(pid("p"), policy());
  seq.flush();
  seq.onPolicyInactive(pid("p"));
  seq.onPolicyActive(pid("p"), policy([], "deny"));
  deepEqual(seq.flush(), [{
    type: "ActivePolicyUpdate",
    id: pid("p"),
    policy: policy([], "deny"),
  }]);
});

Deno.test("EventSequencer drops an update deep-equal to the one last sent", () => {
  const seq = synced();
  seq.onPolicyActive(pid("p"), policy());
  seq.onNamespaceUpdate("ns", { a: "1" });
  seq.onRouteUpdate(route("10.0.1.0/26"));
  seq.flush();
  // Equal content in new objects.
  seq.onPolicyActive(pid("p"), policy());
  seq.onNamespaceUpdate("ns", { a: "1" });
  seq.onRouteUpdate(route("10.0.1.0/26"));
  deepEqual(seq.flush(), []);
  // Removed and re-added unchanged; changed and changed back.
  seq.onPolicyInactive(pid("p"));
  seq.onPolicyActive(pid("p"), policy());
  seq.onNamespaceUpdate("ns", { a: "2" });
  seq.onNamespaceUpdate("ns", { a: "1" });
  equal(seq.dirty, false);
  deepEqual(seq.flush(), []);
});

Deno.test("EventSequencer treats every keyed category with the same latest-wins rules", () => {
  const seq = synced();
  seq.onServiceAccountUpdate("ns", "sa", { a: "1" });
  seq.onVTEPUpdate(vtep("node-b", "66:00:00:00:00:01"));
  seq.onVTEPUpdate(vtep("node-b", "66:00:00:00:00:02"));
  seq.onIPPoolUpdate(pool("10.0.0.0/16"));
  seq.onIPPoolRemove("10.0.0.0-16");
  seq.onHostMetadataUpdate(host("node-b"));
  deepEqual(types(seq.flush()), [
    "ServiceAccountUpdate",
    "VXLANTunnelEndpointUpdate",
    "HostMetadataUpdate",
  ]);
  seq.onServiceAccountRemove("ns", "sa");
  seq.onVTEPRemove("node-b");
  seq.onHostMetadataRemove("node-b");
  seq.onHostMetadataUpdate(host("node-b", "192.168.0.9"));
  deepEqual(seq.flush(), [
    { type: "ServiceAccountRemove", namespace: "ns", name: "sa" },
    { type: "VXLANTunnelEndpointRemove", node: "node-b" },
    host("node-b", "192.168.0.9"),
  ]);
});

Deno.test("EventSequencer sends ConfigUpdate first and only when the config changed", () => {
  const seq = synced();
  seq.onPolicyActive(pid("p"), policy());
  seq.onConfigUpdate({ LogSeverityScreen: "Info" }, { "4": { LogSeverityScreen: "Info" } });
  deepEqual(seq.flush(), [
    {
      type: "ConfigUpdate",
      config: { LogSeverityScreen: "Info" },
      sourceToRawConfig: { "4": { LogSeverityScreen: "Info" } },
    },
    { type: "ActivePolicyUpdate", id: pid("p"), policy: policy() },
  ]);
  seq.onConfigUpdate({ LogSeverityScreen: "Info" }, { "4": { LogSeverityScreen: "Info" } });
  deepEqual(seq.flush(), []);
  seq.onConfigUpdate({ LogSeverityScreen: "Info" }, { "5": { LogSeverityScreen: "Info" } });
  deepEqual(types(seq.flush()), ["ConfigUpdate"]);
});

Deno.test("EventSequencer sends EncapsulationUpdate only when it changed", () => {
  const seq = synced();
  seq.onEncapsulationUpdate(encap(true));
  deepEqual(seq.flush(), [encap(true)]);
  seq.onEncapsulationUpdate(encap(true));
  deepEqual(seq.flush(), []);
  seq.onEncapsulationUpdate(encap(false));
  deepEqual(seq.flush(), [encap(false)]);
});

// ---- IP sets ----

Deno.test("EventSequencer sends a new IP set as one IPSetUpdate with sorted members", () => {
  const seq = synced();
  seq.onIPSetAdded("s:a", "net");
  seq.onIPSetMemberAdded("s:a", "10.0.0.9/32");
  seq.onIPSetMemberAdded("s:a", "10.0.0.10/32");
  seq.onIPSetMemberAdded("s:a", "10.0.0.2/32");
  seq.onIPSetMemberRemoved("s:a", "10.0.0.9/32");
  deepEqual(seq.flush(), [
    { type: "IPSetUpdate", id: "s:a", ipSetType: "net", members: ["10.0.0.10/32", "10.0.0.2/32"] },
  ]);
});

Deno.test("EventSequencer sends one sorted IPSetDeltaUpdate for a set already sent", () => {
  const seq = synced();
  seq.onIPSetAdded("s:a", "net");
  seq.onIPSetMemberAdded("s:a", "10.0.0.1/32");
  seq.onIPSetMemberAdded("s:a", "10.0.0.2/32");
  seq.flush();
  seq.onIPSetMemberAdded("s:a", "10.0.0.5/32");
  seq.onIPSetMemberAdded("s:a", "10.0.0.3/32");
  seq.onIPSetMemberRemoved("s:a", "10.0.0.2/32");
  seq.onIPSetMemberRemoved("s:a", "10.0.0.1/32");
  deepEqual(seq.flush(), [{
    type: "IPSetDeltaUpdate",
    id: "s:a",
    addedMembers: ["10.0.0.3/32", "10.0.0.5/32"],
    removedMembers: ["10.0.0.1/32", "10.0.0.2/32"],
  }]);
});

Deno.test("EventSequencer cancels a member add against a pending remove and vice versa", () => {
  const seq = synced();
  seq.onIPSetAdded("s:a", "net");
  seq.onIPSetMemberAdded("s:a", "10.0.0.1/32");
  seq.flush();
  seq.onIPSetMemberRemoved("s:a", "10.0.0.1/32");
  seq.onIPSetMemberAdded("s:a", "10.0.0.1/32");
  seq.onIPSetMemberAdded("s:a", "10.0.0.2/32");
  seq.onIPSetMemberRemoved("s:a", "10.0.0.2/32");
  equal(seq.dirty, false);
  deepEqual(seq.flush(), []);
});

Deno.test("EventSequencer re-sends a removed and re-added IP set whole, dropping earlier deltas", () => {
  const seq = synced();
  seq.onIPSetAdded("n:a", "ip-and-port");
  seq.onIPSetMemberAdded("n:a", "10.0.0.1,tcp:80");
  seq.flush();
  seq.onIPSetMemberAdded("n:a", "10.0.0.2,tcp:80");
  seq.onIPSetRemoved("n:a");
  seq.onIPSetAdded("n:a", "ip-and-port");
  seq.onIPSetMemberAdded("n:a", "10.0.0.3,tcp:80");
  deepEqual(seq.flush(), [
    { type: "IPSetUpdate", id: "n:a", ipSetType: "ip-and-port", members: ["10.0.0.3,tcp:80"] },
  ]);
});

Deno.test("EventSequencer sends nothing for an IP set added then removed before a flush", () => {
  const seq = synced();
  seq.onIPSetAdded("s:a", "net");
  seq.onIPSetMemberAdded("s:a", "10.0.0.1/32");
  seq.onIPSetRemoved("s:a");
  seq.onIPSetRemoved("s:never-added");
  deepEqual(seq.flush(), []);
});

Deno.test("EventSequencer removal of a sent IP set discards its pending deltas", () => {
  const seq = synced();
  seq.onIPSetAdded("s:a", "net");
  seq.flush();
  seq.onIPSetMemberAdded("s:a", "10.0.0.1/32");
  seq.onIPSetRemoved("s:a");
  seq.onIPSetMemberAdded("s:a", "10.0.0.2/32"); // pending removal: dropped
  seq.onIPSetMemberRemoved("s:a", "10.0.0.1/32");
  deepEqual(seq.flush(), [{ type: "IPSetRemove", id: "s:a" }]);
  seq.onIPSetRemoved("s:a");
  deepEqual(seq.flush(), []);
});

Deno.test("EventSequencer throws a TypeError naming the set when an active IP set is added", () => {
  const seq = synced();
  seq.onIPSetAdded("s:pending", "net");
  throws(() => seq.onIPSetAdded("s:pending", "net"), {
    name: "TypeError",
    message: 'Cannot add IP set "s:pending": it is already active',
  });
  seq.flush();
  throws(() => seq.onIPSetAdded("s:pending", "net"), {
    name: "TypeError",
    message: 'Cannot add IP set "s:pending": it is already active',
  });
});

Deno.test("EventSequencer throws a TypeError on member events for a set never added", () => {
  const seq = synced();
  throws(() => seq.onIPSetMemberAdded("s:x", "10.0.0.1/32"), {
    name: "TypeError",
    message: 'Cannot add member "10.0.0.1/32" to IP set "s:x": the set was never added',
  });
  throws(() => seq.onIPSetMemberRemoved("s:x", "10.0.0.1/32"), {
    name: "TypeError",
    message: 'Cannot remove member "10.0.0.1/32" from IP set "s:x": the set was never added',
  });
  seq.onIPSetAdded("s:x", "net");
  seq.flush();
  seq.onIPSetRemoved("s:x");
  seq.flush();
  throws(() => seq.onIPSetMemberAdded("s:x", "10.0.0.1/32"), { name: "TypeError" });
});

// ---- flush order ----

/**
 * Sends one of everything, so that the next flush can remove and change each of them. The
 * returned dataplane has applied every flush so far.
 */
function seeded(): { seq: EventSequencer; dp: CheckingDataplane } {
  const seq = new EventSequencer();
  const dp = new CheckingDataplane();
  seq.onDatastoreInSync();
  seq.onIPSetAdded("s:old", "net");
  seq.onIPSetAdded("s:kept", "net");
  seq.onPolicyActive(pid("old"), policy(["s:old"]));
  seq.onProfileActive("prof-old", [rule(["s:old"])], []);
  seq.onWorkloadEndpointUpdate(wepId("old"), wep(["old"], ["prof-old"]));
  seq.onHostEndpointUpdate("hep-old", hep(["old"]));
  seq.onServiceAccountUpdate("ns", "old", {});
  seq.onNamespaceUpdate("old", {});
  seq.onRouteUpdate(route("10.0.1.0/26", "node-old"));
  seq.onVTEPUpdate(vtep("node-old"));
  seq.onHostMetadataUpdate(host("node-old"));
  seq.onIPPoolUpdate(pool("10.0.0.0/16"));
  dp.applyFlush(seq.flush());
  return { seq, dp };
}

Deno.test("EventSequencer.flush orders one of everything by the dependency contract", () => {
  const { seq, dp } = seeded();
  seq.onEncapsulationUpdate(encap(true));
  seq.onIPPoolUpdate(pool("10.1.0.0/16"));
  seq.onIPPoolRemove("10.0.0.0-16");
  seq.onHostMetadataUpdate(host("node-new"));
  seq.onHostMetadataRemove("node-old");
  seq.onRouteUpdate(route("10.0.2.0/26", "node-new"));
  seq.onVTEPUpdate(vtep("node-new"));
  seq.onVTEPRemove("node-old");
  seq.onRouteRemove("10.0.1.0/26");
  seq.onNamespaceUpdate("new", {});
  seq.onNamespaceRemove("old");
  seq.onServiceAccountUpdate("ns", "new", {});
  seq.onServiceAccountRemove("ns", "old");
  seq.onHostEndpointRemove("hep-old");
  seq.onWorkloadEndpointRemove(wepId("old"));
  seq.onHostEndpointUpdate("hep-new", hep(["new"]));
  seq.onWorkloadEndpointUpdate(wepId("new"), wep(["new"], ["prof-new"]));
  seq.onProfileInactive("prof-old");
  seq.onProfileActive("prof-new", [rule(["s:new"])], []);
  seq.onPolicyInactive(pid("old"));
  seq.onPolicyActive(pid("new"), policy(["s:new", "s:kept"]));
  seq.onIPSetRemoved("s:old");
  seq.onIPSetMemberAdded("s:kept", "10.0.0.1/32");
  seq.onIPSetAdded("s:new", "net");
  seq.onConfigUpdate({ A: "1" }, {});
  const out = seq.flush();
  dp.applyFlush(out);
  deepEqual(types(out), [
    "ConfigUpdate",
    "IPSetUpdate",
    "IPSetDeltaUpdate",
    "ActivePolicyUpdate",
    "ActiveProfileUpdate",
    "WorkloadEndpointUpdate",
    "HostEndpointUpdate",
    "WorkloadEndpointRemove",
    "HostEndpointRemove",
    "ActiveProfileRemove",
    "ActivePolicyRemove",
    "IPSetRemove",
    "ServiceAccountRemove",
    "ServiceAccountUpdate",
    "NamespaceRemove",
    "NamespaceUpdate",
    "RouteRemove",
    "VXLANTunnelEndpointRemove",
    "VXLANTunnelEndpointUpdate",
    "RouteUpdate",
    "HostMetadataRemove",
    "HostMetadataUpdate",
    "IPAMPoolRemove",
    "IPAMPoolUpdate",
    "EncapsulationUpdate",
  ]);
});

Deno.test("EventSequencer.flush sorts messages within a category by id", () => {
  const seq = synced();
  for (const id of ["s:c", "s:a", "s:b"]) seq.onIPSetAdded(id, "net");
  for (const name of ["zeta", "alpha", "Beta"]) seq.onPolicyActive(pid(name), policy());
  for (const w of ["w2", "w10", "w1"]) seq.onWorkloadEndpointUpdate(wepId(w), wep([]));
  for (const dst of ["10.0.2.0/26", "10.0.10.0/26", "10.0.1.0/26"]) seq.onRouteUpdate(route(dst));
  const out = seq.flush();
  const ids = out.map((m) => {
    if (m.type === "ActivePolicyUpdate") return m.id.name;
    if (m.type === "WorkloadEndpointUpdate") return m.id.workloadId;
    if (m.type === "RouteUpdate") return m.dst;
    return "id" in m ? m.id : m.type;
  });
  deepEqual(ids, [
    "s:a",
    "s:b",
    "s:c",
    "Beta",
    "alpha",
    "zeta",
    "w1",
    "w10",
    "w2",
    "10.0.1.0/26",
    "10.0.10.0/26",
    "10.0.2.0/26",
  ]);
});

// ---- in-sync ----

Deno.test("EventSequencer emits InSync once, at the end of the first flush after in-sync", () => {
  const seq = new EventSequencer();
  seq.onIPSetAdded("s:a", "net");
  seq.onPolicyActive(pid("p"), policy(["s:a"]));
  deepEqual(types(seq.flush()), ["IPSetUpdate", "ActivePolicyUpdate"]);
  equal(seq.sentInSync, false);
  equal(seq.dirty, false);
  seq.onDatastoreInSync();
  equal(seq.dirty, true);
  seq.onRouteUpdate(route("10.0.1.0/26"));
  deepEqual(types(seq.flush()), ["RouteUpdate", "InSync"]);
  equal(seq.sentInSync, true);
  seq.onDatastoreInSync();
  deepEqual(seq.flush(), []);
  seq.onRouteRemove("10.0.1.0/26");
  deepEqual(types(seq.flush()), ["RouteRemove"]);
});

Deno.test("EventSequencer holds endpoint messages, coalesced, until the in-sync flush", () => {
  const seq = new EventSequencer();
  seq.onPolicyActive(pid("p"), policy());
  seq.onWorkloadEndpointUpdate(wepId("a"), wep([]));
  seq.onWorkloadEndpointUpdate(wepId("b"), wep([]));
  seq.onHostEndpointUpdate("h", hep([]));
  deepEqual(types(seq.flush()), ["ActivePolicyUpdate"]);
  equal(seq.dirty, false);
  seq.onWorkloadEndpointUpdate(wepId("a"), wep(["p"]));
  seq.onWorkloadEndpointRemove(wepId("b"));
  seq.onDatastoreInSync();
  deepEqual(seq.flush(), [
    { type: "WorkloadEndpointUpdate", id: wepId("a"), endpoint: wep(["p"]) },
    { type: "HostEndpointUpdate", id: "h", endpoint: hep([]) },
    { type: "InSync" },
  ]);
});

// ---- helpers ----

Deno.test("sequencer deepEqual compares JSON-like values and treats undefined as absent", () => {
  equal(sequencerDeepEqual({ a: [1, { b: "x" }] }, { a: [1, { b: "x" }] }), true);
  equal(sequencerDeepEqual({ a: 1, b: undefined }, { a: 1 }), true);
  equal(sequencerDeepEqual({ a: 1 }, { a: 1, b: 2 }), false);
  equal(sequencerDeepEqual([1, 2], [2, 1]), false);
  equal(sequencerDeepEqual([], {}), false);
  equal(sequencerDeepEqual({ a: null }, { a: {} }), false);
  equal(sequencerDeepEqual("1", 1), false);
});

// ---- property: random valid call sequences against the checking dataplane ----

const SETS = ["s:0", "s:1", "s:2", "s:3"];
const MEMBERS = ["10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32"];
const POLICIES = ["p0", "p1", "p2"];
const PROFILES = ["prof0", "prof1"];
const WEPS = ["w0", "w1", "w2"];

/** What the calc graph wants the dataplane to hold after one batch. */
interface Target {
  /** Endpoint -> [policy indexes, profile indexes]. */
  readonly weps: ReadonlyMap<string, readonly [readonly number[], readonly number[]]>;
  /** Policy/profile content version (which sets it uses). */
  readonly version: number;
  /** Members per set, as bit masks over MEMBERS. */
  readonly members: readonly number[];
  readonly churn: boolean;
}

function policySets(i: number, version: number): string[] {
  return [SETS[(i + version) % SETS.length]!];
}

function profileSets(i: number, version: number): string[] {
  return [SETS[(i + version + 2) % SETS.length]!];
}

function activeOf(t: Target) {
  const policies = new Set<number>();
  const profiles = new Set<number>();
  for (const [pols, profs] of t.weps.values()) {
    pols.forEach((p) => policies.add(p));
    profs.forEach((p) => profiles.add(p));
  }
  const sets = new Set<string>();
  policies.forEach((p) => policySets(p, t.version).forEach((s) => sets.add(s)));
  profiles.forEach((p) => profileSets(p, t.version).forEach((s) => sets.add(s)));
  return { policies, profiles, sets };
}

function membersOf(t: Target, set: string): string[] {
  const mask = t.members[SETS.indexOf(set)] ?? 0;
  return MEMBERS.filter((_, i) => (mask & (1 << i)) !== 0);
}

/** The sink calls that move the sequencer from `from` to `to`, as per-object call chains. */
function chains(seq: EventSequencer, from: Target, to: Target): (() => void)[][] {
  const a = activeOf(from);
  const b = activeOf(to);
  const out: (() => void)[][] = [];
  for (const s of SETS) {
    const was = a.sets.has(s);
    const is = b.sets.has(s);
    if (is && (!was || to.churn)) {
      const pre = was ? [() => seq.onIPSetRemoved(s)] : [];
      out.push([
        ...pre,
        () => seq.onIPSetAdded(s, "net"),
        ...membersOf(to, s).map((m) => () => seq.onIPSetMemberAdded(s, m)),
      ]);
    } else if (is) {
      const old = membersOf(from, s);
      const now = membersOf(to, s);
      for (const m of MEMBERS) {
        if (old.includes(m) && !now.includes(m)) out.push([() => seq.onIPSetMemberRemoved(s, m)]);
        if (!old.includes(m) && now.includes(m)) out.push([() => seq.onIPSetMemberAdded(s, m)]);
      }
    } else if (was) out.push([() => seq.onIPSetRemoved(s)]);
  }
  POLICIES.forEach((name, i) => {
    if (b.policies.has(i)) {
      out.push([() => seq.onPolicyActive(pid(name), policy(policySets(i, to.version)))]);
    } else if (a.policies.has(i)) out.push([() => seq.onPolicyInactive(pid(name))]);
  });
  PROFILES.forEach((name, i) => {
    if (b.profiles.has(i)) {
      out.push([() => seq.onProfileActive(name, [rule(profileSets(i, to.version))], [])]);
    } else if (a.profiles.has(i)) out.push([() => seq.onProfileInactive(name)]);
  });
  for (const w of WEPS) {
    const spec = to.weps.get(w);
    if (spec !== undefined) {
      const ep = wep(spec[0].map((p) => POLICIES[p]!), spec[1].map((p) => PROFILES[p]!));
      out.push([() => seq.onWorkloadEndpointUpdate(wepId(w), ep)]);
    } else if (from.weps.has(w)) out.push([() => seq.onWorkloadEndpointRemove(wepId(w))]);
  }
  return out;
}

/** Runs the chains interleaved in a random order that keeps each chain's own order. */
function interleave(list: (() => void)[][], picks: readonly number[]): void {
  const queues = list.map((c) => [...c]);
  let k = 0;
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    const q = live[(picks[k++ % Math.max(picks.length, 1)] ?? 0) % live.length]!;
    q.shift()!();
  }
}

function expectedSnapshot(t: Target, inSync: boolean): Partial<DataplaneSnapshot> {
  const act = activeOf(t);
  const ipSets: Record<string, { type: "net"; members: string[] }> = {};
  for (const s of [...act.sets].sort()) ipSets[s] = { type: "net", members: membersOf(t, s) };
  const policies: Record<string, Policy> = {};
  for (const i of [...act.policies].sort()) {
    policies[`GlobalNetworkPolicy/${POLICIES[i]}`] = policy(policySets(i, t.version));
  }
  const profiles: Record<string, unknown> = {};
  for (const i of [...act.profiles].sort()) {
    profiles[PROFILES[i]!] = { inboundRules: [rule(profileSets(i, t.version))], outboundRules: [] };
  }
  const workloadEndpoints: Record<string, WorkloadEndpoint> = {};
  if (inSync) {
    for (const [w, [pols, profs]] of [...t.weps].sort()) {
      workloadEndpoints[`k8s/${w}/eth0`] = wep(
        pols.map((p) => POLICIES[p]!),
        profs.map((p) => PROFILES[p]!),
      );
    }
  }
  return {
    ipSets,
    policies,
    profiles: profiles as DataplaneSnapshot["profiles"],
    workloadEndpoints,
  };
}

const subset = (n: number) => fc.uniqueArray(fc.nat(n - 1), { maxLength: n });
const targetArb: fc.Arbitrary<Target> = fc.record({
  weps: fc.array(
    fc.tuple(fc.constantFrom(...WEPS), subset(POLICIES.length), subset(PROFILES.length)),
    { maxLength: 3 },
  )
    .map((xs) => new Map(xs.map(([w, p, q]) => [w, [p, q] as const]))),
  version: fc.nat(3),
  members: fc.array(fc.nat(7), { minLength: SETS.length, maxLength: SETS.length }),
  churn: fc.boolean(),
});

Deno.test("EventSequencer output passes the checking dataplane for random valid call orders", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(targetArb, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), fc.boolean()),
        {
          minLength: 1,
          maxLength: 6,
        },
      ),
      fc.nat(6),
      (steps, syncAt) => {
        const seq = new EventSequencer();
        const dp = new CheckingDataplane();
        let current: Target = { weps: new Map(), version: 0, members: [0, 0, 0, 0], churn: false };
        steps.forEach(([target, picks, flush], i) => {
          interleave(chains(seq, current, target), picks);
          current = target;
          if (i === syncAt) seq.onDatastoreInSync();
          if (flush || i === steps.length - 1) {
            dp.applyFlush(seq.flush());
            const snap = dp.snapshot();
            const want = expectedSnapshot(current, dp.inSync);
            deepEqual(
              {
                ipSets: snap.ipSets,
                policies: snap.policies,
                profiles: snap.profiles,
                workloadEndpoints: snap.workloadEndpoints,
              },
              want,
            );
          }
        });
      },
    ),
    { numRuns: 300 },
  );
});
