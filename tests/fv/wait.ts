/**
 * Waiting helpers for the daemon scenarios (and the syncer tests).
 *
 * @module
 */

/** Sleep `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `test` every few milliseconds until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  test: () => boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(5);
  }
}

/** Wall-clock milliseconds since the epoch, sub-millisecond (comparable across processes). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Run `fn` until it stops throwing; rethrows its last error (prefixed with how long it tried)
 * after `timeoutMs`. Resolves with `fn`'s result and the time it took.
 */
export async function eventually<T>(
  fn: () => Promise<T>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<{ value: T; elapsedMs: number }> {
  const start = performance.now();
  for (;;) {
    try {
      return { value: await fn(), elapsedMs: performance.now() - start };
    } catch (e) {
      if (performance.now() - start > timeoutMs) {
        const msg = e instanceof Error ? e.message : String(e);
        throw new Error(`Still failing after ${timeoutMs} ms: ${msg}`);
      }
    }
    await sleep(intervalMs);
  }
}

/** The median of some numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Write a line to stderr (measurements the suite reports; there is no console in tests). */
export function report(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`tests/fv: ${line}\n`));
}
