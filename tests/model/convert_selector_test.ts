import { equal } from "node:assert/strict";
import {
  entityRuleSelector,
  globalPolicySelector,
  namespacedPolicySelector,
  normaliseSelector,
} from "../../src/model/convert_selector.ts";

Deno.test("entityRuleSelector scopes a raw, invalid selector to the policy namespace", () => {
  equal(
    entityRuleSelector({ selector: "mylabel = value1" }, "namespace2"),
    "(projectcalico.org/namespace == 'namespace2') && (mylabel = value1)",
  );
});

Deno.test("entityRuleSelector gives just the namespace clause for a notSelector-only side", () => {
  equal(
    entityRuleSelector({ notSelector: "has(x)" }, "namespace2"),
    "projectcalico.org/namespace == 'namespace2'",
  );
});

Deno.test("entityRuleSelector prefixes a namespaceSelector with pcns.", () => {
  equal(
    entityRuleSelector({ namespaceSelector: "namespacelabel1 == 'value1'" }, "namespace2"),
    'pcns.namespacelabel1 == "value1"',
  );
  equal(
    entityRuleSelector({ namespaceSelector: "!has(key) || (has(key) && !key in {'value'})" }, ""),
    '(!has(pcns.key) || (has(pcns.key) && !pcns.key in {"value"}))',
  );
  equal(
    entityRuleSelector({ namespaceSelector: "namespace == 'red'", selector: "has(label1)" }, ""),
    '(pcns.namespace == "red") && (has(label1))',
  );
});

Deno.test("entityRuleSelector rewrites all() and global() in a namespaceSelector", () => {
  equal(
    entityRuleSelector({ namespaceSelector: "all()", selector: "has(label2)" }, "ns1"),
    "(has(projectcalico.org/namespace)) && (has(label2))",
  );
  equal(
    entityRuleSelector({ namespaceSelector: " global() ", selector: "has(label3)" }, ""),
    "(!has(projectcalico.org/namespace)) && (has(label3))",
  );
  equal(entityRuleSelector({ namespaceSelector: "all()" }, ""), "has(projectcalico.org/namespace)");
});

Deno.test("entityRuleSelector combines service-account names and selector in a namespace", () => {
  equal(
    entityRuleSelector(
      { serviceAccounts: { names: ["sa2", "sa1"], selector: "key == 'value1'" } },
      "namespace",
    ),
    "(projectcalico.org/namespace == 'namespace') && " +
      '((pcsa.key == "value1") && (projectcalico.org/serviceaccount in {"sa1", "sa2"}))',
  );
});

Deno.test("entityRuleSelector puts the service-account part before the selector", () => {
  equal(
    entityRuleSelector({ serviceAccounts: { names: ["a"] }, selector: "app == 'x'" }, ""),
    "(projectcalico.org/serviceaccount in {\"a\"}) && (app == 'x')",
  );
  equal(entityRuleSelector({ serviceAccounts: { selector: "all()" } }, ""), "all()");
});

Deno.test("entityRuleSelector leaves a side without selector fields empty, even in an NP", () => {
  equal(entityRuleSelector({}, "ns1"), "");
  equal(entityRuleSelector({ selector: "has(a)" }, ""), "has(a)");
});

Deno.test("entityRuleSelector drops an unparsable namespaceSelector", () => {
  equal(entityRuleSelector({ namespaceSelector: "a = b", selector: "has(x)" }, "ns1"), "has(x)");
});

Deno.test("namespacedPolicySelector appends the namespace clause", () => {
  equal(namespacedPolicySelector("", "ns1", ""), "projectcalico.org/namespace == 'ns1'");
  equal(
    namespacedPolicySelector("projectcalico.org/orchestrator == 'k8s'", "default", ""),
    "(projectcalico.org/orchestrator == 'k8s') && projectcalico.org/namespace == 'default'",
  );
  equal(
    namespacedPolicySelector("all()", "ns1", ""),
    "(all()) && projectcalico.org/namespace == 'ns1'",
  );
});

Deno.test("namespacedPolicySelector appends a pcsa.-prefixed SA selector without rewriting all()", () => {
  equal(
    namespacedPolicySelector("app == 'a'", "ns1", "role == 'db'"),
    "((app == 'a') && projectcalico.org/namespace == 'ns1') && pcsa.role == \"db\"",
  );
  equal(
    namespacedPolicySelector("", "ns1", "all()"),
    "(projectcalico.org/namespace == 'ns1') && all()",
  );
  equal(
    namespacedPolicySelector("", "ns1", "bad selector"),
    "projectcalico.org/namespace == 'ns1'",
  );
});

Deno.test("globalPolicySelector appends the namespaceSelector and rewrites all() textually", () => {
  equal(globalPolicySelector("has(a)", "", ""), "has(a)");
  equal(globalPolicySelector("", "", ""), "");
  equal(
    globalPolicySelector("has(a)", "team == 'x'", ""),
    '(has(a)) && pcns.team == "x"',
  );
  equal(globalPolicySelector("", "all()", ""), "has(projectcalico.org/namespace)");
  equal(
    globalPolicySelector("all()", "team == 'x'", ""),
    '(has(projectcalico.org/namespace)) && pcns.team == "x"',
  );
});

Deno.test("globalPolicySelector appends the SA selector and rewrites its all()", () => {
  equal(globalPolicySelector("", "", "all()"), "has(projectcalico.org/serviceaccount)");
  equal(
    globalPolicySelector("has(a)", "all()", "role == 'x'"),
    '((has(a)) && has(projectcalico.org/namespace)) && pcsa.role == "x"',
  );
  equal(globalPolicySelector("all()", "bad sel", ""), "has(projectcalico.org/namespace)");
});

Deno.test("normaliseSelector renders canonically, all() for empty, unchanged if unparsable", () => {
  equal(normaliseSelector("  a=='b'&&has(c) "), '(a == "b" && has(c))');
  equal(normaliseSelector(""), "all()");
  equal(normaliseSelector("   "), "all()");
  equal(normaliseSelector("mylabel = value1"), "mylabel = value1");
});
