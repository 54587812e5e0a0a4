/**
 * Scenarios: namespace and service-account selectors, folded into `pcns.` / `pcsa.` selectors,
 * select endpoints (policy side) and fill IP sets (rule side) through namespace and
 * service-account profile labels; Kubernetes NetworkPolicy peers do the same.
 */
import { deepEqual } from "node:assert/strict";
import type { DataplaneSnapshot } from "./checking_dataplane.ts";
import { scenarioTest } from "./harness.ts";
import { membersOf, podId, ruleOf, selectorSet, wepTiers } from "./snapshot_checks.ts";
import { gnp, k8sNp, namespace, np, pod, serviceAccount } from "./resources.ts";

const HOST = "node-1";

interface PodSpec {
  readonly name: string;
  readonly ns: string;
  readonly node: string;
  readonly ip: string;
  readonly app: string;
  readonly sa?: string | undefined;
}

const mkPod = (p: PodSpec) =>
  pod({
    name: p.name,
    ns: p.ns,
    node: p.node,
    ips: [p.ip],
    labels: { app: p.app },
    ...(p.sa === undefined ? {} : { serviceAccount: p.sa }),
  });

const api = { name: "api", ns: "api-ns", node: HOST, ip: "10.65.0.1", app: "api", sa: "api-sa" };
const db = { name: "db", ns: "api-ns", node: HOST, ip: "10.65.0.2", app: "db", sa: "db-sa" };
const web1 = {
  name: "web1",
  ns: "web-ns",
  node: "node-2",
  ip: "10.65.1.1",
  app: "web",
  sa: "web-sa",
};
const web2 = { name: "web2", ns: "ops", node: "node-2", ip: "10.65.1.2", app: "web" };
const api2 = {
  name: "api2",
  ns: "api-ns",
  node: "node-2",
  ip: "10.65.1.3",
  app: "api",
  sa: "api-sa",
};

const POLICIES = [
  np("api-ns", "allow-web", {
    selector: "app == 'api'",
    ingress: [{
      action: "Allow",
      source: { namespaceSelector: "team == 'web'", selector: "app == 'web'" },
    }],
  }),
  np("api-ns", "db-from-api", {
    serviceAccountSelector: "role == 'db'",
    ingress: [{ action: "Allow", source: { serviceAccounts: { names: ["api-sa"] } } }],
  }),
  gnp("from-web-sa", {
    selector: "app == 'db'",
    ingress: [{ action: "Allow", source: { serviceAccounts: { selector: "role == 'web'" } } }],
  }),
  k8sNp("api-ns", "k8s-from-web", {
    podSelector: { matchLabels: { app: "api" } },
    ingress: [
      { from: [{ namespaceSelector: { matchLabels: { team: "web" } } }] },
      { from: [{ podSelector: {} }] },
      { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: "web" } } }] },
    ],
  }),
];

const ALLOW_WEB = "NetworkPolicy/api-ns/allow-web";
const DB_FROM_API = "NetworkPolicy/api-ns/db-from-api";
const FROM_WEB_SA = "GlobalNetworkPolicy/from-web-sa";
const K8S = "KubernetesNetworkPolicy/api-ns/k8s-from-web";

/** The members of the set of the source selector of inbound rule `i` of `policy`. */
const srcMembers = (s: DataplaneSnapshot, policy: string, i: number) => {
  const ids = ruleOf(s, policy, "inbound", i).srcIPSetIds;
  deepEqual(ids.length, 1, `${policy} inbound rule ${i} has one source set`);
  return membersOf(s, ids[0]!);
};

const tier = (...ingress: string[]) => [{ tier: "default", action: "Deny", ingress, egress: [] }];

