import { deepEqual, equal, throws } from "node:assert/strict";
import {
  ipSetName,
  IPTABLES_MAX_CHAIN_NAME,
  lengthLimitedName,
  nftSetName,
  policyChainName,
  policyGroupUID,
  policyKindShortName,
} from "../../../src/dataplane/rules/names.ts";
import { allocateMarkBits } from "../../../src/dataplane/rules/mark_bits.ts";
import { appendsHashKey, ruleHashes } from "../../../src/dataplane/rules/rule_hash.ts";

const MAX = IPTABLES_MAX_CHAIN_NAME;

Deno.test("lengthLimitedName keeps names that fit and hashes the suffix of long ones (§2.1)", () => {
  const cases: [string, string, number, string][] = [
    ["cali-pi-", "gnp/long-policy-name-that-gets-hashed", MAX, "cali-pi-_PymyFHQQg3808jiz1OJ"],
    ["cali-po-", "gnp/long-policy-name-that-gets-hashed", MAX, "cali-po-_PymyFHQQg3808jiz1OJ"],
    ["cali-pri-", "long-policy-name-that-gets-hashed", MAX, "cali-pri-_ffOMcf6pikpiZ6hgKc"],
    ["cali-pro-", "long-policy-name-that-gets-hashed", MAX, "cali-pro-_ffOMcf6pikpiZ6hgKc"],
    ["cali-pi-", "gnp/default.foo", MAX, "cali-pi-gnp/default.foo"],
    ["cali-tw-", "cali1234", MAX, "cali-tw-cali1234"],
    ["cali-fw-", "cali12345-ab", MAX, "cali-fw-cali12345-ab"],
    ["felix", "_2345", 10, "felix_kMQI"],
    ["felix", "12345678910", 13, "felix_Y2QCZIS"],
    ["felix", "", 10, "felix_"],
    ["cali-pi-", "np/prod/allow-frontend", MAX, "cali-pi-_MvroEh2AxgHvooCByug"],
    ["cali-pi-", "knp/prod/allow-frontend", MAX, "cali-pi-_Qs3mN2bBgfd46eOOvPN"],
    ["cali-pi-", "gnp/abcdefghijklmnop", MAX, "cali-pi-gnp/abcdefghijklmnop"],
    ["cali-pi-", "gnp/abcdefghijklmnopq", MAX, "cali-pi-_WiT5ZmzSJbuzX78YAtF"],
    ["cali-th-", "any-interface-at-all", MAX, "cali-th-any-interface-at-all"],
    ["cali-thfw-", "any-interface-at-all", MAX, "cali-thfw-_Nqh4HyA73udmyanQI"],
    ["cali-fhfw-", "any-interface-at-all", MAX, "cali-fhfw-_Nqh4HyA73udmyanQI"],
    ["cali-pi-", "", MAX, "cali-pi-_"],
  ];
  for (const [prefix, suffix, max, want] of cases) {
    equal(lengthLimitedName(prefix, suffix, max), want, `${prefix} + ${suffix}`);
  }
});

Deno.test("lengthLimitedName never hashes policy names under the nftables limit", () => {
  const id = { kind: "NetworkPolicy", namespace: "prod", name: "allow-frontend" };
  equal(policyChainName("cali-pi-", id, 256), "cali-pi-np/prod/allow-frontend");
  equal(policyChainName("cali-pi-", id, MAX), "cali-pi-_MvroEh2AxgHvooCByug");
});

Deno.test("policyKindShortName maps every upstream kind and keeps unknown kinds whole", () => {
  deepEqual(
    [
      "NetworkPolicy",
      "GlobalNetworkPolicy",
      "StagedNetworkPolicy",
      "StagedGlobalNetworkPolicy",
      "StagedKubernetesNetworkPolicy",
      "KubernetesNetworkPolicy",
      "KubernetesClusterNetworkPolicy",
      "SomethingElse",
    ].map(policyKindShortName),
    ["np", "gnp", "snp", "sgnp", "sknp", "knp", "kcnp", "SomethingElse"],
  );
});

Deno.test("policyGroupUID hashes selector, direction, count and policies (§2.3 example)", () => {
  const ids = ["a", "b", "c"].map((name) => ({ kind: "", namespace: "", name }));
  equal(policyGroupUID("all()", "inbound", ids), "qS3z1nZb0jor_RHExraH");
  equal(policyGroupUID("all()", "outbound", ids).length, 20);
});

Deno.test("ipSetName truncates to 31 characters and nftSetName replaces colons (§2.4)", () => {
  const all = "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug";
  equal(ipSetName(4, all), "cali40s:5y5I3VdRZfDU01O--xXAPx2");
  equal(ipSetName(6, all), "cali60s:5y5I3VdRZfDU01O--xXAPx2");
  equal(nftSetName(4, all), "cali40s-5y5I3VdRZfDU01O--xXAPx2");
  equal(nftSetName(4, "network-ip-pools"), "cali40network-ip-pools");
});

Deno.test("ruleHashes chains SHA-224 over the chain name and each rule (values from real nodes)", () => {
  deepEqual(ruleHashes("INPUT", ["-A INPUT HASH --jump cali-INPUT"]), ["Cz_u1IQiXIMmKD4c"]);
  deepEqual(ruleHashes("cali-PREROUTING", ["-A cali-PREROUTING HASH --jump cali-fip-dnat"]), [
    "r6XmIziWUJsdOK6Z",
  ]);
  deepEqual(
    ruleHashes("cali-POSTROUTING", [
      "-A cali-POSTROUTING HASH --jump cali-fip-snat",
      "-A cali-POSTROUTING HASH --jump cali-nat-outgoing",
    ]),
    ["Z-c7XtVd2Bq7s_hA", "nYKhEzDlr11Jccal"],
  );
  deepEqual(ruleHashes("cali-OUTPUT", ["-A cali-OUTPUT HASH --jump cali-fip-dnat"]), [
    "GBTAv2p5CwevEyJm",
  ]);
});

Deno.test("ruleHashes makes a rule's hash depend on the rules before it", () => {
  const [alone] = ruleHashes("filter-x", ["counter accept"]);
  const [, second] = ruleHashes("filter-x", ["counter drop", "counter accept"]);
  equal(alone === second, false);
  equal(appendsHashKey("filter-FORWARD"), "filter-FORWARD*appends*");
});

Deno.test("allocateMarkBits hands out accept, pass, drop, scratch0, scratch1 lowest first (§3)", () => {
  deepEqual(allocateMarkBits(0xffff0000), {
    accept: 0x10000,
    pass: 0x20000,
    drop: 0x40000,
    scratch0: 0x80000,
    scratch1: 0x100000,
    endpoint: 0xffe00000,
    allCalico: 0x1b0000,
  });
  deepEqual(allocateMarkBits(0xf0f).accept, 0x1);
  equal(allocateMarkBits(0xf0f).scratch1, 0x100);
});

Deno.test("allocateMarkBits rejects a mask with fewer than five bits", () => {
  throws(() => allocateMarkBits(0xf), {
    name: "RangeError",
    message:
      'Cannot allocate mark bits from mask "0xf": it needs at least 5 bits; widen NftablesMarkMask',
  });
});
