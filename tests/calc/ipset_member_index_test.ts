import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import type { CalcSink, IPSetData } from "../../src/calc/sinks.ts";
import { type EndpointMemberData, IPSetMemberIndex } from "../../src/calc/ipset_member_index.ts";
import {
  contribution,
  endpointSource,
  memberProtocol,
  type MemberSource,
  networkSetSource,
  portProtocolMatches,
} from "../../src/calc/ipset_contribution.ts";
import {
  namedPortIPSetId,
  type NamedPortProtocol,
  serviceIPSetId,
} from "../../src/calc/ip_set_ids.ts";
import { parseSelector } from "../../src/selector/mod.ts";
import type { EndpointPort } from "../../src/model/values.ts";

/** A recording fake sink: every call as `[method, ...args]`. */
function setup(): { index: IPSetMemberIndex; log: unknown[][] } {
  const log: unknown[][] = [];
  const sink = new Proxy({}, {
    get: (_, name) => (...args: unknown[]) => log.push([String(name), ...args]),
  }) as CalcSink;
  return { index: new IPSetMemberIndex({ sink }), log };
}

function netSet(selector: string): IPSetData {
  const s = parseSelector(selector);
  return { id: s.uniqueId(), type: "net", selector: s.toString() };
}

function portSet(selector: string, protocol: NamedPortProtocol, port: string): IPSetData {
  const s = parseSelector(selector);
  return {
    id: namedPortIPSetId(s, protocol, port),
    type: "ip-and-port",
    selector: s.toString(),
    namedPort: port,
    namedPortProtocol: protocol,
  };
}

function ep(
  labels: Record<string, string>,
  nets: string[],
  ports: EndpointPort[] = [],
  profileIds: string[] = [],
): EndpointMemberData {
  return {
    labels,
    profileIds,
    ipv4Nets: nets.filter((n) => !n.includes(":")),
    ipv6Nets: nets.filter((n) => n.includes(":")),
    ports,
  };
}

const added = (id: string, m: string) => ["onIPSetMemberAdded", id, m];
const removed = (id: string, m: string) => ["onIPSetMemberRemoved", id, m];

Deno.test("IPSetMemberIndex fills a newly active set with /32 and /128 endpoint addresses", () => {
  const { index, log } = setup();
  index.updateEndpoint("ep1", ep({ app: "web" }, ["10.0.0.1/32", "fc00:fe11::1/128"]));
  index.updateEndpoint("ep2", ep({ app: "db" }, ["10.0.0.2/32"]));
  const set = netSet("app == 'web'");
  index.onIPSetActive(set);
  deepEqual(log, [added(set.id, "10.0.0.1/32"), added(set.id, "fc00:fe11::1/128")]);
});

Deno.test("IPSetMemberIndex reports members of endpoints added after the set", () => {
  const { index, log } = setup();
  const set = netSet("app == 'web'");
  index.onIPSetActive(set);
  index.updateEndpoint("ep1", ep({ app: "web" }, ["10.0.0.1/32"]));
  index.updateEndpoint("ep2", ep({ app: "db" }, ["10.0.0.2/32"]));
  deepEqual(log, [added(set.id, "10.0.0.1/32")]);
  deepEqual(index.members(set.id), new Set(["10.0.0.1/32"]));
});

Deno.test("IPSetMemberIndex counts a shared address once and removes it with its last endpoint", () => {
  const { index, log } = setup();
  const set = netSet("all()");
  index.onIPSetActive(set);
  index.updateEndpoint("ep1", ep({}, ["10.0.0.1/32"]));
  index.updateEndpoint("ep2", ep({}, ["10.0.0.1/32"]));
  deepEqual(log, [added(set.id, "10.0.0.1/32")]);
  index.updateEndpoint("ep1", undefined);
  deepEqual(log.length, 1);
  index.updateEndpoint("ep2", undefined);
  deepEqual(log, [added(set.id, "10.0.0.1/32"), removed(set.id, "10.0.0.1/32")]);
});

Deno.test("IPSetMemberIndex emits exactly the delta when an endpoint's addresses change", () => {
  const { index, log } = setup();
  const set = netSet("app == 'web'");
  index.onIPSetActive(set);
  index.updateEndpoint("ep1", ep({ app: "web" }, ["10.0.0.1/32", "10.0.0.2/32"]));
  log.length = 0;
  index.updateEndpoint("ep1", ep({ app: "web" }, ["10.0.0.2/32", "10.0.0.3/32"]));
  deepEqual(log, [added(set.id, "10.0.0.3/32"), removed(set.id, "10.0.0.1/32")]);
  log.length = 0;
  index.updateEndpoint("ep1", ep({ app: "web" }, ["10.0.0.2/32", "10.0.0.3/32"]));
  deepEqual(log, []);
});

