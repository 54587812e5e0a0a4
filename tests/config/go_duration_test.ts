import { equal } from "node:assert/strict";
import {
  formatGoDuration,
  parseGoDuration,
  parseGoDurationNanos,
} from "../../src/config/go_duration.ts";

Deno.test("parseGoDuration reads Go duration strings as seconds", () => {
  const cases: ReadonlyArray<readonly [string, number]> = [
    ["90s", 90],
    ["1m30s", 90],
    ["500ms", 0.5],
    ["1h", 3600],
    ["1.5h", 5400],
    ["-2s", -2],
    ["0", 0],
    ["1h2m3s4ms5us6ns", 3723.004005006],
    ["3\u00b5s", 0.000003],
  ];
  for (const [text, seconds] of cases) equal(parseGoDuration(text), seconds, text);
});

Deno.test("parseGoDuration rejects numbers without units and unknown units", () => {
  for (const text of ["30", "", "1d", "s", "1m 30s", "--1s", "1.2.3s"]) {
    equal(parseGoDuration(text), undefined, text);
  }
});

Deno.test("parseGoDurationNanos gives exact nanoseconds", () => {
  equal(parseGoDurationNanos("7ms"), 7_000_000);
  equal(parseGoDurationNanos("1.000000001s"), 1_000_000_001);
});

Deno.test("formatGoDuration prints durations the way Go does", () => {
  const cases: ReadonlyArray<readonly [number, string]> = [
    [0, "0s"],
    [90, "1m30s"],
    [0.5, "500ms"],
    [30, "30s"],
    [3600, "1h0m0s"],
    [1.5, "1.5s"],
    [0.0000015, "1.5\u00b5s"],
    [1e-9, "1ns"],
    [-61, "-1m1s"],
    [5400.25, "1h30m0.25s"],
  ];
  for (const [seconds, text] of cases) equal(formatGoDuration(seconds), text, String(seconds));
});
