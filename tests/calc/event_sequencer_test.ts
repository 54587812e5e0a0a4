import { deepEqual, equal, throws } from "node:assert/strict";
import { EventSequencer } from "../../src/calc/event_sequencer.ts";
import type { ToDataplane } from "../../src/proto/messages.ts";
import { CheckingDataplane } from "../calc_fv/checking_dataplane.ts";
import {
  encap,
  hep,
  host,
  pid,
  policy,
  pool,
  route,
  rule,
  vtep,
  wep,
  wepId,
} from "./sequencer_fixtures.ts";

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
