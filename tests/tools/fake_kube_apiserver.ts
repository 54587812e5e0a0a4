/**
 * A FAKE Kubernetes API server, for tests only. It is NOT a kube-apiserver: a real one cannot be
 * had from the registries this machine reaches without a Go toolchain, so this HTTP(S) server on
 * loopback implements just what a list/watch client sees, after the Kubernetes API reference:
 *
 * - collections `/api/v1/<plural>`, `/apis/<group>/<version>/<plural>` and their
 *   `/namespaces/<ns>/` forms for pods, namespaces, serviceaccounts, nodes, services,
 *   networking.k8s.io/v1 networkpolicies, discovery.k8s.io/v1 endpointslices and Calico's custom
 *   resources (crd.projectcalico.org/v1 and/or projectcalico.org/v3); `/apis` discovery;
 * - one global resourceVersion counter; list envelopes `{kind: "PodList", apiVersion: "v1",
 *   metadata: {resourceVersion, continue}, items}` with `limit`/`continue` paging (items of
 *   built-in kinds carry no apiVersion/kind, as the real server's JSON lists);
 * - `watch=true&resourceVersion=N[&allowWatchBookmarks=true][&timeoutSeconds=T]`: newline-
 *   delimited `{type, object}` events ADDED/MODIFIED/DELETED/BOOKMARK/ERROR, replaying history
 *   after N; no N (or "0") starts with ADDED for every object;
 * - compaction: a watch from before the compacted revision gets an ERROR event with a 410
 *   `Expired` Status (what a real server does), or an HTTP 410 (`watchGone = "status-410"`);
 *   an expired continue token gets HTTP 410;
 * - `Status` objects for errors; 404 for a custom resource marked not installed; 401 without the
 *   bearer token of its kubeconfig;
 * - test knobs: drop or expire every open watch, send bookmarks, hold new watches, fail every
 *   request with a status.
 *
 * Run as a program it serves YAML files (e.g. examples/demo-cluster.yaml) and writes a kubeconfig:
 * `deno run -A tests/tools/fake_kube_apiserver.ts --kubeconfig /tmp/kc.yaml FILE...`.
 *
 * @module
 */
type Json = Record<string, unknown>;

/** One resource collection the fake serves. */
export interface FakeResource {
  readonly groupVersion: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Custom resources: may be marked not installed; list items keep apiVersion and kind. */
  readonly custom: boolean;
}

function res(
  groupVersion: string,
  plural: string,
  kind: string,
  namespaced: boolean,
): FakeResource {
  return { groupVersion, plural, kind, namespaced, custom: groupVersion.includes("projectcalico") };
}

