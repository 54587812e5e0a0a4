/**
 * The etcd key layout (`parseEtcdKey`, `resourceKey`, `blockKey`), reading a stored value into
 * the converter's raw document (`readEtcdValue`), the connection from configuration
 * (`etcdConnectionFromConfig`) and the etcd3 client options made of it (`etcd3Options`).
 */
import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { etcd3Options } from "../../src/datastore/etcd_client.ts";
import { etcdConnectionFromConfig } from "../../src/datastore/etcd_config.ts";
import {
  blockKey,
  type EtcdKeyInfo,
  parseEtcdKey,
  resourceKey,
} from "../../src/datastore/etcd_keys.ts";
import { readEtcdValue } from "../../src/datastore/etcd_value.ts";
import { Config } from "../../src/config/config.ts";

const P = "/calico/resources/v3/projectcalico.org/";
const bytes = (v: unknown) =>
  new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));

function read(key: string, value: unknown, rev = "7"): unknown {
  const info = parseEtcdKey(key);
  if (info.type !== "resource" && info.type !== "block") throw new Error(`bad key ${key}`);
  return readEtcdValue(key, info, bytes(value), rev);
}

Deno.test("parseEtcdKey names resources, namespaced resources and blocks, and ignores the rest", () => {
  const cases: [string, EtcdKeyInfo][] = [
    [`${P}tiers/default`, {
      type: "resource",
      resource: { plural: "tiers", kind: "Tier", namespaced: false },
      name: "default",
    }],
    [`${P}workloadendpoints/prod/n-k8s-p-eth0`, {
      type: "resource",
      resource: { plural: "workloadendpoints", kind: "WorkloadEndpoint", namespaced: true },
      namespace: "prod",
      name: "n-k8s-p-eth0",
    }],
    [`${P}networkpolicies/knp.default.x`, {
      type: "invalid",
      reason: "expected networkpolicies/<namespace>/<name> after the prefix",
    }],
    [`${P}tiers/a/b`, { type: "invalid", reason: "expected tiers/<name> after the prefix" }],
    [`${P}bgppeers/peer-1`, { type: "ignored" }],
    [`${P}blockaffinities/worker-1-10-0-0-0-26`, { type: "ignored" }],
    ["/calico/ipam/v2/assignment/ipv4/block/10.244.1.0-26", {
      type: "block",
      family: "ipv4",
      cidr: "10.244.1.0/26",
    }],
    ["/calico/ipam/v2/assignment/ipv6/block/fd00:1::-122", {
      type: "block",
      family: "ipv6",
      cidr: "fd00:1::/122",
    }],
    ["/calico/ipam/v2/assignment/ipv4/block/10.244.1.0", {
      type: "invalid",
      reason: `expected a CIDR with "/" written as "-" after "block/"`,
    }],
    ["/calico/ipam/v2/handle/k8s-pod-network.abc", { type: "ignored" }],
    ["/calico/ipam/v2/host/worker-1/ipv4/block/10.244.1.0-26", { type: "ignored" }],
    ["/calico/felix/v2/no-region/host/worker-1/status", { type: "ignored" }],
  ];
  for (const [key, want] of cases) deepEqual(parseEtcdKey(key), want, key);
});

Deno.test("resourceKey and blockKey write the keys parseEtcdKey reads, and refuse bad input", () => {
  deepEqual(resourceKey("NetworkPolicy", "allow", "prod"), `${P}networkpolicies/prod/allow`);
  deepEqual(resourceKey("IPPool", "pool-1"), `${P}ippools/pool-1`);
  deepEqual(blockKey("10.0.0.0/26"), "/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26");
  deepEqual(blockKey("fd00::/122"), "/calico/ipam/v2/assignment/ipv6/block/fd00::-122");
  throws(() => resourceKey("BGPPeer", "p"), {
    name: "TypeError",
    message: `Cannot make an etcd key for kind "BGPPeer": unknown`,
  });
  throws(() => resourceKey("WorkloadEndpoint", "w"), {
    name: "TypeError",
    message: `Cannot make an etcd key for WorkloadEndpoint "w": it needs a namespace`,
  });
});

