/**
 * prepareObject / convertUid: objects from the API server -> converter input, with the
 * crd.projectcalico.org/v1 metadata annotation translation.
 */
import { deepEqual, equal } from "node:assert/strict";
import { convertUid, prepareObject } from "../../src/datastore/kubernetes_crd_metadata.ts";
import { METADATA_ANNOTATION } from "../../src/datastore/v3_metadata.ts";
import {
  CRD_GROUP,
  type KubeResourceType,
  kubernetesResourceTypes,
  V3_GROUP,
} from "../../src/datastore/kubernetes_resources.ts";

function typeOf(id: string, group = CRD_GROUP): KubeResourceType {
  const t = kubernetesResourceTypes(group).find((x) => x.id === id);
  if (t === undefined) throw new Error(`no type ${id}`);
  return t;
}

function prepared(type: KubeResourceType, raw: unknown): unknown {
  const p = prepareObject(type, raw);
  return p.ok ? p.doc : `error: ${p.message}`;
}

const GNP = typeOf(`${CRD_GROUP} globalnetworkpolicies`);

Deno.test("convertUid reverses the bits of every byte except bytes 6 and 8, and is its own inverse", () => {
  const cr = "0102030a-0b0c-4d0e-8f10-111213141516";
  equal(convertUid(cr), "8040c050-d030-4d70-8f08-8848c828a868");
  equal(convertUid("8040c050-d030-4d70-8f08-8848c828a868"), cr);
  equal(convertUid("not-a-uuid"), undefined);
});

Deno.test("prepareObject rebuilds v3 metadata from the projectcalico.org/metadata annotation", () => {
  const raw = {
    apiVersion: CRD_GROUP,
    kind: "GlobalNetworkPolicy",
    metadata: {
      name: "default.allow-dns",
      uid: "0102030a-0b0c-4d0e-8f10-111213141516",
      resourceVersion: "42",
      creationTimestamp: "2026-01-01T00:00:00Z",
      labels: { "projectcalico.org/tier": "default", shared: "cr" },
      annotations: {
        "projectcalico.org/note": "kept",
        [METADATA_ANNOTATION]: JSON.stringify({
          name: "allow-dns",
          labels: { app: "dns", shared: "stored" },
          annotations: { owner: "netops" },
          creationTimestamp: "2025-05-05T05:05:05Z",
        }),
      },
    },
    spec: { selector: "all()" },
  };
  deepEqual(prepared(GNP, raw), {
    apiVersion: "projectcalico.org/v3",
    kind: "GlobalNetworkPolicy",
    metadata: {
      name: "allow-dns",
      labels: { "projectcalico.org/tier": "default", shared: "stored", app: "dns" },
      annotations: { "projectcalico.org/note": "kept", owner: "netops" },
      resourceVersion: "42",
      uid: "8040c050-d030-4d70-8f08-8848c828a868",
      creationTimestamp: "2025-05-05T05:05:05Z",
    },
    spec: { selector: "all()" },
  });
});

Deno.test("prepareObject strips default. from a default-tier policy CR name without stored metadata", () => {
  const meta = (name: string) => ({ name, resourceVersion: "1" });
  const name = (raw: unknown) =>
    (prepared(GNP, raw) as { metadata: { name: string } }).metadata.name;
  equal(name({ metadata: meta("default.legacy"), spec: {} }), "legacy");
  equal(name({ metadata: meta("default.legacy"), spec: { tier: "default" } }), "legacy");
  equal(name({ metadata: meta("security.legacy"), spec: { tier: "security" } }), "security.legacy");
  equal(name({ metadata: meta("default.x"), spec: { tier: "security" } }), "default.x");
  const np = typeOf(`${CRD_GROUP} networkpolicies`);
  equal(
    (prepared(np, { metadata: { ...meta("default.np"), namespace: "prod" }, spec: {} }) as {
      metadata: { name: string; namespace: string };
    }).metadata.name,
    "np",
  );
});

Deno.test("prepareObject keeps the CR name of a non-policy kind even if the annotation has one", () => {
  const sets = typeOf(`${CRD_GROUP} globalnetworksets`);
  const raw = {
    metadata: {
      name: "default.blocked",
      annotations: { [METADATA_ANNOTATION]: '{"name":"other","labels":{"role":"bad"}}' },
    },
    spec: { nets: [] },
  };
  deepEqual(prepared(sets, raw), {
    apiVersion: "projectcalico.org/v3",
    kind: "GlobalNetworkSet",
    metadata: { name: "default.blocked", labels: { role: "bad" } },
    spec: { nets: [] },
  });
});

Deno.test("prepareObject rejects a metadata annotation that is not a JSON object", () => {
  const raw = {
    metadata: { name: "p", annotations: { [METADATA_ANNOTATION]: "{oops" } },
    spec: {},
  };
  const out = prepared(GNP, raw) as string;
  equal(
    out.replace(/: [^:]*JSON[^:]*$/, ""),
    'error: GlobalNetworkPolicy "p": metadata.annotations["projectcalico.org/metadata"]: ' +
      'cannot parse "{oops" as JSON',
  );
  equal(
    prepared(GNP, { metadata: { name: "p", annotations: { [METADATA_ANNOTATION]: "[1]" } } }),
    'error: GlobalNetworkPolicy "p": metadata.annotations["projectcalico.org/metadata"]: ' +
      'expected a JSON object, got "[1]"',
  );
});

Deno.test("prepareObject hands IPAMBlock over as crd.projectcalico.org/v1 and v3-group objects as they are", () => {
  const block = typeOf(`${V3_GROUP} ipamblocks`, V3_GROUP);
  deepEqual(prepared(block, { metadata: { name: "b" }, spec: { cidr: "10.0.0.0/26" } }), {
    apiVersion: CRD_GROUP,
    kind: "IPAMBlock",
    metadata: { name: "b" },
    spec: { cidr: "10.0.0.0/26" },
  });
  const v3gnp = typeOf(`${V3_GROUP} globalnetworkpolicies`, V3_GROUP);
  const raw = {
    metadata: { name: "default.p", uid: "0102030a-0b0c-4d0e-8f10-111213141516" },
    spec: {},
  };
  deepEqual(prepared(v3gnp, raw), {
    apiVersion: "projectcalico.org/v3",
    kind: "GlobalNetworkPolicy",
    metadata: raw.metadata,
    spec: {},
  });
});

Deno.test("prepareObject sets apiVersion and kind on built-in list items", () => {
  const pods = typeOf("v1 pods");
  deepEqual(prepared(pods, { metadata: { name: "p", namespace: "ns" }, spec: {} }), {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns" },
    spec: {},
  });
  equal(
    prepared(pods, { metadata: {} }),
    "error: Pod from /api/v1/pods has no metadata.name; skipped",
  );
});
