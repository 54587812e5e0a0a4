/**
 * Turns `deno test` output into the plain closing line CI reads: `N passed, M failed, K skipped`.
 *
 * Deno closes a run with `ok | 7 passed | 0 failed | 2 ignored (2s)` or
 * `FAILED | 3 passed (4 steps) | 1 failed (12ms)`, possibly coloured. `.ci/run` calls this
 * module as a script: `deno run --allow-read tests/tools/ci_summary.ts LOG`. It prints the line
 * and exits 0, or prints `0 passed, 1 failed` and exits 3 when the log has no summary line.
 *
 * @module
 */

/** The test counts of one `deno test` run. */
export interface TestSummary {
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly ignored: number;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const SEGMENT = /^(\d+) (passed|failed|ignored|measured|filtered out)\b/;

/** Parses one line if it is Deno's summary line. */
export function parseSummaryLine(line: string): TestSummary | undefined {
  const parts = line.replace(ANSI, "").trim().split(" | ");
  const head = parts[0];
  if ((head !== "ok" && head !== "FAILED") || parts.length < 3) return undefined;
  const counts = new Map<string, number>();
  for (const part of parts.slice(1)) {
    const m = SEGMENT.exec(part);
    if (m === null) return undefined;
    counts.set(m[2] ?? "", Number(m[1]));
  }
  const passed = counts.get("passed");
  const failed = counts.get("failed");
  if (passed === undefined || failed === undefined) return undefined;
  return { ok: head === "ok", passed, failed, ignored: counts.get("ignored") ?? 0 };
}

/** The last summary line in a whole `deno test` log, if any. */
export function parseDenoSummary(output: string): TestSummary | undefined {
  const lines = output.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const summary = parseSummaryLine(lines[i] ?? "");
    if (summary !== undefined) return summary;
  }
  return undefined;
}

/** The closing line, `N passed, M failed, K skipped`; `extraFailed` counts failed CI checks. */
export function formatSummary(summary: TestSummary | undefined, extraFailed = 0): string {
  if (summary === undefined) return `0 passed, ${1 + extraFailed} failed`;
  const failed = summary.failed + extraFailed;
  return `${summary.passed} passed, ${failed} failed, ${summary.ignored} skipped`;
}

/** Script entry: `ci_summary.ts LOG [EXTRA_FAILED]`. */
function main(args: readonly string[]): number {
  const [log, extra] = args;
  if (log === undefined) {
    Deno.stderr.writeSync(new TextEncoder().encode("Usage: ci_summary.ts LOG [EXTRA_FAILED]\n"));
    return 2;
  }
  const extraFailed = extra === undefined ? 0 : Number.parseInt(extra, 10) || 0;
  const summary = parseDenoSummary(Deno.readTextFileSync(log));
  Deno.stdout.writeSync(new TextEncoder().encode(`${formatSummary(summary, extraFailed)}\n`));
  return summary === undefined ? 3 : 0;
}

if (import.meta.main) Deno.exit(main(Deno.args));