Deno.test("IPSetMemberIndex removes an endpoint's members when its labels stop matching", () => {
  const { index, log } = setup();
  const set = netSet("app == 'web'");
  index.onIPSetActive(set);
  index.updateEndpoint("ep1", ep({ app: "web" }, ["10.0.0.1/32"]));
  index.updateEndpoint("ep1", ep({ app: "db" }, ["10.0.0.1/32"]));
  deepEqual(log, [added(set.id, "10.0.0.1/32"), removed(set.id, "10.0.0.1/32")]);
  log.length = 0;
  index.updateEndpoint("ep1", ep({ app: "web" }, ["10.0.0.9/32"]));
  deepEqual(log, [added(set.id, "10.0.0.9/32")]);
});

Deno.test("IPSetMemberIndex fills named-port sets with <ip>,<proto>:<port> per address and port", () => {
  const { index, log } = setup();
  const ports = [
    { name: "http", protocol: "tcp", port: 8080 },
    { name: "http", protocol: "tcp", port: 8081 },
    { name: "dns", protocol: "udp", port: 53 },
  ];
  index.updateEndpoint("ep1", ep({ app: "web" }, ["10.0.0.1/32", "fc00:fe11::1/128"], ports));
  const http = portSet("app == 'web'", "tcp", "http");
  index.onIPSetActive(http);
  deepEqual(log, [
    added(http.id, "10.0.0.1,tcp:8080"),
    added(http.id, "fc00:fe11::1,tcp:8080"),
    added(http.id, "10.0.0.1,tcp:8081"),
    added(http.id, "fc00:fe11::1,tcp:8081"),
  ]);
  log.length = 0;
  index.onIPSetActive(portSet("app == 'web'", "tcp", "dns"));
  deepEqual(log, []);
});

Deno.test("IPSetMemberIndex any-protocol sets match every named protocol, with the port's protocol", () => {
  const { index, log } = setup();
  const ports = [
    { name: "p", protocol: "udp", port: 1 },
    { name: "p", protocol: "sctp", port: 2 },
    { name: "p", protocol: "tcp", port: 3 },
  ];
  index.updateEndpoint("ep1", ep({}, ["10.0.0.1/32"], ports));
  const set = portSet("all()", "any", "p");
  index.onIPSetActive(set);
  deepEqual(log, [
    added(set.id, "10.0.0.1,udp:1"),
    added(set.id, "10.0.0.1,sctp:2"),
    added(set.id, "10.0.0.1,tcp:3"),
  ]);
});

Deno.test("IPSetMemberIndex matches numeric endpoint protocols only to an equal protocol number", () => {
  const { index, log } = setup();
  const ports = [{ name: "p", protocol: 17, port: 53 }, { name: "p", protocol: 6, port: 80 }];
  index.updateEndpoint("ep1", ep({}, ["10.0.0.1/32"], ports));
  const udp = portSet("all()", "udp", "p");
  const any = portSet("all()", "any", "p");
  index.onIPSetActive(udp);
  index.onIPSetActive(any);
  deepEqual(log, [added(udp.id, "10.0.0.1,udp:53")]);
});

Deno.test("portProtocolMatches and memberProtocol follow upstream's numeric and named rules", () => {
  deepEqual(
    [
      portProtocolMatches("tcp", "TCP"),
      portProtocolMatches("tcp", "udp"),
      portProtocolMatches("any", "icmp"),
      portProtocolMatches("sctp", 132),
      portProtocolMatches("any", 6),
      portProtocolMatches("any", 0),
      portProtocolMatches("tcp", 0),
    ],
    [true, false, true, true, false, true, false],
  );
  deepEqual(
    ["udp", 17, "sctp", 132, "tcp", 6, 0, "icmp"].map(memberProtocol),
    ["udp", "udp", "sctp", "sctp", "tcp", "tcp", "tcp", "tcp"],
  );
});

Deno.test("IPSetMemberIndex updates named-port members when an endpoint's ports change", () => {
  const { index, log } = setup();
  const set = portSet("all()", "tcp", "http");
  index.onIPSetActive(set);
  index.updateEndpoint(
    "ep1",
    ep({}, ["10.0.0.1/32"], [{ name: "http", protocol: "tcp", port: 80 }]),
  );
  index.updateEndpoint(
    "ep1",
    ep({}, ["10.0.0.1/32"], [{ name: "http", protocol: "tcp", port: 81 }]),
  );
  deepEqual(log, [
    added(set.id, "10.0.0.1,tcp:80"),
    added(set.id, "10.0.0.1,tcp:81"),
    removed(set.id, "10.0.0.1,tcp:80"),
  ]);
});

