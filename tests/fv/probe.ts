/**
 * The traffic probe of the FV suite. Run one per test namespace with
 * `ip netns exec <ns> deno run -A --unstable-net tests/fv/probe.ts`; it reads one JSON command
 * per line on stdin and answers one JSON line on stdout with the same `id`:
 *
 * - `{op:"serve", tcp:[ports], udp:[ports]}`: listen (dual-stack) on each port. A TCP server
 *   writes the client's address as it saw it plus `\n`, then echoes every byte; a UDP server
 *   (one socket per local address, so answers leave from the address asked) answers each
 *   datagram with the sender's address.
 * - `{op:"tcp"|"udp", host, port, timeoutMs, source?}`: one connection/datagram (from the local
 *   address `source` when given); `{result, peer}` where
 *   `result` is `ok` (the server answered), `timeout`, `refused` or `error`, and `peer` is the
 *   source address the server saw.
 * - `{op:"icmp", host, type, timeoutMs}`: ICMP echo (8/128) or timestamp (13).
 * - `{op:"hold", host, port}`: open a TCP connection and send a byte every 50 ms; `{op:"holdStatus"}`
 *   says how many bytes went out and came back, the longest gap between echoes, and any error.
 * - `{op:"hammer", proto, host, port, intervalMs, timeoutMs}` / `{op:"hammerStop"}`: probe one
 *   cell repeatedly; the stop answer counts attempts and successes.
 * - `{op:"until", proto, host, port, want, intervalMs, timeoutMs, maxMs}`: start a probe every
 *   `intervalMs` until one sees `want` (`ok` or `timeout`); answers `{atMs}`, the wall-clock time
 *   (ms since the epoch, fractional) at which that first probe was sent, or `{atMs: null}`.
 *
 * @module
 */
import * as net from "node:net";
import { icmpProbe, type IcmpRequestType } from "./probe_icmp.ts";

/** One probe answer. */
export type ProbeResult = "ok" | "timeout" | "refused" | "error";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function normalise(addr: string): string {
  return addr.startsWith("::ffff:") && addr.includes(".") ? addr.slice(7) : addr;
}

function reply(obj: Record<string, unknown>): void {
  const bytes = encoder.encode(JSON.stringify(obj) + "\n");
  let off = 0;
  while (off < bytes.length) off += Deno.stdout.writeSync(bytes.subarray(off));
}

const closers: (() => void)[] = [];

async function serveTcpConn(conn: Deno.TcpConn): Promise<void> {
  try {
    await conn.write(encoder.encode(normalise(conn.remoteAddr.hostname) + "\n"));
    const buf = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      await conn.write(buf.subarray(0, n));
    }
  } catch {
    // The client went away.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

function serveTcp(port: number): void {
  const listener = Deno.listen({ transport: "tcp", hostname: "::", port });
  closers.push(() => listener.close());
  void (async () => {
    try {
      for await (const conn of listener) void serveTcpConn(conn);
    } catch {
      // Closed.
    }
  })();
}

/** This namespace's addresses, link-local v6 excepted. */
function localAddresses(): string[] {
  const all = Deno.networkInterfaces().map((i) => i.address);
  return [...new Set(all)].filter((a) => !a.startsWith("fe80:"));
}

/**
 * One socket per local address (not a wildcard one): an answer then leaves from the address the
 * request went to, which conntrack (and so NAT) needs to match it.
 */
function serveUdp(port: number): void {
  for (const hostname of localAddresses()) serveUdpOn(hostname, port);
}

function serveUdpOn(hostname: string, port: number): void {
  const sock = Deno.listenDatagram({ transport: "udp", hostname, port });
  closers.push(() => sock.close());
  void (async () => {
    try {
      for await (const [, addr] of sock) {
        const a = addr as Deno.NetAddr;
        // An answer that cannot leave (no route back) must not end the server.
        await sock.send(encoder.encode(normalise(a.hostname) + "\n"), a).catch(() => {});
      }
    } catch {
      // Closed.
    }
  })();
}

interface Outcome {
  readonly result: ProbeResult;
  readonly peer?: string;
  readonly detail?: string;
}

function classify(e: unknown): Outcome {
  if (e instanceof Deno.errors.ConnectionRefused) return { result: "refused" };
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { result: "error", detail };
}

async function readLine(conn: Deno.TcpConn): Promise<string> {
  const buf = new Uint8Array(256);
  let text = "";
  while (!text.includes("\n")) {
    const n = await conn.read(buf);
    if (n === null) break;
    text += decoder.decode(buf.subarray(0, n));
  }
  return text.trim();
}

/** A TCP probe from a chosen source address (node:net can bind the local side). */
function tcpProbeFrom(
  host: string,
  port: number,
  source: string,
  timeoutMs: number,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, localAddress: source });
    let data = "";
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ result: "timeout" }), timeoutMs);
    sock.on("data", (d: Uint8Array) => {
      data += decoder.decode(d);
      if (data.includes("\n")) finish({ result: "ok", peer: data.trim() });
    });
    sock.on("error", (e: Error & { code?: string }) =>
      finish(
        e.code === "ECONNREFUSED" ? { result: "refused" } : { result: "error", detail: e.message },
      ));
    sock.on("close", () => finish({ result: "error", detail: "closed before the greeting" }));
  });
}