Deno.test("readEtcdValue takes the policy name from the metadata annotation and strips it", () => {
  const meta = JSON.stringify({ name: "allow-dns" });
  deepEqual(
    read(`${P}globalnetworkpolicies/default.allow-dns`, {
      kind: "GlobalNetworkPolicy",
      apiVersion: "projectcalico.org/v3",
      metadata: {
        name: "default.allow-dns",
        annotations: { "projectcalico.org/metadata": meta, team: "net" },
        resourceVersion: "",
      },
      spec: { tier: "default" },
    }),
    {
      ok: true,
      doc: {
        kind: "GlobalNetworkPolicy",
        apiVersion: "projectcalico.org/v3",
        metadata: { name: "allow-dns", annotations: { team: "net" }, resourceVersion: "7" },
        spec: { tier: "default" },
      },
    },
  );
});

Deno.test("readEtcdValue strips default. from a default-tier policy without the annotation only", () => {
  const names = (key: string, spec: unknown) => {
    const r = read(`${P}${key}`, { metadata: {}, spec }) as {
      doc: { metadata: unknown };
    };
    return r.doc.metadata;
  };
  deepEqual(names("globalnetworkpolicies/default.legacy", {}), {
    name: "legacy",
    resourceVersion: "7",
  });
  deepEqual(names("networkpolicies/prod/default.legacy", { tier: "" }), {
    name: "legacy",
    namespace: "prod",
    resourceVersion: "7",
  });
  deepEqual(names("globalnetworkpolicies/security.x", { tier: "security" }), {
    name: "security.x",
    resourceVersion: "7",
  });
  deepEqual(names("tiers/default.x", {}), { name: "default.x", resourceVersion: "7" });
});

Deno.test("readEtcdValue takes kind, namespace and name from the key", () => {
  deepEqual(
    read(`${P}workloadendpoints/prod/n-k8s-p-eth0`, {
      metadata: { name: "stale", namespace: "other", labels: { a: "b" } },
      spec: {},
    }, "12"),
    {
      ok: true,
      doc: {
        apiVersion: "projectcalico.org/v3",
        kind: "WorkloadEndpoint",
        metadata: {
          name: "n-k8s-p-eth0",
          namespace: "prod",
          labels: { a: "b" },
          resourceVersion: "12",
        },
        spec: {},
      },
    },
  );
});

Deno.test("readEtcdValue refuses a value that is not JSON, not an object, or of another kind", () => {
  const key = `${P}ippools/p`;
  deepEqual(read(key, "{"), {
    ok: false,
    message: `Cannot read etcd key "${key}": the value is not valid JSON (Expected property ` +
      `name or '}' in JSON at position 1 (line 1 column 2))`,
  });
  deepEqual(read(key, "[1]"), {
    ok: false,
    message: `Cannot read etcd key "${key}": the value is not a JSON object`,
  });
  deepEqual(read(key, { kind: "Tier" }), {
    ok: false,
    message: `Cannot read etcd key "${key}": the value has kind "Tier" but the key is under ` +
      `"ippools" (kind IPPool)`,
  });
  deepEqual(read(key, { metadata: "x" }), {
    ok: false,
    message: `Cannot read etcd key "${key}": metadata is not a JSON object`,
  });
  const info = parseEtcdKey(key) as Extract<EtcdKeyInfo, { type: "resource" }>;
  deepEqual(readEtcdValue(key, info, new Uint8Array([0x7b, 0xff, 0x7d]), "1"), {
    ok: false,
    message: `Cannot read etcd key "${key}": the value is not valid UTF-8`,
  });
});