Deno.test("IPSetMemberIndex adds network-set CIDRs as given and splits a /0 into two /1s", () => {
  const { index, log } = setup();
  const set = netSet("role == 'ext'");
  index.onIPSetActive(set);
  index.updateNetworkSet("ns1", {
    labels: { role: "ext" },
    profileIds: [],
    nets: ["192.168.0.0/16", "0.0.0.0/0", "::/0", "128.0.0.0/1"],
  });
  deepEqual(log, [
    added(set.id, "192.168.0.0/16"),
    added(set.id, "0.0.0.0/1"),
    added(set.id, "128.0.0.0/1"),
    added(set.id, "::/1"),
    added(set.id, "8000::/1"),
  ]);
  log.length = 0;
  index.updateNetworkSet("ns1", undefined);
  deepEqual(log.length, 5);
  deepEqual(log.map((e) => e[0]), Array(5).fill("onIPSetMemberRemoved"));
});

Deno.test("IPSetMemberIndex never adds network sets to named-port sets", () => {
  const { index, log } = setup();
  index.onIPSetActive(portSet("all()", "any", "http"));
  index.updateNetworkSet("ns1", { labels: {}, profileIds: [], nets: ["10.0.0.0/8"] });
  deepEqual(log, []);
});

Deno.test("IPSetMemberIndex applies inherited profile labels, own labels first", () => {
  const { index, log } = setup();
  const set = netSet("env == 'prod'");
  index.onIPSetActive(set);
  index.updateEndpoint("ep1", ep({}, ["10.0.0.1/32"], [], ["prof-a"]));
  index.updateEndpoint("ep2", ep({ env: "dev" }, ["10.0.0.2/32"], [], ["prof-a"]));
  deepEqual(log, []);
  index.updateProfileLabels("prof-a", { env: "prod" });
  deepEqual(log, [added(set.id, "10.0.0.1/32")]);
  log.length = 0;
  index.updateProfileLabels("prof-a", undefined);
  deepEqual(log, [removed(set.id, "10.0.0.1/32")]);
});

Deno.test("IPSetMemberIndex deactivation emits nothing and reactivation starts from scratch", () => {
  const { index, log } = setup();
  const set = netSet("all()");
  index.updateEndpoint("ep1", ep({}, ["10.0.0.1/32"]));
  index.onIPSetActive(set);
  log.length = 0;
  index.onIPSetInactive(set.id);
  deepEqual(log, []);
  deepEqual(index.members(set.id), new Set());
  index.updateEndpoint("ep1", undefined);
  index.updateEndpoint("ep2", ep({}, ["10.0.0.2/32"]));
  deepEqual(log, []);
  index.onIPSetActive(set);
  deepEqual(log, [added(set.id, "10.0.0.2/32")]);
});

Deno.test("IPSetMemberIndex keeps sets that share a selector independent", () => {
  const { index, log } = setup();
  const plain = netSet("app == 'web'");
  const named = portSet("app == 'web'", "tcp", "http");
  index.onIPSetActive(plain);
  index.updateEndpoint(
    "ep1",
    ep({ app: "web" }, ["10.0.0.1/32"], [{ name: "http", protocol: "tcp", port: 80 }]),
  );
  index.onIPSetActive(named);
  index.onIPSetInactive(plain.id);
  log.length = 0;
  index.updateEndpoint("ep1", undefined);
  deepEqual(log, [removed(named.id, "10.0.0.1,tcp:80")]);
});

Deno.test("IPSetMemberIndex leaves service sets empty", () => {
  const { index, log } = setup();
  index.updateEndpoint("ep1", ep({}, ["10.0.0.1/32"]));
  index.onIPSetActive({ id: serviceIPSetId("default", "svc"), type: "ip-and-port", selector: "" });
  index.updateEndpoint("ep2", ep({}, ["10.0.0.2/32"]));
  deepEqual(log, []);
});

type Op =
  | {
    kind: "ep";
    id: number;
    labels: Record<string, string>;
    nets: string[];
    ports: EndpointPort[];
    profiles: string[];
  }
  | { kind: "epDel"; id: number }
  | { kind: "netset"; labels: Record<string, string>; nets: string[] }
  | { kind: "netsetDel" }
  | { kind: "profile"; name: string; labels: Record<string, string> | undefined }
  | { kind: "set"; set: number; active: boolean };

const SETS: readonly IPSetData[] = [
  netSet("a == 'x'"),
  netSet("all()"),
  netSet("p == 'x' || a == 'y'"),
  portSet("a == 'x'", "tcp", "http"),
  portSet("all()", "any", "http"),
  portSet("has(p)", "udp", "dns"),
];

