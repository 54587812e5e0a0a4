import { deepEqual } from "node:assert/strict";
import { bad, good, parse } from "./parse_helpers.ts";

Deno.test("parseParamValue ipv4 and ipv6 check the family and canonicalise", () => {
  good("ipv4", [["10.0.0.1", "10.0.0.1"], ["192.168.1.254", "192.168.1.254"]]);
  bad("ipv4", [["fd00::1", "Expected an IPv4 address"], [
    "10.0.0.256",
    "Expected an IPv4 address",
  ]]);
  good("ipv6", [["FD00:0:0::1", "fd00::1"], ["::1", "::1"]]);
  bad("ipv6", [["10.0.0.1", "Expected an IPv6 address"], ["fd00:::1", "Expected an IPv6 address"]]);
});

Deno.test("parseParamValue cidr-list normalises each CIDR", () => {
  good("cidr-list", [
    ["10.1.2.3/8, 192.168.0.0/16", ["10.0.0.0/8", "192.168.0.0/16"]],
    ["FD00::1/64", ["fd00::/64"]],
    ["none", []],
  ]);
  bad("cidr-list", [
    ["10.0.0.1", 'Expected a list of CIDRs; "10.0.0.1" is not a CIDR'],
    ["10.0.0.0/33", 'Expected a list of CIDRs; "10.0.0.0/33" is not a CIDR'],
  ]);
});

Deno.test("parseParamValue port-list reads [tcp|udp:][cidr:]port with IPv6 CIDRs in brackets", () => {
  good("port-list(proto[:cidr]:port)", [
    ["tcp:22,udp:68", [{ protocol: "tcp", port: 22 }, { protocol: "udp", port: 68 }]],
    ["22", [{ protocol: "tcp", port: 22 }]],
    ["tcp:10.1.0.0/8:22", [{ protocol: "tcp", net: "10.0.0.0/8", port: 22 }]],
    ["udp:[fd00::1/64]:53", [{ protocol: "udp", net: "fd00::/64", port: 53 }]],
    ["[fd00::/64]:53", [{ protocol: "tcp", net: "fd00::/64", port: 53 }]],
    ["10.0.0.0/8:443", [{ protocol: "tcp", net: "10.0.0.0/8", port: 443 }]],
    ["TCP:80", [{ protocol: "tcp", port: 80 }]],
    ["none", []],
  ]);
  bad("port-list(proto[:cidr]:port)", [
    [
      "sctp:22",
      'Expected a list of ports: "sctp:22" has protocol "sctp"; only tcp and udp are accepted',
    ],
    ["tcp:70000", 'Expected a list of ports: "tcp:70000" has port "70000"; expected 0-65535'],
    [
      "tcp:fd00::/64:22",
      'Expected a list of ports: "tcp:fd00::/64:22" is not [tcp|udp:][cidr:]port (IPv6 CIDRs in [])',
    ],
    [
      "tcp:10.0.0.0/40:22",
      'Expected a list of ports: "tcp:10.0.0.0/40:22" has network "10.0.0.0/40"; expected a CIDR',
    ],
  ]);
});

Deno.test("parseParamValue host:port accepts names, IPv4 and bracketed IPv6", () => {
  good("host:port", [["127.0.0.1:2379", "127.0.0.1:2379"], [
    "typha.kube-system:5473",
    "typha.kube-system:5473",
  ], ["[fd00::1]:2379", "[fd00::1]:2379"]]);
  const reason = "Expected host:port (IPv6 hosts in brackets, port 0-65535)";
  bad("host:port", [["127.0.0.1", reason], ["fd00::1:2379", reason], ["host:99999", reason], [
    "[10.0.0.1]:1",
    reason,
  ]]);
});

Deno.test("parseParamValue url-list keeps scheme://host:port and needs one scheme", () => {
  good("url-list", [
    ["http://10.0.0.1:2379/, http://10.0.0.2:2379", [
      "http://10.0.0.1:2379",
      "http://10.0.0.2:2379",
    ]],
    ["https://etcd.example:2379", ["https://etcd.example:2379"]],
  ]);
  bad("url-list", [
    ["http://a:2379,https://b:2379", "Expected all URLs to use the same scheme"],
    [
      "http://a:2379/v3",
      'Expected a list of scheme://host:port URLs; "http://a:2379/v3" has a path',
    ],
    [
      "http://u:p@a:2379",
      'Expected a list of scheme://host:port URLs; "http://u:p@a:2379" has user information',
    ],
    ["etcd:2379", 'Expected a list of scheme://host:port URLs; "etcd:2379" has no host'],
    ["not a url", 'Expected a list of URLs; "not a url" is not a URL'],
  ]);
});

