/**
 * HTTP to the Kubernetes API server through npm:@kubernetes/client-node: its `KubeConfig` adds the
 * credentials and builds the TLS dispatcher (`applySecurityAuthentication`), and its
 * `IsomorphicFetchHttpLibrary` (undici's fetch) sends the request. Lists and watches are raw
 * requests rather than the client's typed APIs or its `Watch`/`ListWatch` helpers because the
 * syncer needs the objects exactly as the server sent them (the typed APIs rebuild them, dates
 * become `Date`s), paginated lists with the list's resourceVersion, a watch with no 30 s
 * inactivity cut-off, and the HTTP status and `Status` body of every failure (410 Gone, 404).
 *
 * Each request owns the dispatcher the config builds for it and closes it when the request ends,
 * so no connection outlives a request.
 *
 * @module
 */
import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
} from "@kubernetes/client-node";

/** Query parameters of a request. */
export type KubeQuery = Readonly<Record<string, string>>;

/** A complete response: the status and the body parsed as JSON (the text if it is not JSON). */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

/** An opened watch: on 200, the lines of the stream, chunk by chunk; else the response. */
export type KubeWatchResponse =
  | { readonly ok: true; readonly chunks: AsyncIterable<readonly string[]> }
  | { readonly ok: false; readonly response: KubeResponse };

/** What the syncer needs from HTTP; a fake can stand in for it. */
export interface KubeTransport {
  /** The server URL, for logs. */
  readonly server: string;
  get(path: string, query: KubeQuery, signal: AbortSignal): Promise<KubeResponse>;
  watch(path: string, query: KubeQuery, signal: AbortSignal): Promise<KubeWatchResponse>;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A text reader of a byte stream that is cancelled when `signal` aborts: under Deno, aborting
 * undici's fetch does not end a body read already waiting. `detach` stops listening.
 */
function abortableReader(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): { reader: ReadableStreamDefaultReader<string>; detach: () => void } {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  if (signal.aborted) cancel();
  signal.addEventListener("abort", cancel);
  return { reader, detach: () => signal.removeEventListener("abort", cancel) };
}

/** Read a whole byte stream as text; rejects when `signal` aborts. */
async function readText(stream: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<string> {
  const { reader, detach } = abortableReader(stream, signal);
  const parts: string[] = [];
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  } finally {
    detach();
  }
  if (signal.aborted) throw new DOMException("The request was aborted", "AbortError");
  return parts.join("");
}

/** Split a byte stream into lines, yielding the complete lines of each chunk; ends on abort. */
async function* lineChunks(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): AsyncGenerator<string[]> {
  const { reader, detach } = abortableReader(stream, signal);
  let rest = "";
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value.includes("\n")) {
        rest += value;
        continue;
      }
      const parts = (rest + value).split("\n");
      rest = parts.pop() ?? "";
      const lines = parts.filter((l) => l.trim() !== "");
      if (lines.length > 0) yield lines;
    }
    if (rest.trim() !== "" && !signal.aborted) yield [rest];
  } finally {
    detach();
    await reader.cancel().catch(() => {});
  }
}

/** {@linkcode KubeTransport} over npm:@kubernetes/client-node; see the module doc. */
export class ClientNodeTransport implements KubeTransport {
  readonly #config: KubeConfig;
  readonly #http = new IsomorphicFetchHttpLibrary();
  readonly server: string;

  constructor(config: KubeConfig) {
    const cluster = config.getCurrentCluster();
    if (cluster === null) {
      throw new TypeError("Cannot talk to Kubernetes: the kubeconfig has no current cluster");
    }
    this.#config = config;
    this.server = cluster.server.replace(/\/+$/, "");
  }

  async #send(path: string, query: KubeQuery, signal: AbortSignal) {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    ctx.setHeaderParam("Accept", "application/json");
    await this.#config.applySecurityAuthentication(ctx);
    ctx.setSignal(signal);
    const release = () => ctx.getDispatcher()?.destroy().catch(() => {});
    try {
      return { response: await this.#http.send(ctx).toPromise(), release };
    } catch (e) {
      await release();
      throw e;
    }
  }

  /** GET `path` and read the whole body. Rejects when `signal` aborts. */
  async get(path: string, query: KubeQuery, signal: AbortSignal): Promise<KubeResponse> {
    const { response, release } = await this.#send(path, query, signal);
    try {
      const stream = response.body.stream() as ReadableStream<Uint8Array> | null;
      const text = stream === null ? await response.body.text() : await readText(stream, signal);
      return { status: response.httpStatusCode, body: parseBody(text) };
    } finally {
      await release();
    }
  }

  /** GET `path` as a stream of lines (a watch). The stream ends when `signal` aborts. */
  async watch(path: string, query: KubeQuery, signal: AbortSignal): Promise<KubeWatchResponse> {
    const { response, release } = await this.#send(path, query, signal);
    const stream = response.body.stream();
    if (response.httpStatusCode !== 200 || stream === null) {
      try {
        const body = parseBody(await response.body.text());
        return { ok: false, response: { status: response.httpStatusCode, body } };
      } finally {
        await release();
      }
    }
    async function* chunks(): AsyncGenerator<readonly string[]> {
      try {
        yield* lineChunks(stream as ReadableStream<Uint8Array>, signal);
      } finally {
        await release();
      }
    }
    return { ok: true, chunks: chunks() };
  }
}