function opArbitrary(): fc.Arbitrary<Op> {
  const labels = fc.dictionary(fc.constantFrom("a", "p"), fc.constantFrom("x", "y"), {
    maxKeys: 2,
  });
  const nets = fc.subarray(["10.0.0.1/32", "10.0.0.2/32", "fd00::1/128"]);
  const port = fc.record({
    name: fc.constantFrom("http", "dns"),
    protocol: fc.constantFrom<string | number>("tcp", "udp", 17, 6, 0),
    port: fc.constantFrom(53, 80),
  });
  return fc.oneof(
    fc.record({
      kind: fc.constant("ep" as const),
      id: fc.nat(2),
      labels,
      nets,
      ports: fc.array(port, { maxLength: 2 }),
      profiles: fc.subarray(["pa", "pb"]),
    }),
    fc.record({ kind: fc.constant("epDel" as const), id: fc.nat(2) }),
    fc.record({
      kind: fc.constant("netset" as const),
      labels,
      nets: fc.subarray(["10.0.0.1/32", "0.0.0.0/0", "10.0.0.0/8"]),
    }),
    fc.record({ kind: fc.constant("netsetDel" as const) }),
    fc.record({
      kind: fc.constant("profile" as const),
      name: fc.constantFrom("pa", "pb"),
      labels: fc.option(labels, { nil: undefined }),
    }),
    fc.record({
      kind: fc.constant("set" as const),
      set: fc.nat(SETS.length - 1),
      active: fc.boolean(),
    }),
  );
}

/** Brute force: the members each active set should hold now. */
function expectedMembers(
  active: ReadonlySet<number>,
  items: ReadonlyMap<
    string,
    { labels: Record<string, string>; profiles: string[]; source: MemberSource }
  >,
  profiles: ReadonlyMap<string, Record<string, string>>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const i of active) {
    const set = SETS[i]!;
    const members = new Set<string>();
    for (const item of items.values()) {
      const effective = { ...item.labels };
      for (const p of item.profiles) {
        for (const [k, v] of Object.entries(profiles.get(p) ?? {})) {
          if (!(k in effective)) effective[k] = v;
        }
      }
      if (!parseSelector(set.selector).evaluate(new Map(Object.entries(effective)))) continue;
      for (const m of contribution(item.source, set)) members.add(m);
    }
    out.set(set.id, members);
  }
  return out;
}

Deno.test("IPSetMemberIndex deltas always add up to the brute-force members (property)", () => {
  fc.assert(
    fc.property(fc.array(opArbitrary(), { maxLength: 40 }), (ops) => {
      const { index, log } = setup();
      const active = new Set<number>();
      const items = new Map<
        string,
        { labels: Record<string, string>; profiles: string[]; source: MemberSource }
      >();
      const profiles = new Map<string, Record<string, string>>();
      const seen = new Map<string, Set<string>>();
      for (const op of ops) {
        applyOp(index, op, active, items, profiles, seen);
        for (const [name, id, member] of log.splice(0) as [string, string, string][]) {
          const members = seen.get(id)!;
          if (name === "onIPSetMemberAdded") {
            equal(members.has(member), false, `duplicate add ${member}`);
            members.add(member);
          } else {
            equal(members.delete(member), true, `remove of absent ${member}`);
          }
        }
        deepEqual(seen, expectedMembers(active, items, profiles));
      }
    }),
    { numRuns: 300 },
  );
});

function applyOp(
  index: IPSetMemberIndex,
  op: Op,
  active: Set<number>,
  items: Map<string, { labels: Record<string, string>; profiles: string[]; source: MemberSource }>,
  profiles: Map<string, Record<string, string>>,
  seen: Map<string, Set<string>>,
): void {
  switch (op.kind) {
    case "ep":
      index.updateEndpoint(`ep${op.id}`, ep(op.labels, op.nets, op.ports, op.profiles));
      items.set(`ep${op.id}`, { ...op, source: endpointSource(op.nets, op.ports) });
      return;
    case "epDel":
      index.updateEndpoint(`ep${op.id}`, undefined);
      items.delete(`ep${op.id}`);
      return;
    case "netset":
      index.updateNetworkSet("ns", { labels: op.labels, profileIds: [], nets: op.nets });
      items.set("ns", { labels: op.labels, profiles: [], source: networkSetSource(op.nets) });
      return;
    case "netsetDel":
      index.updateNetworkSet("ns", undefined);
      items.delete("ns");
      return;
    case "profile":
      index.updateProfileLabels(op.name, op.labels);
      if (op.labels === undefined) profiles.delete(op.name);
      else profiles.set(op.name, op.labels);
      return;
    case "set": {
      const set = SETS[op.set]!;
      if (op.active === active.has(op.set)) return;
      if (op.active) {
        active.add(op.set);
        seen.set(set.id, new Set()); // The sequencer's "added": the set starts empty.
        index.onIPSetActive(set);
      } else {
        active.delete(op.set);
        seen.delete(set.id); // The sequencer's "removed": pending members are discarded.
        index.onIPSetInactive(set.id);
      }
    }
  }
}
