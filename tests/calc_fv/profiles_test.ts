/**
 * Scenarios: profiles. Endpoints inherit their profiles' labels (own labels first, then profiles
 * in list order); a profile is active, with its rules' IP sets, while a local endpoint uses it;
 * a profile that is used but missing fails closed with one deny rule each way.
 */
import { deepEqual } from "node:assert/strict";
import type { ProfileState } from "./checking_dataplane.ts";
import { scenarioTest } from "./harness.ts";
import { hepOf, podId, selectorSet, summarise } from "./snapshot_checks.ts";
import { gnp, hostEndpoint, namespace, pod, profile } from "./resources.ts";

const HOST = "node-1";
const ALLOW_IN = { ingress: [{ action: "Allow" }] };

const hep = (
  name: string,
  node: string,
  ip: string,
  profiles: string[],
  labels?: Record<string, string>,
) => hostEndpoint(name, { node, interfaceName: "eth0", expectedIPs: [ip], profiles }, labels);

/** A profile as the checks see it: the actions and source sets of its rules. */
const shape = (p: ProfileState | undefined) =>
  p === undefined ? undefined : {
    inbound: p.inboundRules.map((r) => [r.action, ...r.srcIPSetIds]),
    outbound: p.outboundRules.map((r) => [r.action, ...r.dstIPSetIds]),
  };
const DENY_BOTH = { inbound: [["deny"]], outbound: [["deny"]] };
const ALLOW_BOTH = { inbound: [["allow"]], outbound: [["allow"]] };

const policies = [
  gnp("is-prof-1", { selector: "profile == 'prof-1'", ...ALLOW_IN }),
  gnp("is-prof-2", { selector: "profile == 'prof-2'", ...ALLOW_IN }),
  gnp("rack-r2", { selector: "rack == 'r2'", ...ALLOW_IN }),
  gnp("zone-a", {
    selector: "zone == 'a'",
    ingress: [{ action: "Allow", source: { selector: "zone == 'a'" } }],
  }),
];
const prof1 = profile("prof-1", { labelsToApply: { profile: "prof-1", zone: "a" } });
const prof2 = profile("prof-2", { labelsToApply: { profile: "prof-2", rack: "r2", zone: "a" } });
const ZONE_A = selectorSet("zone == 'a'");
const g = (name: string) => `GlobalNetworkPolicy/${name}`;
const tiers = (...ids: string[]) => [{ tier: "default", action: "Deny", ingress: ids, egress: [] }];

scenarioTest({
  name: "endpoints inherit profile labels: own labels first, then profiles in list order",
  hostname: HOST,
  states: [
    {
      name: "h1 lists prof-1 then prof-2 and has its own zone",
      resources: [
        ...policies,
        prof1,
        prof2,
        hep("h1", HOST, "192.168.0.1", ["prof-1", "prof-2"], { zone: "c" }),
        hep("h2", "node-2", "192.168.0.2", ["prof-2"]),
        hep("h3", "node-3", "192.168.0.3", ["prof-1"], { zone: "b" }),
      ],
      check: (s) => {
        deepEqual(summarise(hepOf(s, "h1").tiers), tiers(g("is-prof-1"), g("rack-r2")));
        deepEqual(hepOf(s, "h1").profileIds, ["prof-1", "prof-2"]);
        deepEqual(shape(s.profiles["prof-1"]), { inbound: [], outbound: [] });
        deepEqual(s.ipSets, {});
      },
    },
    {
      name: "h1 lists prof-2 first and drops its own zone",
      resources: [
        ...policies,
        prof1,
        prof2,
        hep("h1", HOST, "192.168.0.1", ["prof-2", "prof-1"]),
        hep("h2", "node-2", "192.168.0.2", ["prof-2"]),
        hep("h3", "node-3", "192.168.0.3", ["prof-1"], { zone: "b" }),
      ],
      check: (s) => {
        deepEqual(
          summarise(hepOf(s, "h1").tiers),
          tiers(g("is-prof-2"), g("rack-r2"), g("zone-a")),
        );
        deepEqual(s.ipSets, {
          [ZONE_A]: { type: "net", members: ["192.168.0.1/32", "192.168.0.2/32"] },
        });
      },
    },
    {
      name: "prof-2 deleted: h1 fails closed on it and matches through prof-1",
      resources: [
        ...policies,
        prof1,
        hep("h1", HOST, "192.168.0.1", ["prof-2", "prof-1"]),
        hep("h2", "node-2", "192.168.0.2", ["prof-2"]),
        hep("h3", "node-3", "192.168.0.3", ["prof-1"]),
      ],
      check: (s) => {
        deepEqual(summarise(hepOf(s, "h1").tiers), tiers(g("is-prof-1"), g("zone-a")));
        deepEqual(shape(s.profiles["prof-2"]), DENY_BOTH);
        deepEqual(s.ipSets, {
          [ZONE_A]: { type: "net", members: ["192.168.0.1/32", "192.168.0.3/32"] },
        });
      },
    },
  ],
});