Deno.test("parseParamValue interface names and lists use the 15-character name pattern", () => {
  good("iface-name", [["wireguard.cali", "wireguard.cali"], ["eth+", "eth+"]]);
  bad("iface-name", [
    ["a-very-long-iface", "Expected an interface name of 1-15 characters a-zA-Z0-9:._+-"],
    ["eth 0", "Expected an interface name of 1-15 characters a-zA-Z0-9:._+-"],
  ]);
  good("iface-prefix-list", [["cali", ["cali"]], ["cali,tap", ["cali", "tap"]]]);
  bad("iface-prefix-list", [[
    "cali,t p",
    'Expected interface names of 1-15 characters a-zA-Z0-9:._+-; "t p" is not one',
  ]]);
  good("iface-list", [["docker+", ["docker+"]], ["eth0, eth1", ["eth0", "eth1"]]]);
  bad("iface-list", [[
    "eth/0",
    'Expected interface names of 1-15 characters a-zA-Z0-9:._+-; "eth/0" is not one',
  ]]);
});

Deno.test("parseParamValue iface-name-or-/regex/-list separates names from regexes", () => {
  const t = "iface-name-or-/regex/-list";
  good(t, [
    ["kube-ipvs0", [{ kind: "name", name: "kube-ipvs0" }]],
    ["kube-ipvs0,/^veth.*/", [{ kind: "name", name: "kube-ipvs0" }, {
      kind: "regex",
      pattern: "^veth.*",
    }]],
  ]);
  bad(t, [
    [
      "/(x/",
      'Expected a valid /regex/; "/(x/": Expected a regular expression: Invalid regular expression: /(x/: Unterminated group',
    ],
    ["not an iface", 'Expected interface names or /regex/ entries; "not an iface" is neither'],
  ]);
});

Deno.test("parseParamValue port ranges read N or N:M", () => {
  good("port-range(N|N:M)", [["20000:29999", { min: 20000, max: 29999 }], ["8080", {
    min: 8080,
    max: 8080,
  }], ["none", undefined]]);
  const reason = "Expected a port or a port range N:M (0-65535, N <= M)";
  bad("port-range(N|N:M)", [["2:1", reason], ["1:70000", reason], ["http", reason], [
    "1-2",
    reason,
  ]]);
  good("port-range-list", [["30000:32767", [{ min: 30000, max: 32767 }]], ["80, 443:444", [{
    min: 80,
    max: 80,
  }, { min: 443, max: 444 }]]]);
  bad("port-range-list", [
    ["[30000:32767]", 'Expected a list of ports or N:M ranges; "[30000:32767]" is not one'],
    ["1:2:3", 'Expected a list of ports or N:M ranges; "1:2:3" is not one'],
  ]);
});

Deno.test("parseParamValue route-table range stays within 1-250", () => {
  good("range(min-max)", [["1-250", { min: 1, max: 250 }], ["10-20", { min: 10, max: 20 }]]);
  const reason = "Expected a range min-max within 1-250";
  bad("range(min-max)", [["0-10", reason], ["1-251", reason], ["20-10", reason], ["5", reason]]);
});

Deno.test("parseParamValue route-table ranges count usable tables, skipping 253-255", () => {
  const t = "range-list(min-max,...)";
  good(t, [["1-250,255-3000", [{ min: 1, max: 250 }, { min: 255, max: 3000 }]], ["1-65537", [{
    min: 1,
    max: 65537,
  }]]]);
  bad(t, [
    ["1-65539", "Expected at most 65535 routing tables in total, got 65536"],
    ["0-10", 'Expected a list of ranges min-max; "0-10" is not one'],
    ["10", 'Expected a list of ranges min-max; "10" is not one'],
  ]);
});

Deno.test("parseParamValue key=value-list reads \\w+ keys and allows a trailing comma", () => {
  good("key=value-list", [
    ["SNATFullyRandom=true,MASQFullyRandom=false,", {
      SNATFullyRandom: "true",
      MASQFullyRandom: "false",
    }],
    ["a=,b=x y", { a: "", b: "x y" }],
    ["none", {}],
  ]);
  bad("key=value-list", [
    [
      "novalue",
      'Expected a list of key=value pairs: "novalue" is not key=value with a key of letters, digits and _',
    ],
    [
      "a-b=1",
      'Expected a list of key=value pairs: "a-b=1" is not key=value with a key of letters, digits and _',
    ],
  ]);
});

Deno.test("parseParamValue key=duration-list reads Go durations as seconds", () => {
  good("key=duration-list", [
    ["InternalDataplaneMainLoop=1m30s,CalculationGraph=500ms", {
      InternalDataplaneMainLoop: 90,
      CalculationGraph: 0.5,
    }],
    ["FelixStartup=0", { FelixStartup: 0 }],
  ]);
  bad("key=duration-list", [
    [
      "A=30",
      'Expected a list of key=duration pairs: "30" for A is not a duration such as 30s or 1m30s',
    ],
    [
      "=30s",
      'Expected a list of key=duration pairs: "=30s" is not key=value with a key of letters, digits and _',
    ],
  ]);
});

Deno.test("parseParamValue trims raw values before parsing", () => {
  deepEqual(parse("int", "  12\t"), { ok: true, value: 12 });
});