scenarioTest({
  name: "namespace and service-account selectors follow namespace and service-account labels",
  hostname: HOST,
  states: [
    {
      name: "web-ns is web; db-sa is db; web-sa is web",
      resources: [
        ...POLICIES,
        namespace("api-ns", { team: "api" }),
        namespace("web-ns", { team: "web" }),
        namespace("ops", { team: "sre" }),
        serviceAccount("api-ns", "api-sa", { role: "api" }),
        serviceAccount("api-ns", "db-sa", { role: "db" }),
        serviceAccount("web-ns", "web-sa", { role: "web" }),
        ...[api, db, web1, web2, api2].map(mkPod),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, podId("api-ns", "api")), tier(K8S, ALLOW_WEB));
        deepEqual(wepTiers(s, podId("api-ns", "db")), tier(DB_FROM_API, FROM_WEB_SA));
        deepEqual(
          ruleOf(s, ALLOW_WEB, "inbound", 0).srcIPSetIds,
          [selectorSet("(pcns.team == 'web') && (app == 'web')")],
        );
        deepEqual(srcMembers(s, ALLOW_WEB, 0), ["10.65.1.1/32"]);
        deepEqual(
          ruleOf(s, DB_FROM_API, "inbound", 0).srcIPSetIds,
          [
            selectorSet(
              "(projectcalico.org/namespace == 'api-ns') && " +
                "(projectcalico.org/serviceaccount in {'api-sa'})",
            ),
          ],
        );
        deepEqual(srcMembers(s, DB_FROM_API, 0), ["10.65.0.1/32", "10.65.1.3/32"]);
        deepEqual(srcMembers(s, FROM_WEB_SA, 0), ["10.65.1.1/32"]);
        deepEqual(srcMembers(s, K8S, 0), ["10.65.1.1/32"]);
        deepEqual(srcMembers(s, K8S, 1), ["10.65.0.1/32", "10.65.0.2/32", "10.65.1.3/32"]);
        deepEqual(srcMembers(s, K8S, 2), ["10.65.1.1/32", "10.65.1.2/32"]);
        deepEqual(s.serviceAccounts["api-ns/db-sa"], {
          "projectcalico.org/name": "db-sa",
          role: "db",
        });
      },
    },
    {
      name: "ops becomes web; db-sa loses its role; web-sa is relabelled",
      resources: [
        ...POLICIES,
        namespace("api-ns", { team: "api" }),
        namespace("web-ns", { team: "web" }),
        namespace("ops", { team: "web" }),
        serviceAccount("api-ns", "api-sa", { role: "api" }),
        serviceAccount("api-ns", "db-sa"),
        serviceAccount("web-ns", "web-sa", { role: "frontend" }),
        ...[api, db, web1, web2, api2].map(mkPod),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, podId("api-ns", "db")), tier(FROM_WEB_SA));
        deepEqual(Object.keys(s.policies), [FROM_WEB_SA, K8S, ALLOW_WEB]);
        deepEqual(srcMembers(s, ALLOW_WEB, 0), ["10.65.1.1/32", "10.65.1.2/32"]);
        deepEqual(srcMembers(s, FROM_WEB_SA, 0), []);
        deepEqual(srcMembers(s, K8S, 0), ["10.65.1.1/32", "10.65.1.2/32"]);
      },
    },
    {
      name: "api2 gone, web1 uses no service account, the api pod uses db-sa (role db)",
      resources: [
        ...POLICIES,
        namespace("api-ns", { team: "api" }),
        namespace("web-ns", { team: "web" }),
        namespace("ops", { team: "web" }),
        serviceAccount("api-ns", "db-sa", { role: "db" }),
        serviceAccount("web-ns", "web-sa", { role: "web" }),
        ...[{ ...api, sa: "db-sa" }, db, { ...web1, sa: undefined }, web2].map(mkPod),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, podId("api-ns", "api")), tier(K8S, ALLOW_WEB, DB_FROM_API));
        deepEqual(wepTiers(s, podId("api-ns", "db")), tier(DB_FROM_API, FROM_WEB_SA));
        deepEqual(srcMembers(s, DB_FROM_API, 0), []);
        deepEqual(srcMembers(s, FROM_WEB_SA, 0), []);
        deepEqual(srcMembers(s, K8S, 1), ["10.65.0.1/32", "10.65.0.2/32"]);
        deepEqual(s.workloadEndpoints[podId("api-ns", "api")]?.profileIds, [
          "kns.api-ns",
          "ksa.api-ns.db-sa",
        ]);
      },
    },
  ],
});

scenarioTest({
  name: "a pod cannot take namespace or service-account labels for itself",
  hostname: HOST,
  states: [
    {
      name: "the pod claims pcns, pcsa and namespace labels",
      resources: [
        namespace("shop", { env: "dev" }),
        serviceAccount("shop", "sa", { role: "web" }),
        pod({
          name: "p",
          ns: "shop",
          node: HOST,
          ips: ["10.65.0.1"],
          serviceAccount: "sa",
          labels: {
            "pcns.env": "prod",
            "pcsa.role": "admin",
            "projectcalico.org/namespace": "kube-system",
          },
        }),
        gnp("prod", { selector: "pcns.env == 'prod'", ingress: [{ action: "Allow" }] }),
        gnp("admin", { selector: "pcsa.role == 'admin'", ingress: [{ action: "Allow" }] }),
        gnp("kube-system", {
          namespaceSelector: "projectcalico.org/name == 'kube-system'",
          ingress: [{ action: "Allow" }],
        }),
        gnp("dev-web", {
          namespaceSelector: "env == 'dev'",
          ingress: [{
            action: "Allow",
            source: { serviceAccounts: { selector: "role == 'web'" } },
          }],
        }),
      ],
      check: (s) => {
        deepEqual(wepTiers(s, podId("shop", "p")), tier("GlobalNetworkPolicy/dev-web"));
        deepEqual(srcMembers(s, "GlobalNetworkPolicy/dev-web", 0), ["10.65.0.1/32"]);
      },
    },
  ],
});

scenarioTest({
  name: "a service account whose name has dots is decoded on the first two dots of its profile",
  hostname: HOST,
  states: [
    {
      name: "service account my.sa.v2 in shop",
      resources: [
        namespace("shop"),
        serviceAccount("shop", "my.sa.v2", { role: "web" }),
        pod({ name: "p", ns: "shop", node: HOST, ips: ["10.65.0.1"], serviceAccount: "my.sa.v2" }),
        gnp("by-name", {
          selector: "all()",
          ingress: [{ action: "Allow", source: { serviceAccounts: { names: ["my.sa.v2"] } } }],
        }),
      ],
      check: (s) => {
        deepEqual(s.serviceAccounts, {
          "shop/my.sa.v2": { "projectcalico.org/name": "my.sa.v2", role: "web" },
        });
        deepEqual(s.workloadEndpoints[podId("shop", "p")]?.profileIds, [
          "kns.shop",
          "ksa.shop.my.sa.v2",
        ]);
        deepEqual(srcMembers(s, "GlobalNetworkPolicy/by-name", 0), ["10.65.0.1/32"]);
      },
    },
  ],
});