const adminOnly = profile("admin-only", {
  ingress: [{ action: "Allow", source: { selector: "role == 'admin'" } }],
  egress: [{ action: "Deny", destination: { selector: "role == 'db'" } }],
});
const ADMIN = selectorSet("role == 'admin'");
const DB = selectorSet("role == 'db'");
const admin = hep("admin", "node-2", "192.168.0.2", [], { role: "admin" });

scenarioTest({
  name: "a profile and its rules' IP sets are active while a local endpoint uses it",
  hostname: HOST,
  states: [
    {
      name: "h1 uses admin-only",
      resources: [adminOnly, admin, hep("h1", HOST, "192.168.0.1", ["admin-only"])],
      check: (s) => {
        deepEqual(Object.keys(s.profiles), ["admin-only"]);
        deepEqual(shape(s.profiles["admin-only"]), {
          inbound: [["allow", ADMIN]],
          outbound: [["deny", DB]],
        });
        deepEqual(s.ipSets, {
          [ADMIN]: { type: "net", members: ["192.168.0.2/32"] },
          [DB]: { type: "net", members: [] },
        });
      },
    },
    {
      name: "h1 switches to the default-allow profile",
      resources: [
        adminOnly,
        admin,
        hep("h1", HOST, "192.168.0.1", ["projectcalico-default-allow"]),
      ],
      check: (s) => {
        deepEqual(Object.keys(s.profiles), ["projectcalico-default-allow"]);
        deepEqual(shape(s.profiles["projectcalico-default-allow"]), ALLOW_BOTH);
        deepEqual(s.ipSets, {});
      },
    },
    {
      name: "only a remote endpoint uses admin-only",
      resources: [adminOnly, admin, hep("h9", "node-9", "192.168.0.9", ["admin-only"])],
      check: (s) => {
        deepEqual(s.profiles, {});
        deepEqual(s.ipSets, {});
        deepEqual(s.hostEndpoints, {});
      },
    },
  ],
});

scenarioTest({
  name: "a pod's missing namespace and service-account profiles fail closed",
  hostname: HOST,
  states: [
    {
      name: "no Namespace, no ServiceAccount",
      resources: [
        pod({ name: "p", ns: "ghost", node: HOST, ips: ["10.65.0.1"], serviceAccount: "sa" }),
      ],
      check: (s) => {
        deepEqual(s.workloadEndpoints[podId("ghost", "p")]?.profileIds, [
          "kns.ghost",
          "ksa.ghost.sa",
        ]);
        deepEqual(shape(s.profiles["kns.ghost"]), DENY_BOTH);
        deepEqual(shape(s.profiles["ksa.ghost.sa"]), DENY_BOTH);
      },
    },
    {
      name: "the Namespace arrives: allow-all; the service account is still missing",
      resources: [
        namespace("ghost"),
        pod({ name: "p", ns: "ghost", node: HOST, ips: ["10.65.0.1"], serviceAccount: "sa" }),
      ],
      check: (s) => {
        deepEqual(shape(s.profiles["kns.ghost"]), ALLOW_BOTH);
        deepEqual(shape(s.profiles["ksa.ghost.sa"]), DENY_BOTH);
        deepEqual(s.namespaces, { ghost: { "projectcalico.org/name": "ghost" } });
      },
    },
  ],
});

const watcher = gnp("watch-admins", {
  selector: "role == 'gw'",
  ingress: [{ action: "Allow", source: { selector: "role == 'admin'" } }],
});

scenarioTest({
  name: "an IP set shared by a profile and a policy lives until both stop using it",
  hostname: HOST,
  states: [
    {
      name: "h1 uses admin-only and is selected by a policy with the same rule selector",
      resources: [
        adminOnly,
        watcher,
        admin,
        hep("h1", HOST, "192.168.0.1", ["admin-only"], {
          role: "gw",
        }),
      ],
      check: (s) => {
        deepEqual(Object.keys(s.ipSets), [ADMIN, DB].sort());
        deepEqual(shape(s.profiles["admin-only"])?.inbound, [["allow", ADMIN]]);
        deepEqual(Object.keys(s.policies), ["GlobalNetworkPolicy/watch-admins"]);
      },
    },
    {
      name: "h1 drops the profile; the policy keeps the set",
      resources: [adminOnly, watcher, admin, hep("h1", HOST, "192.168.0.1", [], { role: "gw" })],
      check: (s) => {
        deepEqual(s.profiles, {});
        deepEqual(s.ipSets, { [ADMIN]: { type: "net", members: ["192.168.0.2/32"] } });
      },
    },
    {
      name: "h1 uses the profile again and the policy no longer selects it",
      resources: [adminOnly, watcher, admin, hep("h1", HOST, "192.168.0.1", ["admin-only"])],
      check: (s) => {
        deepEqual(s.policies, {});
        deepEqual(Object.keys(s.ipSets), [ADMIN, DB].sort());
        deepEqual(s.ipSets[ADMIN]?.members, ["192.168.0.2/32"]);
      },
    },
  ],
});