async function tcpProbe(
  host: string,
  port: number,
  timeoutMs: number,
  source?: string,
): Promise<Outcome> {
  if (source !== undefined) return await tcpProbeFrom(host, port, source, timeoutMs);
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, timeoutMs);
  let conn: Deno.TcpConn | undefined;
  try {
    conn = await Deno.connect({ transport: "tcp", hostname: host, port, signal: ac.signal });
    const peer = await readLine(conn);
    return peer === "" ? { result: "error", detail: "no greeting" } : { result: "ok", peer };
  } catch (e) {
    return timedOut ? { result: "timeout" } : classify(e);
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch {
      // Closed by the abort.
    }
  }
}

async function udpProbe(
  host: string,
  port: number,
  timeoutMs: number,
  source?: string,
): Promise<Outcome> {
  const sock = Deno.listenDatagram({
    transport: "udp",
    hostname: source ?? (host.includes(":") ? "::" : "0.0.0.0"),
    port: 0,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    sock.close();
  }, timeoutMs);
  try {
    await sock.send(encoder.encode("probe\n"), { transport: "udp", hostname: host, port });
    for (;;) {
      const [data, addr] = await sock.receive();
      const from = normalise((addr as Deno.NetAddr).hostname);
      if (from !== normalise(host)) continue;
      return { result: "ok", peer: decoder.decode(data).trim() };
    }
  } catch (e) {
    return timedOut ? { result: "timeout" } : classify(e);
  } finally {
    clearTimeout(timer);
    if (!timedOut) sock.close();
  }
}

/** A long-lived connection that sends one byte every 50 ms. */
class Hold {
  sent = 0;
  received = 0;
  maxGapMs = 0;
  error: string | undefined;
  #conn: Deno.TcpConn | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastEcho = 0;

  async start(host: string, port: number): Promise<void> {
    this.#conn = await Deno.connect({ transport: "tcp", hostname: host, port });
    const conn = this.#conn;
    await readLine(conn);
    this.#lastEcho = performance.now();
    void this.#readLoop(conn);
    this.#timer = setInterval(() => {
      conn.write(new Uint8Array([0x2e])).then(() => this.sent++, (e) => this.#fail(e));
    }, 50);
  }

  async #readLoop(conn: Deno.TcpConn): Promise<void> {
    const buf = new Uint8Array(1024);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) return this.#fail(new Error("Connection closed by the peer"));
        const now = performance.now();
        this.maxGapMs = Math.max(this.maxGapMs, now - this.#lastEcho);
        this.#lastEcho = now;
        this.received += n;
      }
    } catch (e) {
      this.#fail(e);
    }
  }

  #fail(e: unknown): void {
    this.error ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    clearInterval(this.#timer);
  }

  status(): Record<string, unknown> {
    const sinceLast = performance.now() - this.#lastEcho;
    return {
      sent: this.sent,
      received: this.received,
      maxGapMs: Math.round(Math.max(this.maxGapMs, sinceLast)),
      error: this.error ?? null,
    };
  }

  stop(): void {
    clearInterval(this.#timer);
    try {
      this.#conn?.close();
    } catch {
      // Closed.
    }
  }
}

/** Probes one cell over and over. */
class Hammer {
  attempts = 0;
  successes = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #inflight: Promise<void>[] = [];

