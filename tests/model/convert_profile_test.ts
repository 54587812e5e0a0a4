import { deepEqual, equal } from "node:assert/strict";
import {
  convertProfile,
  defaultAllowProfile,
  namespaceToProfile,
  serviceAccountToProfile,
} from "../../src/model/convert_profile.ts";
import { keyPath } from "../../src/model/keys.ts";
import type { ProfileRules } from "../../src/model/values.ts";

Deno.test("namespaceToProfile makes kns.<ns> with allow-all rules and pcns. labels", () => {
  deepEqual(
    namespaceToProfile({
      kind: "Namespace",
      metadata: {
        name: "prod",
        resourceVersion: "11",
        labels: { team: "a", "kubernetes.io/metadata.name": "prod" },
      },
    }),
    {
      kind: "Profile",
      metadata: { name: "kns.prod", resourceVersion: "11/" },
      spec: {
        ingress: [{ action: "Allow" }],
        egress: [{ action: "Allow" }],
        labelsToApply: {
          "pcns.team": "a",
          "pcns.kubernetes.io/metadata.name": "prod",
          "pcns.projectcalico.org/name": "prod",
        },
      },
    },
  );
});

Deno.test("serviceAccountToProfile makes ksa.<ns>.<sa> with no rules and pcsa. labels", () => {
  deepEqual(
    serviceAccountToProfile({
      kind: "ServiceAccount",
      metadata: { name: "builder", namespace: "ci", resourceVersion: "5", labels: { role: "x" } },
    }),
    {
      kind: "Profile",
      metadata: { name: "ksa.ci.builder", resourceVersion: "/5" },
      spec: { labelsToApply: { "pcsa.role": "x", "pcsa.projectcalico.org/name": "builder" } },
    },
  );
  equal(
    serviceAccountToProfile({ kind: "ServiceAccount", metadata: { name: "s" } }).metadata.name,
    "ksa.default.s",
  );
});

Deno.test("defaultAllowProfile is projectcalico-default-allow with allow-all rules", () => {
  deepEqual(defaultAllowProfile(), {
    kind: "Profile",
    metadata: { name: "projectcalico-default-allow", resourceVersion: "1" },
    spec: { ingress: [{ action: "Allow" }], egress: [{ action: "Allow" }] },
  });
});

Deno.test("convertProfile emits the rules and labels keys of a namespace profile", () => {
  const r = convertProfile(
    namespaceToProfile({ kind: "Namespace", metadata: { name: "n1", resourceVersion: "3" } }),
  );
  deepEqual(r.problems, []);
  deepEqual(r.updates.map((u) => [keyPath(u.key), u.revision]), [
    ["/calico/v1/policy/profile/kns.n1/rules", "3/"],
    ["/calico/v1/policy/profile/kns.n1/labels", "3/"],
  ]);
  const rules = r.updates[0]!.value as ProfileRules;
  equal(rules.inboundRules.length, 1);
  equal(rules.inboundRules[0]!.action, "allow");
  equal(rules.inboundRules[0]!.src.selector, "");
  equal(rules.outboundRules[0]!.action, "allow");
  deepEqual(r.updates[1]!.value, { "pcns.projectcalico.org/name": "n1" });
});

Deno.test("convertProfile deletes the labels key of a profile without labelsToApply", () => {
  const r = convertProfile(defaultAllowProfile());
  deepEqual(r.updates[1], {
    key: { kind: "ProfileLabels", name: "projectcalico-default-allow" },
    value: null,
    revision: "1",
  });
});

Deno.test("convertProfile converts rules without a namespace and escapes the key path", () => {
  const r = convertProfile({
    kind: "Profile",
    metadata: { name: "a/b" },
    spec: { ingress: [{ action: "Deny", source: { selector: "has(x)" } }] },
  });
  equal(keyPath(r.updates[0]!.key), "/calico/v1/policy/profile/a%2fb/rules");
  equal((r.updates[0]!.value as ProfileRules).inboundRules[0]!.src.selector, "has(x)");
});

Deno.test("convertProfile deletes the rules key and reports rules that cannot convert", () => {
  const r = convertProfile({
    kind: "Profile",
    metadata: { name: "p" },
    spec: {
      egress: [{ action: "Allow", destination: { ports: [99999] } }],
      labelsToApply: { a: "b" },
    },
  });
  deepEqual(r.updates.map((u) => u.value), [null, { a: "b" }]);
  deepEqual(r.problems, [
    'Cannot convert the rules of Profile "p": spec.egress[0].destination.ports: port 99999 is out of range',
  ]);
});
