/**
 * The summary parser `.ci/run` uses to print its closing `N passed, M failed, K skipped` line.
 */
import { deepStrictEqual, equal } from "node:assert/strict";
import { formatSummary, parseDenoSummary, parseSummaryLine } from "./tools/ci_summary.ts";

const ESC = "\x1b";

Deno.test("parseSummaryLine reads an ok line with ignored tests and a duration", () => {
  deepStrictEqual(parseSummaryLine("ok | 7 passed | 0 failed | 2 ignored (2s)"), {
    ok: true,
    passed: 7,
    failed: 0,
    ignored: 2,
  });
});

Deno.test("parseSummaryLine reads a coloured FAILED line with step counts", () => {
  const line = `${ESC}[0m${ESC}[31mFAILED${ESC}[0m | 1 passed (1 step) | 2 failed (3 steps) | ` +
    `1 ignored ${ESC}[0m${ESC}[38;5;245m(9ms)${ESC}[0m`;
  deepStrictEqual(parseSummaryLine(line), { ok: false, passed: 1, failed: 2, ignored: 1 });
});

Deno.test("parseSummaryLine reads filtered and measured counts without counting them", () => {
  deepStrictEqual(
    parseSummaryLine("ok | 3 passed | 0 failed | 1 measured | 4 filtered out (12ms)"),
    { ok: true, passed: 3, failed: 0, ignored: 0 },
  );
});

Deno.test("parseSummaryLine rejects lines that only look like a summary", () => {
  equal(parseSummaryLine("ok"), undefined);
  equal(parseSummaryLine("test a | b ... ok (1ms)"), undefined);
  equal(parseSummaryLine("ok | 3 passed"), undefined);
  equal(parseSummaryLine("ok | three passed | 0 failed"), undefined);
  equal(parseSummaryLine("  FAILED | 1 passed | x"), undefined);
});

Deno.test("parseDenoSummary takes the last summary line of a log", () => {
  const log = [
    "Task test deno test -A --parallel tests/",
    "running 2 tests from ./tests/a_test.ts",
    "prints ok | 9 passed | 9 failed ... ok (1ms)",
    "ok | 1 passed | 0 failed (1ms)",
    "",
    " ERRORS ",
    "FAILED | 5 passed | 1 failed | 2 ignored (3s)",
    "",
    "error: Test failed",
  ].join("\r\n");
  deepStrictEqual(parseDenoSummary(log), { ok: false, passed: 5, failed: 1, ignored: 2 });
  equal(parseDenoSummary("error: Type checking failed.\n"), undefined);
});

Deno.test("formatSummary prints the plain closing line and counts failed checks", () => {
  const summary = { ok: true, passed: 12, failed: 0, ignored: 3 };
  equal(formatSummary(summary), "12 passed, 0 failed, 3 skipped");
  equal(formatSummary(summary, 1), "12 passed, 1 failed, 3 skipped");
  equal(formatSummary(undefined), "0 passed, 1 failed");
  equal(formatSummary(undefined, 2), "0 passed, 3 failed");
});

Deno.test("ci_summary.ts as a script prints the line and exits 3 without a summary", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = async (log: string, ...extra: string[]) => {
      await Deno.writeTextFile(`${dir}/log`, log);
      const script = new URL("./tools/ci_summary.ts", import.meta.url);
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-config", `--allow-read=${dir}`, script.href, `${dir}/log`, ...extra],
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      return { code: out.code, text: new TextDecoder().decode(out.stdout) };
    };
    deepStrictEqual(await run("x\nok | 4 passed | 0 failed | 1 ignored (5ms)\n"), {
      code: 0,
      text: "4 passed, 0 failed, 1 skipped\n",
    });
    deepStrictEqual(await run("ok | 4 passed | 0 failed (5ms)\n", "1"), {
      code: 0,
      text: "4 passed, 1 failed, 0 skipped\n",
    });
    deepStrictEqual(await run("error: Module not found\n"), {
      code: 3,
      text: "0 passed, 1 failed\n",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
