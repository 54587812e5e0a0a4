import { deepEqual } from "node:assert/strict";
import { IPSetMemberIndex } from "../../src/calc/ipset_member_index.ts";
import { memberProtocol, portProtocolMatches } from "../../src/calc/ipset_contribution.ts";
import { serviceIPSetId } from "../../src/calc/ip_set_ids.ts";
import {
  memberData as ep,
  namedPortSetData as portSet,
  netSetData as netSet,
  Recorder,
} from "./fixtures.ts";

/** An index writing to a recording sink: `log` holds every call as `[method, ...args]`. */
function setup(): { index: IPSetMemberIndex; log: unknown[][] } {
  const rec = new Recorder();
  return { index: new IPSetMemberIndex({ sink: rec.sink }), log: rec.calls };
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
