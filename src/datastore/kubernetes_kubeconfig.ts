/**
 * Finding the Kubernetes API server and credentials, as Calico's clients do, with the
 * `KubeConfig` of npm:@kubernetes/client-node doing the parsing and the authentication:
 *
 * 1. an explicit kubeconfig path (the syncer's `kubeconfig` option), else `CALICO_KUBECONFIG` /
 *    `KUBECONFIG` (a `:`-separated list: the files are merged, the first one's current context
 *    wins), else `$HOME/.kube/config` if it exists;
 * 2. with no kubeconfig file, `K8S_API_ENDPOINT` (with `K8S_CA_FILE`, `K8S_CERT_FILE`,
 *    `K8S_KEY_FILE`, `K8S_INSECURE_SKIP_TLS_VERIFY`) describes the server;
 * 3. else the in-cluster configuration: `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT` and
 *    the pod's service-account token and CA (the token file is re-read as it rotates).
 *
 * Over a kubeconfig file, `K8S_CURRENT_CONTEXT` picks the context and the `K8S_*` variables
 * above override the current cluster's server, CA and TLS check and the user's client
 * certificate. Every variable may be spelled with a `CALICO_` prefix, which wins.
 *
 * @module
 */
import { type Cluster, KubeConfig, type User } from "@kubernetes/client-node";

/** Where the service-account token, CA and namespace of a pod are mounted. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Options of {@linkcode loadKubeConfig}. */
export interface LoadKubeConfigOptions {
  /** An explicit kubeconfig path (or `:`-separated list); wins over the environment. */
  readonly kubeconfig?: string;
  /** The environment; default `Deno.env.get`. */
  readonly env?: (name: string) => string | undefined;
  /** The service-account mount of the in-cluster configuration; default the standard one. */
  readonly serviceAccountDir?: string;
}

/** A loaded configuration and a description of where it came from, for logs. */
export interface LoadedKubeConfig {
  readonly config: KubeConfig;
  readonly source: string;
}

function fileExists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** `CALICO_<name>` if set and non-empty, else `<name>` if set and non-empty. */
function calicoEnv(env: (name: string) => string | undefined, name: string): string | undefined {
  for (const n of [`CALICO_${name}`, name]) {
    const v = env(n);
    if (v !== undefined && v !== "") return v;
  }
  return undefined;
}

function loadFiles(list: string): KubeConfig {
  const paths = list.split(":").filter((p) => p !== "");
  const config = new KubeConfig();
  paths.forEach((path, i) => {
    try {
      const kc = i === 0 ? config : new KubeConfig();
      kc.loadFromFile(path);
      if (i > 0) config.mergeConfig(kc, true);
    } catch (e) {
      throw new TypeError(`Cannot load kubeconfig "${path}": ${message(e)}`);
    }
  });
  return config;
}

type Env = (name: string) => string | undefined;

function overrideUser(user: User, certFile?: string, keyFile?: string): User {
  const { certData, keyData, ...rest } = user;
  return {
    ...rest,
    ...(certFile === undefined ? (certData === undefined ? {} : { certData }) : { certFile }),
    ...(keyFile === undefined ? (keyData === undefined ? {} : { keyData }) : { keyFile }),
  };
}

/** The `K8S_*` overrides of the current cluster and user, if any is set. */
function applyOverrides(config: KubeConfig, env: Env): void {
  const context = calicoEnv(env, "K8S_CURRENT_CONTEXT");
  if (context !== undefined) {
    if (config.getContextObject(context) === null) {
      throw new TypeError(
        `Cannot use context "${context}" (K8S_CURRENT_CONTEXT): the kubeconfig has no such context`,
      );
    }
    config.setCurrentContext(context);
  }
  const server = calicoEnv(env, "K8S_API_ENDPOINT");
  const caFile = calicoEnv(env, "K8S_CA_FILE");
  const insecure = calicoEnv(env, "K8S_INSECURE_SKIP_TLS_VERIFY");
  const certFile = calicoEnv(env, "K8S_CERT_FILE");
  const keyFile = calicoEnv(env, "K8S_KEY_FILE");
  const cluster = config.getCurrentCluster();
  const user = config.getCurrentUser();
  if (cluster === null) return;
  const { caData, ...clusterRest } = cluster;
  const newCluster: Cluster = {
    ...clusterRest,
    ...(caFile === undefined && caData !== undefined ? { caData } : {}),
    ...(caFile === undefined ? {} : { caFile }),
    ...(server === undefined ? {} : { server }),
    ...(insecure === undefined ? {} : { skipTLSVerify: insecure === "true" }),
  };
  const newUser = user === null ? null : overrideUser(user, certFile, keyFile);
  config.loadFromOptions({
    clusters: config.getClusters().map((c) => (c.name === cluster.name ? newCluster : c)),
    users: config.getUsers().map((u) => (u.name === user?.name && newUser ? newUser : u)),
    contexts: config.getContexts(),
    currentContext: config.getCurrentContext(),
  });
}

