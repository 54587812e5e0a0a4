/**
 * The connectivity matrix: a list of cells (from, to, protocol, port or ICMP type, expected
 * verdict), each probed with real traffic, all at once. A cell expected to be denied must see no
 * answer at all (a DROP); one expected to be allowed must get the server's answer, and, when
 * `seenAs` is given, the server must have seen that source address. A failure reports the whole
 * matrix, every cell with what it saw, not just the first wrong one.
 *
 * A cell that should be allowed but timed out is probed once more with a long timeout before it
 * counts as wrong (two shared cores can stall a probe); a denied cell that got an answer is wrong
 * at once.
 *
 * @module
 */
import type { ProbeOutcome, ProbeProcess } from "./probe_client.ts";

/**
 * A participant: a probe process and the addresses others reach it at. With `bound`, its own
 * TCP/UDP probes leave from those addresses too (a namespace with several addresses).
 */
export interface Peer {
  readonly probe: ProbeProcess;
  readonly ipv4: string;
  readonly ipv6?: string;
  readonly bound?: boolean;
}

/** The verdict a cell expects. */
export type Verdict = "allow" | "deny";

/** One matrix cell. */
export interface Cell {
  readonly from: string;
  readonly to: string;
  /** Address family of the target address (default 4). */
  readonly family?: 4 | 6;
  readonly proto: "tcp" | "udp" | "icmp";
  /** TCP/UDP port. */
  readonly port?: number;
  /** ICMP request type (default 8 for v4, 128 for v6). */
  readonly icmpType?: 8 | 13 | 128;
  readonly expect: Verdict;
  /** For allowed TCP/UDP cells: the source address the server must see. */
  readonly seenAs?: string;
}

/** A TCP cell: `from` connects to `to` on `port` and expects `expect`. */
export function tcpCell(from: string, to: string, port: number, expect: Verdict): Cell {
  return { from, to, proto: "tcp", port, expect };
}

/** A cell with what it saw. */
export interface CellResult {
  readonly cell: Cell;
  readonly outcome: ProbeOutcome;
  readonly pass: boolean;
}

/** Timeouts of a matrix run. */
export interface MatrixTiming {
  /** How long a cell waits for an answer (default 500 ms). */
  readonly timeoutMs?: number;
  /** The second chance of an allowed cell that timed out (default 2000 ms). */
  readonly retryTimeoutMs?: number;
}

/** A short label: `a1 -> b1 tcp/8080 v4`. */
export function cellLabel(c: Cell): string {
  const what = c.proto === "icmp"
    ? `icmp/${c.icmpType ?? (c.family === 6 ? 128 : 8)}`
    : `${c.proto}/${c.port ?? "?"}`;
  return `${c.from} -> ${c.to} ${what} v${c.family ?? 4}`;
}

function target(peers: ReadonlyMap<string, Peer>, c: Cell): string {
  const to = peers.get(c.to);
  if (to === undefined) throw new TypeError(`Matrix cell "${cellLabel(c)}" names no known peer`);
  const addr = c.family === 6 ? to.ipv6 : to.ipv4;
  if (addr === undefined) throw new TypeError(`Peer "${c.to}" has no IPv${c.family} address`);
  return addr;
}

/** Probe one cell once. */
export function probeCell(
  peers: ReadonlyMap<string, Peer>,
  c: Cell,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const from = peers.get(c.from);
  if (from === undefined) {
    throw new TypeError(`Matrix cell "${cellLabel(c)}" names no known prober`);
  }
  const host = target(peers, c);
  const source = from.bound === true ? (c.family === 6 ? from.ipv6 : from.ipv4) : undefined;
  switch (c.proto) {
    case "tcp":
      return from.probe.tcp(host, c.port ?? 0, timeoutMs, source);
    case "udp":
      return from.probe.udp(host, c.port ?? 0, timeoutMs, source);
    case "icmp":
      return from.probe.icmp(host, c.icmpType ?? (c.family === 6 ? 128 : 8), timeoutMs);
  }
}

function judge(c: Cell, o: ProbeOutcome): boolean {
  if (c.expect === "deny") return o.result === "timeout";
  if (o.result !== "ok") return false;
  return c.seenAs === undefined || o.peer === c.seenAs;
}

async function runCell(
  peers: ReadonlyMap<string, Peer>,
  cell: Cell,
  timing: MatrixTiming,
): Promise<CellResult> {
  let outcome = await probeCell(peers, cell, timing.timeoutMs ?? 500);
  if (cell.expect === "allow" && outcome.result === "timeout") {
    outcome = await probeCell(peers, cell, timing.retryTimeoutMs ?? 2000);
  }
  return { cell, outcome, pass: judge(cell, outcome) };
}

/** Probe every cell concurrently. */
export function runMatrix(
  peers: ReadonlyMap<string, Peer>,
  cells: readonly Cell[],
  timing: MatrixTiming = {},
): Promise<CellResult[]> {
  return Promise.all(cells.map((c) => runCell(peers, c, timing)));
}

/** The whole matrix as a table, wrong cells marked `!!`. */
export function formatMatrix(results: readonly CellResult[]): string {
  const width = Math.max(...results.map((r) => cellLabel(r.cell).length));
  return results.map((r) => {
    const saw = r.outcome.result + (r.outcome.peer === undefined ? "" : ` as ${r.outcome.peer}`);
    const want = r.cell.expect + (r.cell.seenAs === undefined ? "" : ` as ${r.cell.seenAs}`);
    return `${r.pass ? "  " : "!!"} ${cellLabel(r.cell).padEnd(width)}  expect ${want}, saw ${saw}`;
  }).join("\n");
}

/** Probe every cell; throws with the whole matrix when any cell is wrong. */
export async function assertMatrix(
  title: string,
  peers: ReadonlyMap<string, Peer>,
  cells: readonly Cell[],
  timing: MatrixTiming = {},
): Promise<void> {
  const results = await runMatrix(peers, cells, timing);
  const wrong = results.filter((r) => !r.pass).length;
  if (wrong > 0) {
    throw new Error(
      `Matrix "${title}": ${wrong} of ${results.length} cells wrong\n${formatMatrix(results)}`,
    );
  }
}

/** A cross product of cells: every (from, to) pair with `from !== to`, for every probe kind. */
export function cross(
  froms: readonly string[],
  tos: readonly string[],
  kinds: readonly Omit<Cell, "from" | "to" | "expect">[],
  expect: (from: string, to: string, kind: Omit<Cell, "from" | "to" | "expect">) => Verdict,
): Cell[] {
  const out: Cell[] = [];
  for (const from of froms) {
    for (const to of tos) {
      if (from === to) continue;
      for (const k of kinds) out.push({ ...k, from, to, expect: expect(from, to, k) });
    }
  }
  return out;
}