Deno.test("readEtcdValue makes an IPAMBlock of bare AllocationBlock JSON, without its nulls", () => {
  const key = "/calico/ipam/v2/assignment/ipv6/block/fd00:1::-126";
  deepEqual(
    read(key, { cidr: "fd00:1::/126", affinity: null, allocations: [0, null], deleted: false }),
    {
      ok: true,
      doc: {
        apiVersion: "crd.projectcalico.org/v1",
        kind: "IPAMBlock",
        metadata: { name: "fd00-1---126", resourceVersion: "7" },
        spec: { cidr: "fd00:1::/126", allocations: [0, null], deleted: false },
      },
    },
  );
  deepEqual(read("/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-30", {}), {
    ok: true,
    doc: {
      apiVersion: "crd.projectcalico.org/v1",
      kind: "IPAMBlock",
      metadata: { name: "10-0-0-0-30", resourceVersion: "7" },
      spec: { cidr: "10.0.0.0/30" },
    },
  });
  deepEqual(read("/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-30", { cidr: "10.0.0.4/30" }), {
    ok: false,
    message: `Cannot read etcd key "/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-30": the ` +
      `block's cidr "10.0.0.4/30" does not match the key's "10.0.0.0/30"`,
  });
});

Deno.test("etcdConnectionFromConfig prefers Felix's parameters, then ETCD_* variables, then the default", () => {
  const config = (raw: Record<string, string> = {}) => {
    const c = new Config({ hostname: "n1" });
    c.updateFrom("environment", raw);
    return c;
  };
  deepEqual(etcdConnectionFromConfig(config(), {}), { endpoints: ["http://127.0.0.1:2379"] });
  const env = {
    ETCD_ENDPOINTS: "https://a:2379, https://b:2379",
    ETCD_CA_CERT_FILE: "/env/ca.pem",
    ETCD_USERNAME: "felix",
    CALICO_ETCD_PASSWORD: "secret",
  };
  deepEqual(etcdConnectionFromConfig(config(), env), {
    endpoints: ["https://a:2379", "https://b:2379"],
    tls: { caFile: "/env/ca.pem" },
    username: "felix",
    password: "secret",
  });
  deepEqual(
    etcdConnectionFromConfig(config({ EtcdAddr: "10.0.0.1:2379", EtcdScheme: "https" }), env),
    {
      endpoints: ["https://10.0.0.1:2379"],
      tls: { caFile: "/env/ca.pem" },
      username: "felix",
      password: "secret",
    },
  );
  deepEqual(
    etcdConnectionFromConfig(config({ EtcdEndpoints: "http://c:2379,http://d:2379" }), {}),
    { endpoints: ["http://c:2379", "http://d:2379"] },
  );
});

Deno.test("etcd3Options reads the TLS files, sets credentials, and refuses a certificate without its key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "felix-etcd-tls-" });
  try {
    const write = async (name: string, text: string) => {
      await Deno.writeTextFile(join(dir, name), text);
      return join(dir, name);
    };
    const [caFile, certFile, keyFile] = await Promise.all([
      write("ca.pem", "CA"),
      write("cert.pem", "CERT"),
      write("key.pem", "KEY"),
    ]);
    const opts = await etcd3Options({
      endpoints: ["https://etcd:2379"],
      tls: { caFile, certFile, keyFile },
      username: "felix",
      password: "pw",
    });
    deepEqual(opts.hosts, ["https://etcd:2379"]);
    deepEqual(
      [opts.credentials?.rootCertificate, opts.credentials?.certChain, opts.credentials?.privateKey]
        .map((b) => b?.toString()),
      ["CA", "CERT", "KEY"],
    );
    deepEqual(opts.auth, { username: "felix", password: "pw" });
    equal((await etcd3Options({ endpoints: ["http://etcd:2379"] })).credentials, undefined);
    await rejects(() => etcd3Options({ endpoints: ["https://e:2379"], tls: { certFile } }), {
      name: "TypeError",
      message: "Cannot use an etcd client certificate without its key (or a key without its " +
        "certificate): set both EtcdCertFile and EtcdKeyFile",
    });
    await rejects(() => etcd3Options({ endpoints: [] }), {
      name: "TypeError",
      message: "Cannot connect to etcd without an endpoint: set EtcdEndpoints",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
