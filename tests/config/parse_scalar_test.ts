import { deepEqual, equal } from "node:assert/strict";
import { parseGoInt } from "../../src/config/parse_scalar.ts";
import { bad, good, parse } from "./parse_helpers.ts";

const BOOL = "Expected a boolean (true, false, yes, no, 1, 0, t, f, y or n)";

Deno.test("parseParamValue bool accepts every upstream spelling in any case", () => {
  good("bool", [
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["Y", true],
    ["t", true],
    ["false", false],
    ["False", false],
    ["0", false],
    ["no", false],
    ["N", false],
    ["f", false],
    [" yes ", true],
    ["none", false],
  ]);
  bad("bool", [["2", BOOL], ["on", BOOL], ["truee", BOOL]]);
});

Deno.test("parseParamValue optional-bool is unset for none and a boolean otherwise", () => {
  good("optional-bool", [["true", true], ["no", false], ["NONE", undefined]]);
  bad("optional-bool", [["maybe", BOOL], ["-1", BOOL]]);
});

const INT = "Expected an integer (decimal, 0x hex, 0o or 0 octal, 0b binary)";

Deno.test("parseParamValue int reads Go base-0 literals", () => {
  good("int", [
    ["42", 42],
    ["-7", -7],
    ["+7", 7],
    ["0x1F", 31],
    ["0X1f", 31],
    ["0o17", 15],
    ["017", 15],
    ["0b101", 5],
    ["1_000", 1000],
    ["0x_ff", 255],
    ["0", 0],
    ["none", 0],
  ]);
  bad("int", [
    ["1.5", INT],
    ["08", INT],
    ["0x", INT],
    ["_1", INT],
    ["1__0", INT],
    ["1_", INT],
    ["abc", INT],
    ["", INT],
    ["0b102", INT],
  ]);
  bad("int", [["9223372036854775808", "Expected an integer that fits in 64 bits"]]);
  bad("int", [["9007199254740992", "Expected an integer between -(2^53-1) and 2^53-1"]]);
});

Deno.test("parseGoInt returns bigints and undefined for non-literals", () => {
  equal(parseGoInt("0x7fffffffffffffff"), 0x7fffffffffffffffn);
  equal(parseGoInt("-0o10"), -8n);
  equal(parseGoInt("0_7"), 7n);
  equal(parseGoInt("0o"), undefined);
});

Deno.test("parseParamValue int honours the ranges of the notation", () => {
  good("int[0..65535]", [["0", 0], ["65535", 65535], ["0xffff", 65535]]);
  bad("int[0..65535]", [
    ["65536", "Expected an integer between 0 and 65535"],
    ["-1", "Expected an integer between 0 and 65535"],
  ]);
  good("int[-1..inf]", [["-1", -1], ["100000", 100000]]);
  bad("int[-1..inf]", [["-2", "Expected an integer of at least -1"]]);
  good("int[0..inf] (tag written as 0,9999)", [["5", 5], ["20000", 20000]]);
  bad("int[1..3000]", [["0", "Expected an integer between 1 and 3000"]]);
  bad("int[1..2147483646]", [["2147483647", "Expected an integer between 1 and 2147483646"]]);
});

Deno.test("parseParamValue float durations become seconds", () => {
  good("duration(float-seconds)", [["90", 90], ["1.5", 1.5], [".5", 0.5], ["1e3", 1000], [
    "-2",
    -2,
  ]]);
  bad("duration(float-seconds)", [
    ["90s", "Expected a number of seconds"],
    ["1,5", "Expected a number of seconds"],
    ["inf", "Expected a number of seconds"],
  ]);
  good("duration(float-millis)", [["50", 0.05], ["1500", 1.5]]);
  bad("duration(float-millis)", [
    ["50ms", "Expected a number of milliseconds"],
    ["x", "Expected a number of milliseconds"],
  ]);
});

Deno.test("parseParamValue uint32 bitmask needs two bits and 32 bits at most", () => {
  const t = "uint32-bitmask(>=2 bits)";
  good(t, [["0xffff0000", 4294901760], ["4294901760", 4294901760], ["3", 3], [
    "0xffffffff",
    4294967295,
  ]]);
  bad(t, [
    ["0x1", "Expected a mask with at least 2 bits set"],
    ["0x100000000", "Expected a 32-bit unsigned integer"],
    ["-3", "Expected a 32-bit unsigned integer"],
    ["mask", "Expected a 32-bit unsigned integer"],
  ]);
});

