/**
 * Drives one `probe.ts` process inside a network namespace: JSON commands in on stdin, answers
 * out on stdout, matched by id.
 *
 * @module
 */

const PROBE = new URL("./probe.ts", import.meta.url).pathname;

/** A probe's verdict on one cell. */
export type ProbeResult = "ok" | "timeout" | "refused" | "error";

/** A probe's answer to a connectivity command. */
export interface ProbeOutcome {
  readonly result: ProbeResult;
  /** The source address the server saw (TCP and UDP only). */
  readonly peer?: string;
  readonly detail?: string;
}

/** What `holdStatus` reports. */
export interface HoldStatus {
  readonly sent: number;
  readonly received: number;
  readonly maxGapMs: number;
  readonly error: string | null;
}

type Answer = Record<string, unknown>;

/** One running probe process. */
export class ProbeProcess {
  readonly netns: string;
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #waiting = new Map<number, (a: Answer) => void>();
  readonly #done: Promise<void>;
  #nextId = 1;
  #ready: Promise<void>;

  private constructor(netns: string) {
    this.netns = netns;
    this.#child = new Deno.Command("ip", {
      args: ["netns", "exec", netns, Deno.execPath(), "run", "-A", "--unstable-net", PROBE],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    let markReady = () => {};
    this.#ready = new Promise((r) => markReady = r);
    this.#waiting.set(0, () => markReady());
    this.#done = this.#readAnswers();
  }

  /** Start a probe in `netns` and wait until it reads commands. */
  static async start(netns: string): Promise<ProbeProcess> {
    const p = new ProbeProcess(netns);
    await p.#ready;
    return p;
  }

  async #readAnswers(): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of this.#child.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const answer = JSON.parse(pending.slice(0, nl)) as Answer;
        pending = pending.slice(nl + 1);
        const id = answer.id as number;
        this.#waiting.get(id)?.(answer);
        this.#waiting.delete(id);
      }
    }
    for (const w of this.#waiting.values()) w({ failure: "Probe process exited" });
    this.#waiting.clear();
  }

  /** Send one command and return its answer; a probe-side failure throws. */
  async send(cmd: Record<string, unknown>): Promise<Answer> {
    const id = this.#nextId++;
    const answer = new Promise<Answer>((resolve) => this.#waiting.set(id, resolve));
    await this.#writer.write(new TextEncoder().encode(JSON.stringify({ ...cmd, id }) + "\n"));
    const a = await answer;
    if (typeof a.failure === "string") {
      throw new Error(`Probe in netns "${this.netns}" failed "${cmd.op}": ${a.failure}`);
    }
    return a;
  }

  /** Listen on these TCP and UDP ports. */
  async serve(tcp: readonly number[], udp: readonly number[]): Promise<void> {
    await this.send({ op: "serve", tcp, udp });
  }

  /** One TCP connection attempt (from the local address `source` when given). */
  async tcp(host: string, port: number, timeoutMs: number, source?: string): Promise<ProbeOutcome> {
    return outcome(await this.send({ op: "tcp", host, port, timeoutMs, source }));
  }

  /** One UDP request/answer (from the local address `source` when given). */
  async udp(host: string, port: number, timeoutMs: number, source?: string): Promise<ProbeOutcome> {
    return outcome(await this.send({ op: "udp", host, port, timeoutMs, source }));
  }

  /** One ICMP request (8 = echo, 13 = timestamp, 128 = ICMPv6 echo). */
  async icmp(host: string, type: 8 | 13 | 128, timeoutMs: number): Promise<ProbeOutcome> {
    return outcome(await this.send({ op: "icmp", host, type, timeoutMs }));
  }

  /** Open the long-lived connection (one byte every 50 ms). */
  async hold(host: string, port: number): Promise<void> {
    await this.send({ op: "hold", host, port });
  }

  /** The long-lived connection's counters. */
  async holdStatus(): Promise<HoldStatus> {
    const a = await this.send({ op: "holdStatus" });
    return {
      sent: a.sent as number,
      received: a.received as number,
      maxGapMs: a.maxGapMs as number,
      error: a.error as string | null,
    };
  }

  /** Start probing one cell every `intervalMs`. */
  async hammer(
    cell: { proto: "tcp" | "udp"; host: string; port: number },
    intervalMs: number,
    timeoutMs: number,
  ): Promise<void> {
    await this.send({ op: "hammer", ...cell, intervalMs, timeoutMs });
  }

  /** Stop the hammer; how many attempts it made and how many got through. */
  async hammerStop(): Promise<{ attempts: number; successes: number }> {
    const a = await this.send({ op: "hammerStop" });
    return { attempts: a.attempts as number, successes: a.successes as number };
  }

  /**
   * Probe a cell every `intervalMs` until a probe sees `want`; the wall-clock time (ms since the
   * epoch) that probe was sent, or undefined after `maxMs`.
   */
  async until(
    cell: { proto: "tcp" | "udp"; host: string; port: number },
    want: "ok" | "timeout",
    o: { intervalMs: number; timeoutMs: number; maxMs: number },
  ): Promise<number | undefined> {
    const a = await this.send({ op: "until", ...cell, want, ...o });
    return typeof a.atMs === "number" ? a.atMs : undefined;
  }

  /** Close stdin (the probe exits) and wait; kills it if it lingers. */
  async stop(): Promise<void> {
    try {
      await this.#writer.close();
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // Exited meanwhile.
      }
    }, 3000);
    await this.#child.status;
    await this.#done;
    clearTimeout(timer);
  }
}

function outcome(a: Answer): ProbeOutcome {
  const result = a.result as ProbeResult;
  return {
    result,
    ...(typeof a.peer === "string" ? { peer: a.peer } : {}),
    ...(typeof a.detail === "string" ? { detail: a.detail } : {}),
  };
}
