import { equal } from "node:assert/strict";
import { bareIP, ipFamilyOf } from "../../src/lib/ip.ts";

Deno.test("ipFamilyOf says 6 for text with a colon and 4 otherwise", () => {
  equal(ipFamilyOf("10.0.0.1"), 4);
  equal(ipFamilyOf("10.0.0.0/8"), 4);
  equal(ipFamilyOf("fd00::1"), 6);
  equal(ipFamilyOf("::ffff:10.0.0.1/128"), 6);
  equal(ipFamilyOf(""), 4);
});

Deno.test("bareIP drops the prefix length and surrounding space", () => {
  equal(bareIP("10.0.0.1/24"), "10.0.0.1");
  equal(bareIP("fd00::1/64"), "fd00::1");
  equal(bareIP(" 10.0.0.2 "), "10.0.0.2");
  equal(bareIP("192.168.1.1"), "192.168.1.1");
  equal(bareIP(""), "");
});