Deno.test("parseParamValue enum matches any case and stores the canonical case", () => {
  const t = "enum(TRACE|DEBUG|INFO|WARNING|ERROR|FATAL)";
  good(t, [["debug", "DEBUG"], ["Warning", "WARNING"], ["none", ""]]);
  const reason = "Expected one of TRACE, DEBUG, INFO, WARNING, ERROR, FATAL";
  bad(t, [["warn", reason], ["verbose", reason]]);
  good("enum(None|Continuous)", [["none", "None"], ["CONTINUOUS", "Continuous"]]);
  good("enum(kubernetes|etcdv3|file)", [["FILE", "file"], ["etcdV3", "etcdv3"]]);
});

Deno.test("parseParamValue rejects none and zero values for non-zero parameters", () => {
  deepEqual(parse("enum(ACCEPT|RETURN)", "None", true), {
    ok: false,
    reason: "This parameter cannot be none",
  });
  deepEqual(parse("int", "0", true), { ok: false, reason: "This parameter must be non-zero" });
  deepEqual(parse("iface-prefix-list", " , ", true), {
    ok: false,
    reason: "This parameter must be non-zero",
  });
  deepEqual(parse("int", "0x10", true), { ok: true, value: 16 });
});

Deno.test("parseParamValue regexp keeps the source and rejects what does not compile", () => {
  good("regexp", [["^(eth|bond).*", "^(eth|bond).*"], ["cali[0-9]+", "cali[0-9]+"], ["none", ""]]);
  bad("regexp", [
    [
      "(eth",
      "Expected a regular expression: Invalid regular expression: /(eth/: Unterminated group",
    ],
    [
      "[a-",
      "Expected a regular expression: Invalid regular expression: /[a-/: Unterminated character class",
    ],
  ]);
});

Deno.test("parseParamValue dscp takes 0-63 or an IANA name", () => {
  const t = "dscp(0-63|name)";
  good(t, [["23", 23], ["0", 0], ["63", 63], ["EF", 46], ["af41", 34], ["CS1", 8], [
    "voice-admit",
    44,
  ]]);
  const reason = "Expected a DSCP value between 0 and 63 or a name such as CS1, AF21 or EF";
  bad(t, [["64", reason], ["AF44", reason], ["-1", reason]]);
});

Deno.test("parseParamValue string and path types accept any text, none clears them", () => {
  good("string", [["calico-packet", "calico-packet"], [" x y ", "x y"], ["None", ""]]);
  good("path", [["/var/log/calico/felix.log", "/var/log/calico/felix.log"], ["none", ""]]);
  good("path(must-exist)", [["/etc/ssl/key.pem", "/etc/ssl/key.pem"], ["relative", "relative"]]);
  good("executable-path", [["calico-iptables-plugin", "calico-iptables-plugin"], [
    "/bin/sh",
    "/bin/sh",
  ]]);
});

Deno.test("parseParamValue host-address, hostname and rate check their patterns", () => {
  good("host-address", [["localhost", "localhost"], ["::1", "::1"], ["10.0.0.1", "10.0.0.1"]]);
  bad("host-address", [
    ["local host", "Expected a host name or address of 1-64 characters"],
    ["a".repeat(65), "Expected a host name or address of 1-64 characters"],
  ]);
  good("hostname", [["node-1.example.com", "node-1.example.com"], ["127.0.0.1", "127.0.0.1"]]);
  bad("hostname", [
    ["node/1", "Expected a host name of letters, digits, '.', '_' and '-'"],
    ["no de", "Expected a host name of letters, digits, '.', '_' and '-'"],
  ]);
  good("rate(N/second|minute|hour|day)", [["10/second", "10/second"], ["5/day", "5/day"]]);
  bad("rate(N/second|minute|hour|day)", [
    ["0/second", "Expected a rate N/second, N/minute, N/hour or N/day"],
    ["10/week", "Expected a rate N/second, N/minute, N/hour or N/day"],
  ]);
});

Deno.test("parseParamValue dns-label allows at most 46 lower-case characters", () => {
  good("dns-label", [["region-one", "region-one"], ["a".repeat(46), "a".repeat(46)]]);
  const reason = "Expected a DNS label of at most 46 characters a-z, 0-9 and '-'";
  bad("dns-label", [["a".repeat(47), reason], ["Region", reason], ["-x", reason]]);
});