function fromEndpoint(server: string, env: Env): KubeConfig {
  const config = new KubeConfig();
  const caFile = calicoEnv(env, "K8S_CA_FILE");
  const certFile = calicoEnv(env, "K8S_CERT_FILE");
  const keyFile = calicoEnv(env, "K8S_KEY_FILE");
  config.loadFromClusterAndUser(
    {
      name: "calico",
      server,
      skipTLSVerify: calicoEnv(env, "K8S_INSECURE_SKIP_TLS_VERIFY") === "true",
      ...(caFile === undefined ? {} : { caFile }),
    },
    {
      name: "calico",
      ...(certFile === undefined ? {} : { certFile }),
      ...(keyFile === undefined ? {} : { keyFile }),
    },
  );
  return config;
}

function inCluster(env: Env, dir: string): KubeConfig | undefined {
  const host = env("KUBERNETES_SERVICE_HOST");
  const port = env("KUBERNETES_SERVICE_PORT");
  const tokenFile = `${dir}/token`;
  if (host === undefined || host === "" || port === undefined || !fileExists(tokenFile)) {
    return undefined;
  }
  const config = new KubeConfig();
  const hostPart = host.includes(":") ? `[${host}]` : host;
  config.loadFromClusterAndUser(
    {
      name: "in-cluster",
      server: `https://${hostPart}:${port}`,
      caFile: `${dir}/ca.crt`,
      skipTLSVerify: false,
    },
    { name: "in-cluster", authProvider: { name: "tokenFile", config: { tokenFile } } },
  );
  return config;
}

/** Find and load the configuration; see the module doc. Throws a `TypeError` saying what to set. */
export function loadKubeConfig(opts: LoadKubeConfigOptions = {}): LoadedKubeConfig {
  const env = opts.env ?? ((name: string) => Deno.env.get(name));
  const explicit = opts.kubeconfig !== undefined && opts.kubeconfig !== ""
    ? { list: opts.kubeconfig, source: `kubeconfig "${opts.kubeconfig}"` }
    : undefined;
  const fromEnv = calicoEnv(env, "KUBECONFIG");
  const home = env("HOME");
  const homeFile = home === undefined || home === "" ? undefined : `${home}/.kube/config`;
  const file = explicit ??
    (fromEnv !== undefined ? { list: fromEnv, source: `KUBECONFIG "${fromEnv}"` } : undefined) ??
    (homeFile !== undefined && fileExists(homeFile)
      ? { list: homeFile, source: `kubeconfig "${homeFile}"` }
      : undefined);
  if (file !== undefined) {
    const config = loadFiles(file.list);
    applyOverrides(config, env);
    if (config.getCurrentCluster() === null) {
      throw new TypeError(
        `Cannot use ${file.source}: it has no current context with a cluster; set ` +
          `current-context in the file or K8S_CURRENT_CONTEXT`,
      );
    }
    return { config, source: file.source };
  }
  const endpoint = calicoEnv(env, "K8S_API_ENDPOINT");
  if (endpoint !== undefined) {
    return { config: fromEndpoint(endpoint, env), source: `K8S_API_ENDPOINT "${endpoint}"` };
  }
  const dir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const config = inCluster(env, dir);
  if (config !== undefined) return { config, source: `in-cluster service account "${dir}"` };
  throw new TypeError(
    "Cannot find the Kubernetes API server: set KUBECONFIG (or Felix's kubeconfig option) to " +
      "a kubeconfig file, set K8S_API_ENDPOINT, create $HOME/.kube/config, or run in a pod " +
      "with a service account",
  );
}
