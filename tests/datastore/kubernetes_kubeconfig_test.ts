/**
 * loadKubeConfig: explicit path, KUBECONFIG (with CALICO_ prefix and path lists), $HOME, the
 * K8S_* overrides and endpoint, in-cluster configuration, and the error when nothing is found.
 */
import { deepEqual, equal, throws } from "node:assert/strict";
import { loadKubeConfig } from "../../src/datastore/kubernetes_kubeconfig.ts";

function kubeconfig(server: string, context = "main", extra = ""): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${context}-cluster`,
    "  cluster:",
    `    server: ${server}`,
    "    certificate-authority-data: Y2E=",
    "users:",
    `- name: ${context}-user`,
    "  user: {token: t}",
    "contexts:",
    `- name: ${context}`,
    `  context: {cluster: ${context}-cluster, user: ${context}-user}`,
    `current-context: ${context}`,
    extra,
  ].join("\n");
}

async function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "felix-kubeconfig-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function envOf(vars: Record<string, string>): (name: string) => string | undefined {
  return (name) => vars[name];
}

Deno.test("loadKubeConfig prefers the explicit path over KUBECONFIG and $HOME", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a`, kubeconfig("https://a.example:6443"));
    await Deno.writeTextFile(`${dir}/b`, kubeconfig("https://b.example:6443"));
    const loaded = loadKubeConfig({
      kubeconfig: `${dir}/a`,
      env: envOf({ KUBECONFIG: `${dir}/b` }),
    });
    equal(loaded.config.getCurrentCluster()?.server, "https://a.example:6443");
    equal(loaded.source, `kubeconfig "${dir}/a"`);
  });
});

Deno.test("loadKubeConfig reads CALICO_KUBECONFIG before KUBECONFIG and merges a path list", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a`, kubeconfig("https://a.example:6443", "one"));
    await Deno.writeTextFile(`${dir}/b`, kubeconfig("https://b.example:6443", "two"));
    const env = envOf({ CALICO_KUBECONFIG: `${dir}/a:${dir}/b`, KUBECONFIG: "/nonexistent" });
    const { config, source } = loadKubeConfig({ env });
    equal(source, `KUBECONFIG "${dir}/a:${dir}/b"`);
    equal(config.getCurrentContext(), "one");
    deepEqual(config.getContexts().map((c) => c.name), ["one", "two"]);
  });
});

Deno.test("loadKubeConfig falls back to $HOME/.kube/config", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/.kube`);
    await Deno.writeTextFile(`${dir}/.kube/config`, kubeconfig("https://home.example:6443"));
    const { config, source } = loadKubeConfig({ env: envOf({ HOME: dir }) });
    equal(config.getCurrentCluster()?.server, "https://home.example:6443");
    equal(source, `kubeconfig "${dir}/.kube/config"`);
  });
});

Deno.test("loadKubeConfig applies K8S_CURRENT_CONTEXT and the K8S_* overrides over a kubeconfig", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a`, kubeconfig("https://a.example:6443", "one"));
    await Deno.writeTextFile(`${dir}/b`, kubeconfig("https://b.example:6443", "two"));
    const { config } = loadKubeConfig({
      kubeconfig: `${dir}/a:${dir}/b`,
      env: envOf({
        K8S_CURRENT_CONTEXT: "two",
        CALICO_K8S_API_ENDPOINT: "https://override.example:443",
        K8S_CA_FILE: "/etc/ca.pem",
        K8S_CERT_FILE: "/etc/cert.pem",
        K8S_KEY_FILE: "/etc/key.pem",
      }),
    });
    const cluster = config.getCurrentCluster();
    deepEqual(
      [cluster?.name, cluster?.server, cluster?.caFile, cluster?.caData],
      ["two-cluster", "https://override.example:443", "/etc/ca.pem", undefined],
    );
    const user = config.getCurrentUser();
    deepEqual([user?.certFile, user?.keyFile, user?.token], ["/etc/cert.pem", "/etc/key.pem", "t"]);
    equal(config.getCluster("one-cluster")?.server, "https://a.example:6443");
  });
});

Deno.test("loadKubeConfig rejects a K8S_CURRENT_CONTEXT the kubeconfig does not have", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a`, kubeconfig("https://a.example:6443"));
    throws(
      () => loadKubeConfig({ kubeconfig: `${dir}/a`, env: envOf({ K8S_CURRENT_CONTEXT: "x" }) }),
      {
        name: "TypeError",
        message: 'Cannot use context "x" (K8S_CURRENT_CONTEXT): the kubeconfig has no such context',
      },
    );
  });
});

Deno.test("loadKubeConfig builds a configuration from K8S_API_ENDPOINT without a kubeconfig", () => {
  const { config, source } = loadKubeConfig({
    env: envOf({ K8S_API_ENDPOINT: "https://10.0.0.1:6443", K8S_INSECURE_SKIP_TLS_VERIFY: "true" }),
    serviceAccountDir: "/nonexistent",
  });
  equal(source, 'K8S_API_ENDPOINT "https://10.0.0.1:6443"');
  equal(config.getCurrentCluster()?.server, "https://10.0.0.1:6443");
  equal(config.getCurrentCluster()?.skipTLSVerify, true);
});

Deno.test("loadKubeConfig uses the in-cluster service account when nothing else is configured", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/token`, "sa-token");
    const { config, source } = loadKubeConfig({
      env: envOf({ KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" }),
      serviceAccountDir: dir,
    });
    equal(source, `in-cluster service account "${dir}"`);
    equal(config.getCurrentCluster()?.server, "https://[fd00::1]:443");
    equal(config.getCurrentCluster()?.caFile, `${dir}/ca.crt`);
    deepEqual(config.getCurrentUser()?.authProvider, {
      name: "tokenFile",
      config: { tokenFile: `${dir}/token` },
    });
  });
});

Deno.test("loadKubeConfig names the file it cannot load", () => {
  throws(() => loadKubeConfig({ kubeconfig: "/nonexistent/kubeconfig", env: envOf({}) }), {
    name: "TypeError",
    message: /^Cannot load kubeconfig "\/nonexistent\/kubeconfig": /,
  });
});