const BUILT_IN: readonly FakeResource[] = [
  res("v1", "pods", "Pod", true),
  res("v1", "namespaces", "Namespace", false),
  res("v1", "serviceaccounts", "ServiceAccount", true),
  res("v1", "nodes", "Node", false),
  res("v1", "services", "Service", true),
  res("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true),
  res("discovery.k8s.io/v1", "endpointslices", "EndpointSlice", true),
];

const CALICO: readonly (readonly [string, string, boolean])[] = [
  ["clusterinformations", "ClusterInformation", false],
  ["felixconfigurations", "FelixConfiguration", false],
  ["tiers", "Tier", false],
  ["globalnetworkpolicies", "GlobalNetworkPolicy", false],
  ["stagedglobalnetworkpolicies", "StagedGlobalNetworkPolicy", false],
  ["networkpolicies", "NetworkPolicy", true],
  ["stagednetworkpolicies", "StagedNetworkPolicy", true],
  ["globalnetworksets", "GlobalNetworkSet", false],
  ["networksets", "NetworkSet", true],
  ["ippools", "IPPool", false],
  ["hostendpoints", "HostEndpoint", false],
  ["ipamblocks", "IPAMBlock", false],
];

/** Calico's API groups. */
export const CRD_V1 = "crd.projectcalico.org/v1";
export const CALICO_V3 = "projectcalico.org/v3";

/** Options of {@linkcode FakeKubeApiServer.start}. */
export interface FakeKubeApiServerOptions {
  /** Serve HTTPS with the built-in self-signed certificate (default) or plain HTTP. */
  readonly tls?: boolean;
  /** Calico groups served; default crd.projectcalico.org/v1 only. */
  readonly calicoGroups?: readonly string[];
}

/** One request the fake received. */
export interface FakeRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

interface Stored {
  readonly r: FakeResource;
  readonly object: Json;
}

interface HistoryEvent {
  readonly rv: number;
  readonly r: FakeResource;
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly object: Json;
}

interface OpenWatch {
  readonly r: FakeResource;
  readonly namespace: string | undefined;
  readonly bookmarks: boolean;
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  timer?: ReturnType<typeof setTimeout>;
}

const encoder = new TextEncoder();

function status(code: number, reason: string, message: string): Json {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
}

function resKey(r: FakeResource): string {
  return `${r.groupVersion}/${r.plural}`;
}

function metaOf(o: Json): Json {
  const m = o["metadata"];
  return typeof m === "object" && m !== null ? m as Json : {};
}

function objKey(o: Json): string {
  const m = metaOf(o);
  return `${m["namespace"] ?? ""}/${m["name"]}`;
}

/** The fake; see the module doc. */
export class FakeKubeApiServer {
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #tls: boolean;
  readonly #resources: FakeResource[];
  readonly #store = new Map<string, Map<string, Stored>>();
  #history: HistoryEvent[] = [];
  readonly #watches = new Set<OpenWatch>();
  readonly #notInstalled = new Set<string>();
  #rv = 1000;
  #compactedRv = 0;
  #hold: { promise: Promise<void>; release: () => void } | undefined;
  /** Every request received, in order. */
  readonly requests: FakeRequest[] = [];
  /** How a watch from a compacted revision fails. */
  watchGone: "error-event" | "status-410" = "error-event";
  /** When set, every request is answered with this HTTP status. */
  failWith: number | undefined;
  /** The bearer token requests must carry. */
  readonly token = "fake-token";

  private constructor(opts: FakeKubeApiServerOptions) {
    this.#tls = opts.tls ?? true;
    const groups = opts.calicoGroups ?? [CRD_V1];
    this.#resources = [
      ...BUILT_IN,
      ...groups.flatMap((g) => CALICO.map(([p, k, ns]) => res(g, p, k, ns))),
    ];
    const handler = (req: Request) => this.#handle(req);
    const base = { hostname: "127.0.0.1", port: 0, onListen: () => {} };
    this.#server = this.#tls
      ? Deno.serve({ ...base, cert: FAKE_CERT_PEM, key: FAKE_KEY_PEM }, handler)
      : Deno.serve(base, handler);
  }

  /** Listen on a free loopback port. */
  static start(opts: FakeKubeApiServerOptions = {}): FakeKubeApiServer {
    return new FakeKubeApiServer(opts);
  }

  /** `https://127.0.0.1:<port>` (or http). */
  get url(): string {
    return `${this.#tls ? "https" : "http"}://127.0.0.1:${this.#server.addr.port}`;
  }

  /** The current global resourceVersion. */
  get resourceVersion(): string {
    return String(this.#rv);
  }

  /** How many watches are open. */
  get openWatches(): number {
    return this.#watches.size;
  }

  /** Create or replace an object (stamped with a new resourceVersion); returns what is stored. */
  apply(object: Readonly<Json>): Json {
    const r = this.#resourceOf(object);
    const meta = metaOf(object as Json);
    const objects = this.#objects(r);
    const key = objKey(object as Json);
    const old = objects.get(key);
    const stored: Json = {
      ...object,
      metadata: {
        ...meta,
        ...(r.namespaced ? { namespace: meta["namespace"] ?? "default" } : {}),
        uid: meta["uid"] ?? metaOf(old?.object ?? {})["uid"] ?? crypto.randomUUID(),
        creationTimestamp: meta["creationTimestamp"] ?? "2026-01-01T00:00:00Z",
        resourceVersion: String(++this.#rv),
      },
    };
    objects.set(objKey(stored), { r, object: stored });
    this.#emit({ rv: this.#rv, r, type: old === undefined ? "ADDED" : "MODIFIED", object: stored });
    return stored;
  }

  /** Delete an object; the DELETED event carries its last state at a new resourceVersion. */
  remove(apiVersion: string, kind: string, name: string, namespace?: string): void {
    const r = this.#resourceOf({ apiVersion, kind });
    const key = `${r.namespaced ? namespace ?? "default" : ""}/${name}`;
    const old = this.#objects(r).get(key);
    if (old === undefined) throw new Error(`Cannot delete ${kind} "${key}": it does not exist`);
    this.#objects(r).delete(key);
    const object = {
      ...old.object,
      metadata: { ...metaOf(old.object), resourceVersion: String(++this.#rv) },
    };
    this.#emit({ rv: this.#rv, r, type: "DELETED", object });
  }

  /** Forget every event so far: watches from an older resourceVersion get 410. */
  compact(): void {
    this.#compactedRv = this.#rv;
    this.#history = [];
  }

  /** Close every open watch stream (a dropped connection, as the client sees it). */
  dropWatches(): void {
    for (const w of [...this.#watches]) this.#close(w);
  }

  /** Send every open watch an ERROR event with a 410 Expired Status, then close it. */
  expireWatches(): void {
    for (const w of [...this.#watches]) {
      this.#send(w, { type: "ERROR", object: status(410, "Expired", "too old resource version") });
      this.#close(w);
    }
  }

  /** Send a BOOKMARK at the current resourceVersion to every watch that allows bookmarks. */
  bookmark(): void {
    for (const w of this.#watches) {
      if (!w.bookmarks) continue;
      const object = {
        kind: w.r.kind,
        apiVersion: w.r.groupVersion,
        metadata: { resourceVersion: String(this.#rv) },
      };
      this.#send(w, { type: "BOOKMARK", object });
    }
  }

  /** New watch requests wait until {@linkcode releaseWatches}. */
  holdWatches(): void {
    if (this.#hold !== undefined) return;
    let release = () => {};
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.#hold = { promise, release };
  }

  releaseWatches(): void {
    this.#hold?.release();
    this.#hold = undefined;
  }

  /** Mark a custom resource installed or not (not installed: 404 for list and watch). */
  setInstalled(groupVersion: string, plural: string, installed: boolean): void {
    const key = `${groupVersion}/${plural}`;
    if (installed) this.#notInstalled.delete(key);
    else this.#notInstalled.add(key);
  }

  /** A kubeconfig for this server with its CA and bearer token. */
  kubeconfig(): string {
    const tls = this.#tls
      ? `certificate-authority-data: ${btoa(FAKE_CERT_PEM)}`
      : "insecure-skip-tls-verify: true";
    return [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: fake",
      "  cluster:",
      `    server: ${this.url}`,
      `    ${tls}`,
      "users:",
      "- name: fake",
      "  user:",
      `    token: ${this.token}`,
      "contexts:",
      "- name: fake",
      "  context: {cluster: fake, user: fake}",
      "current-context: fake",
      "",
    ].join("\n");
  }

  /** Close every watch and stop listening. */
  async stop(): Promise<void> {
    this.releaseWatches();
    this.dropWatches();
    await this.#server.shutdown();
  }

  #resourceOf(object: Readonly<Json>): FakeResource {
    const r = this.#resources.find((x) =>
      x.groupVersion === object["apiVersion"] && x.kind === object["kind"]
    );
    if (r === undefined) {
      throw new Error(`Cannot store ${object["apiVersion"]} ${object["kind"]}: not served`);
    }
    return r;
  }

  #objects(r: FakeResource): Map<string, Stored> {
    let m = this.#store.get(resKey(r));
    if (m === undefined) {
      m = new Map();
      this.#store.set(resKey(r), m);
    }
    return m;
  }

  #emit(e: HistoryEvent): void {
    this.#history.push(e);
    for (const w of this.#watches) {
      if (w.r === e.r && this.#inNamespace(w, e.object)) {
        this.#send(w, { type: e.type, object: e.object });
      }
    }
  }

  #inNamespace(w: OpenWatch, o: Json): boolean {
    return w.namespace === undefined || metaOf(o)["namespace"] === w.namespace;
  }

  #send(w: OpenWatch, event: Json): void {
    try {
      w.controller.enqueue(encoder.encode(JSON.stringify(event) + "\n"));
    } catch {
      this.#close(w);
    }
  }

  #close(w: OpenWatch): void {
    if (!this.#watches.delete(w)) return;
    clearTimeout(w.timer);
    try {
      w.controller.close();
    } catch {
      // Already closed by the client.
    }
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, query });
    if (this.failWith !== undefined) {
      return Response.json(status(this.failWith, "InternalError", "failing on purpose"), {
        status: this.failWith,
      });
    }
    if (req.headers.get("authorization") !== `Bearer ${this.token}`) {
      return Response.json(status(401, "Unauthorized", "Unauthorized"), { status: 401 });
    }
    if (url.pathname === "/apis") return Response.json(this.#discovery());
    const target = this.#route(url.pathname);
    if (target === undefined) {
      const msg = "the server could not find the requested resource";
      return Response.json(status(404, "NotFound", msg), { status: 404 });
    }
    if (query["watch"] === "true") {
      if (this.#hold !== undefined) await this.#hold.promise;
      return this.#watch(target.r, target.namespace, query);
    }
    return this.#list(target.r, target.namespace, query);
  }

  #route(path: string): { r: FakeResource; namespace: string | undefined } | undefined {
    const s = path.split("/").filter((x) => x !== "");
    const [gv, rest] = s[0] === "api" ? [s[1], s.slice(2)] : [`${s[1]}/${s[2]}`, s.slice(3)];
    const [plural, namespace] = rest.length === 1
      ? [rest[0], undefined]
      : rest.length === 3 && rest[0] === "namespaces"
      ? [rest[2], rest[1]]
      : [undefined, undefined];
    const r = this.#resources.find((x) => x.groupVersion === gv && x.plural === plural);
    if (r === undefined || this.#notInstalled.has(resKey(r))) return undefined;
    if (namespace !== undefined && !r.namespaced) return undefined;
    return { r, namespace };
  }

  #discovery(): Json {
    const gvs = new Set(
      this.#resources.filter((r) => r.groupVersion !== "v1" && !this.#notInstalled.has(resKey(r)))
        .map((r) => r.groupVersion),
    );
    const groups = [...gvs].map((gv) => {
      const [name, version] = gv.split("/");
      const v = { groupVersion: gv, version };
      return { name, versions: [v], preferredVersion: v };
    });
    return { kind: "APIGroupList", apiVersion: "v1", groups };
  }

  #current(r: FakeResource, namespace: string | undefined): Json[] {
    return [...this.#objects(r).values()].map((s) => s.object)
      .filter((o) => namespace === undefined || metaOf(o)["namespace"] === namespace)
      .sort((a, b) => (objKey(a) < objKey(b) ? -1 : objKey(a) > objKey(b) ? 1 : 0));
  }

  #list(r: FakeResource, namespace: string | undefined, query: Record<string, string>): Response {
    let rv = this.#rv;
    let offset = 0;
    if (query["continue"] !== undefined) {
      const token = JSON.parse(atob(query["continue"])) as { rv: number; offset: number };
      if (token.rv < this.#compactedRv) {
        const msg =
          "The provided continue parameter is too old to display a consistent list result.";
        return Response.json(status(410, "Expired", msg), { status: 410 });
      }
      ({ rv, offset } = token);
    }
    const all = this.#current(r, namespace);
    const limit = Number(query["limit"] ?? "0");
    const end = limit > 0 ? Math.min(offset + limit, all.length) : all.length;
    const items = all.slice(offset, end).map((o) => {
      if (r.custom) return o;
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    });
    const cont = end < all.length ? btoa(JSON.stringify({ rv, offset: end })) : undefined;
    return Response.json({
      kind: `${r.kind}List`,
      apiVersion: r.groupVersion,
      metadata: { resourceVersion: String(rv), ...(cont === undefined ? {} : { continue: cont }) },
      items,
    });
  }

  #watch(r: FakeResource, namespace: string | undefined, query: Record<string, string>): Response {
    const from = query["resourceVersion"];
    const fromRv = from === undefined || from === "" || from === "0" ? undefined : Number(from);
    if (fromRv !== undefined && fromRv < this.#compactedRv && this.watchGone === "status-410") {
      const msg = `too old resource version: ${fromRv} (${this.#compactedRv})`;
      return Response.json(status(410, "Gone", msg), { status: 410 });
    }
    let watch: OpenWatch | undefined;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        watch = { r, namespace, bookmarks: query["allowWatchBookmarks"] === "true", controller };
        this.#watches.add(watch);
        this.#open(watch, fromRv, Number(query["timeoutSeconds"] ?? "0"));
      },
      cancel: () => {
        // The client went away.
        if (watch !== undefined && this.#watches.delete(watch)) clearTimeout(watch.timer);
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  }

  #open(w: OpenWatch, fromRv: number | undefined, timeoutSeconds: number): void {
    if (fromRv !== undefined && fromRv < this.#compactedRv) {
      const msg = `too old resource version: ${fromRv} (${this.#compactedRv})`;
      this.#send(w, { type: "ERROR", object: status(410, "Expired", msg) });
      this.#close(w);
      return;
    }
    if (fromRv === undefined) {
      for (const object of this.#current(w.r, w.namespace)) {
        this.#send(w, { type: "ADDED", object });
      }
    } else {
      for (const e of this.#history) {
        if (e.rv > fromRv && e.r === w.r && this.#inNamespace(w, e.object)) {
          this.#send(w, { type: e.type, object: e.object });
        }
      }
    }
    if (timeoutSeconds > 0) w.timer = setTimeout(() => this.#close(w), timeoutSeconds * 1000);
  }
}

/** A Calico v3 object as Calico's clients store it as a crd.projectcalico.org/v1 CR. */
export function storedAsCrd(v3: Readonly<Json>): Json {
  const meta = metaOf(v3 as Json);
  const policy = String(v3["kind"]).endsWith("NetworkPolicy");
  const stored: Json = {
    ...(policy ? { name: meta["name"] } : {}),
    ...(meta["labels"] === undefined ? {} : { labels: meta["labels"] }),
    ...(meta["annotations"] === undefined ? {} : { annotations: meta["annotations"] }),
  };
  const keep = (m: unknown): Json =>
    Object.fromEntries(
      Object.entries((m ?? {}) as Json).filter(([k]) =>
        k.includes("projectcalico.org/") || k.includes("operator.tigera.io/")
      ),
    );
  const crMeta: Json = {
    name: meta["name"],
    ...(meta["namespace"] === undefined ? {} : { namespace: meta["namespace"] }),
    labels: keep(meta["labels"]),
    annotations: {
      ...keep(meta["annotations"]),
      "projectcalico.org/metadata": JSON.stringify(stored),
    },
  };
  return { ...v3, apiVersion: CRD_V1, metadata: crMeta };
}

/** The fake's self-signed certificate for 127.0.0.1 and localhost (valid 2020-2120). Test only. */
export const FAKE_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBejCCASGgAwIBAgIBATAKBggqhkjOPQQDAjAeMRwwGgYDVQQDDBNmYWtlLWt1
YmUtYXBpc2VydmVyMCAXDTIwMDEwMTAwMDAwMFoYDzIxMjAwMTAxMDAwMDAwWjAe
MRwwGgYDVQQDDBNmYWtlLWt1YmUtYXBpc2VydmVyMFkwEwYHKoZIzj0CAQYIKoZI
zj0DAQcDQgAE6VXNXIdRrsGhMMSJuNtxnJ6ZlVUXmr1rwZiXMfF/fEgtPs0/t3Sj
jotOM6NhGEQHb9T67r/JNPO9cqUycUplDKNOMEwwGgYDVR0RBBMwEYcEfwAAAYIJ
bG9jYWxob3N0MA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFGgyyYBCl31v5UT3
1IFQi1l2XgSpMAoGCCqGSM49BAMCA0cAMEQCIDZou+PfVkaQYekPys2X8d4Rs1D2
5MX6P6XmxCIXlOvOAiAy6KrQZjGm8r0ZicYJOZPR0D1gwpnXOsU/VdrMbnQ3WQ==
-----END CERTIFICATE-----
`;

/** The key of {@linkcode FAKE_CERT_PEM}. Test only: it protects nothing. */
export const FAKE_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtDABLEnNNkK9MMfW
MYnQOwSQBWTnYltfR/7rqiq7Z82hRANCAATpVc1ch1GuwaEwxIm423GcnpmVVRea
vWvBmJcx8X98SC0+zT+3dKOOi04zo2EYRAdv1Pruv8k0871ypTJxSmUM
-----END PRIVATE KEY-----
`;

/** `--kubeconfig PATH FILE...`: serve the files' objects until interrupted. */
async function main(args: readonly string[]): Promise<void> {
  const { readDocuments } = await import("../../src/datastore/document_reader.ts");
  const at = args.indexOf("--kubeconfig");
  const kubeconfig = at >= 0 ? args[at + 1] : undefined;
  const files = args.filter((_, i) => i !== at && i !== at + 1);
  if (kubeconfig === undefined || files.length === 0) {
    throw new TypeError("Usage: fake_kube_apiserver.ts --kubeconfig PATH FILE...");
  }
  const server = FakeKubeApiServer.start();
  for (const file of files) {
    const read = readDocuments(file, await Deno.readTextFile(file));
    if (!read.ok) throw new Error(read.reason);
    for (const doc of read.documents) {
      const o = doc.value as Json;
      server.apply(o["apiVersion"] === CALICO_V3 ? storedAsCrd(o) : o);
    }
  }
  await Deno.writeTextFile(kubeconfig, server.kubeconfig());
  const done = new Promise<void>((resolve) => {
    Deno.addSignalListener("SIGINT", resolve);
    Deno.addSignalListener("SIGTERM", resolve);
  });
  await Deno.stdout.write(encoder.encode(`${server.url} ${server.resourceVersion}\n`));
  await done;
  await server.stop();
}

if (import.meta.main) await main(Deno.args);
