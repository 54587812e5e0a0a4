/**
 * Go duration strings (`1m30s`, `500ms`, `1.5h`, `-2s`): parse to seconds and format the way
 * Go's `time.Duration.String` does. FelixConfiguration durations and `HealthTimeoutOverrides`
 * use this syntax.
 *
 * @module
 */

const UNIT_NANOS: Readonly<Record<string, number>> = {
  "ns": 1,
  "us": 1e3,
  "\u00b5s": 1e3, // micro sign
  "\u03bcs": 1e3, // Greek mu
  "ms": 1e6,
  "s": 1e9,
  "m": 60e9,
  "h": 3600e9,
};

const TERM = /^(\d+\.?\d*|\.\d+)([^\d.]+)/;

/** Parse a Go duration to seconds; undefined when it is not one. `"0"` alone needs no unit. */
export function parseGoDuration(text: string): number | undefined {
  const nanos = parseGoDurationNanos(text);
  return nanos === undefined ? undefined : nanos / 1e9;
}

/** Parse a Go duration to whole nanoseconds; undefined when it is not one. */
export function parseGoDurationNanos(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    sign = s.startsWith("-") ? -1 : 1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") return undefined;
  let nanos = 0;
  while (s !== "") {
    const m = TERM.exec(s);
    if (m === null) return undefined;
    const unit = UNIT_NANOS[m[2]!];
    if (unit === undefined) return undefined;
    nanos += Number(m[1]) * unit;
    s = s.slice(m[0].length);
  }
  return sign * Math.round(nanos);
}

function fraction(whole: number, frac: number, digits: number): string {
  const f = String(frac).padStart(digits, "0").replace(/0+$/, "");
  return f === "" ? String(whole) : `${whole}.${f}`;
}

/** Format seconds as Go prints a duration: `0s`, `500ms`, `1.5s`, `1m30s`, `1h0m0s`. */
export function formatGoDuration(seconds: number): string {
  const total = Math.round(Math.abs(seconds) * 1e9);
  const sign = seconds < 0 && total > 0 ? "-" : "";
  if (total === 0) return "0s";
  if (total < 1e3) return `${sign}${total}ns`;
  if (total < 1e6) return `${sign}${fraction(Math.floor(total / 1e3), total % 1e3, 3)}\u00b5s`;
  if (total < 1e9) return `${sign}${fraction(Math.floor(total / 1e6), total % 1e6, 6)}ms`;
  const h = Math.floor(total / 3600e9);
  const m = Math.floor((total % 3600e9) / 60e9);
  const rest = total % 60e9;
  const secs = `${fraction(Math.floor(rest / 1e9), rest % 1e9, 9)}s`;
  if (h > 0) return `${sign}${h}h${m}m${secs}`;
  if (m > 0) return `${sign}${m}m${secs}`;
  return `${sign}${secs}`;
}