  start(run: () => Promise<Outcome>, intervalMs: number): void {
    this.#timer = setInterval(() => {
      this.attempts++;
      const p = run().then((o) => {
        if (o.result === "ok") this.successes++;
      });
      this.#inflight.push(p);
    }, intervalMs);
  }

  async stop(): Promise<Record<string, number>> {
    clearInterval(this.#timer);
    await Promise.all(this.#inflight);
    return { attempts: this.attempts, successes: this.successes };
  }
}

/** Wall-clock milliseconds since the epoch, sub-millisecond. */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Probes every `intervalMs`; the send time of the first probe whose result is `want`. */
async function until(
  run: () => Promise<Outcome>,
  want: ProbeResult,
  intervalMs: number,
  maxMs: number,
): Promise<number | null> {
  const start = nowMs();
  const launched: { at: number; outcome: Promise<Outcome> }[] = [];
  let found: number | null | undefined;
  const timer = setInterval(() => {
    if (found === undefined && nowMs() - start < maxMs) {
      launched.push({ at: nowMs(), outcome: run() });
    }
  }, intervalMs);
  try {
    for (let i = 0;; i++) {
      while (launched.length <= i) {
        if (nowMs() - start >= maxMs) return (found = null);
        await new Promise((r) => setTimeout(r, intervalMs));
      }
      const probe = launched[i]!;
      if ((await probe.outcome).result === want) return (found = probe.at);
    }
  } finally {
    clearInterval(timer);
    await Promise.all(launched.map((l) => l.outcome));
  }
}

type Command = Record<string, unknown> & { id: number; op: string };

function num(cmd: Command, key: string, dflt?: number): number {
  const v = cmd[key] ?? dflt;
  if (typeof v !== "number") throw new TypeError(`Command field "${key}" must be a number`);
  return v;
}

function str(cmd: Command, key: string): string {
  const v = cmd[key];
  if (typeof v !== "string") throw new TypeError(`Command field "${key}" must be a string`);
  return v;
}

function cellProbe(cmd: Command): () => Promise<Outcome> {
  const host = str(cmd, "host");
  const timeoutMs = num(cmd, "timeoutMs", 500);
  const source = typeof cmd.source === "string" ? cmd.source : undefined;
  const op = cmd.op === "hammer" || cmd.op === "until" ? str(cmd, "proto") : cmd.op;
  switch (op) {
    case "tcp":
      return () => tcpProbe(host, num(cmd, "port"), timeoutMs, source);
    case "udp":
      return () => udpProbe(host, num(cmd, "port"), timeoutMs, source);
    case "icmp":
      return async () => ({
        result: await icmpProbe(host, num(cmd, "type") as IcmpRequestType, timeoutMs),
      });
  }
  throw new TypeError(`Unknown probe "${cmd.op}"`);
}

const hold = new Hold();
let hammer: Hammer | undefined;

async function handle(cmd: Command): Promise<Record<string, unknown>> {
  switch (cmd.op) {
    case "serve":
      for (const p of (cmd.tcp ?? []) as number[]) serveTcp(p);
      for (const p of (cmd.udp ?? []) as number[]) serveUdp(p);
      return { result: "ok" };
    case "tcp":
    case "udp":
    case "icmp":
      return { ...await cellProbe(cmd)() };
    case "hold":
      await hold.start(str(cmd, "host"), num(cmd, "port"));
      return { result: "ok" };
    case "holdStatus":
      return hold.status();
    case "hammer":
      hammer = new Hammer();
      hammer.start(cellProbe(cmd), num(cmd, "intervalMs", 20));
      return { result: "ok" };
    case "until": {
      const want = str(cmd, "want") as ProbeResult;
      const atMs = await until(cellProbe(cmd), want, num(cmd, "intervalMs", 20), num(cmd, "maxMs"));
      return { atMs };
    }
    case "hammerStop":
      return hammer === undefined ? { attempts: 0, successes: 0 } : await hammer.stop();
  }
  throw new TypeError(`Unknown command "${cmd.op}"`);
}

async function main(): Promise<void> {
  let pending = "";
  const buf = new Uint8Array(65536);
  reply({ id: 0, ready: true, pid: Deno.pid });
  for (;;) {
    const n = await Deno.stdin.read(buf);
    if (n === null) break;
    pending += decoder.decode(buf.subarray(0, n), { stream: true });
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim() === "") continue;
      const cmd = JSON.parse(line) as Command;
      handle(cmd).then(
        (r) => reply({ id: cmd.id, ...r }),
        (e) => reply({ id: cmd.id, failure: e instanceof Error ? e.message : String(e) }),
      );
    }
  }
  hold.stop();
  for (const c of closers) c();
  Deno.exit(0);
}

if (import.meta.main) await main();
