/**
 * The internal dataplane loop: messages from the calc graph go to every manager; an apply (all
 * managers' `completeDeferredWork`, in registration order) runs after each batch, throttled, and
 * not before the first `InSync` (so a restart never programs a partial view); a failed apply is
 * retried with exponential backoff; a periodic resync makes every manager re-read the kernel.
 *
 * @module
 */
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import type { ToDataplane } from "../../proto/messages.ts";
import type { Manager } from "./manager.ts";

/** Options of `InternalDataplane`. */
export interface InternalDataplaneOptions {
  readonly managers: readonly Manager[];
  readonly log?: Log;
  /** Minimum time between two applies (default 100 ms; upstream's leaky bucket is similar). */
  readonly applyIntervalMs?: number;
  /** Full resync period (default 90 s, upstream's route/ipset refresh). 0 disables it. */
  readonly resyncIntervalMs?: number;
  /** First retry delay after a failed apply (default 100 ms, doubling to 30 s). */
  readonly retryBaseMs?: number;
  /** Delay before calling managers with pending work again (default 1 s). */
  readonly pendingRetryMs?: number;
  /** Called after every successful apply (tests, health, status). */
  readonly onApplied?: (stats: ApplyStats) => void;
  /** Called after every failed apply, with the error and the failures in a row so far. */
  readonly onApplyFailed?: (error: unknown, attempt: number) => void;
}

/** What one apply did. */
export interface ApplyStats {
  readonly durationMs: number;
  readonly messages: number;
  readonly firstAfterInSync: boolean;
}

/** Runs the managers. */
export class InternalDataplane {
  readonly #managers: readonly Manager[];
  readonly #log: Log;
  readonly #applyIntervalMs: number;
  readonly #resyncIntervalMs: number;
  readonly #retryBaseMs: number;
  readonly #pendingRetryMs: number;
  readonly #onApplied: ((s: ApplyStats) => void) | undefined;
  readonly #onApplyFailed: ((e: unknown, attempt: number) => void) | undefined;
  #inSync = false;
  #appliedOnce = false;
  #pendingMessages = 0;
  #dirty = false;
  #running: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending `#timer` fires (performance.now() time). */
  #timerDue = 0;
  /** An apply was requested (`requestApply`): the next one skips the batching throttle. */
  #kicked = false;
  /** No apply before this time (the backoff after a failure). */
  #retryAt = 0;
  #resyncTimer: ReturnType<typeof setInterval> | undefined;
  #pendingTimer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  /** When the last apply ended; none yet: the first apply is not throttled. */
  #lastApply = Number.NEGATIVE_INFINITY;
  #closed = false;
  #waiters: (() => void)[] = [];

  constructor(options: InternalDataplaneOptions) {
    this.#managers = options.managers;
    this.#log = options.log ?? NULL_LOG;
    this.#applyIntervalMs = options.applyIntervalMs ?? 100;
    this.#resyncIntervalMs = options.resyncIntervalMs ?? 90_000;
    this.#retryBaseMs = options.retryBaseMs ?? 100;
    this.#pendingRetryMs = options.pendingRetryMs ?? 1000;
    this.#onApplied = options.onApplied;
    this.#onApplyFailed = options.onApplyFailed;
    if (this.#resyncIntervalMs > 0) {
      this.#resyncTimer = setInterval(() => this.resync(), this.#resyncIntervalMs);
    }
    for (const m of this.#managers) m.setRequestApply?.(() => this.requestApply());
  }

  /** Whether the first apply after in-sync has completed. */
  get programmed(): boolean {
    return this.#appliedOnce;
  }

  /** Deliver a batch of messages (one calc-graph flush). */
  onMessages(msgs: readonly ToDataplane[]): void {
    if (this.#closed || msgs.length === 0) return;
    for (const m of msgs) {
      if (m.type === "InSync") this.#inSync = true;
      for (const mgr of this.#managers) mgr.onUpdate(m);
    }
    this.#pendingMessages += msgs.length;
    this.#dirty = true;
    this.#schedule(0);
  }

  /**
   * Schedule an apply now: a manager learned of work outside the messages, such as a workload
   * interface that appeared (its sysctls must be written before the pod's first ARP goes
   * unanswered). It skips the throttle that batches messages (`applyIntervalMs`) but not the
   * backoff after a failure; requests made before an apply starts share it. Before the first
   * `InSync` the apply waits for it; after `close` this does nothing.
   */
  requestApply(): void {
    if (this.#closed) return;
    this.#dirty = true;
    this.#kicked = true;
    this.#schedule(0);
  }

  /** Ask every manager to re-read the kernel and repair drift at the next apply. */
  resync(): void {
    if (this.#closed) return;
    for (const m of this.#managers) m.markForResync?.();
    this.#dirty = true;
    this.#schedule(0);
  }

  /** Resolves once nothing is dirty and no apply is running (after in-sync). */
  settled(): Promise<void> {
    if (this.#isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #isSettled(): boolean {
    return this.#inSync && !this.#dirty && this.#running === undefined &&
      this.#timer === undefined;
  }

  #schedule(extraDelayMs: number): void {
    if (this.#closed || !this.#inSync) return;
    const now = performance.now();
    const throttle = this.#kicked ? 0 : this.#applyIntervalMs - (now - this.#lastApply);
    const delay = Math.max(extraDelayMs, throttle, this.#retryAt - now, 0);
    if (this.#timer !== undefined) {
      if (now + delay >= this.#timerDue) return;
      clearTimeout(this.#timer);
    }
    this.#timerDue = now + delay;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#runApply();
    }, delay);
  }

  async #runApply(): Promise<void> {
    if (this.#running !== undefined || this.#closed) return;
    const messages = this.#pendingMessages;
    this.#pendingMessages = 0;
    this.#dirty = false;
    this.#kicked = false;
    const start = performance.now();
    this.#running = this.#applyAll();
    try {
      await this.#running;
      this.#applied(start, messages);
    } catch (e) {
      this.#applyFailed(e);
      return;
    }
    this.#running = undefined;
    this.#lastApply = performance.now();
    this.#schedulePendingRetry();
    if (this.#dirty) this.#schedule(0);
    else if (this.#isSettled()) this.#wake();
  }

  /** An apply that started at `start` succeeded: reset the backoff and report it. */
  #applied(start: number, messages: number): void {
    this.#failures = 0;
    this.#retryAt = 0;
    const first = !this.#appliedOnce;
    this.#appliedOnce = true;
    this.#onApplied?.({
      durationMs: performance.now() - start,
      messages,
      firstAfterInSync: first,
    });
  }

  /** An apply failed (or its report threw): stay dirty and retry with exponential backoff. */
  #applyFailed(e: unknown): void {
    this.#failures++;
    this.#dirty = true;
    const delay = Math.min(30_000, this.#retryBaseMs * 2 ** (this.#failures - 1));
    this.#log.error("Dataplane apply failed; will retry", {
      error: e instanceof Error ? e.message : String(e),
      attempt: this.#failures,
      retryInMs: delay,
    });
    this.#running = undefined;
    this.#lastApply = performance.now();
    this.#retryAt = this.#lastApply + delay;
    this.#schedule(delay);
    this.#onApplyFailed?.(e, this.#failures);
  }

  /** Managers waiting for something (an interface to appear) get another apply later. */
  #schedulePendingRetry(): void {
    if (this.#closed || this.#pendingTimer !== undefined) return;
    if (!this.#managers.some((m) => m.hasPendingWork?.() === true)) return;
    this.#pendingTimer = setTimeout(() => {
      this.#pendingTimer = undefined;
      this.#dirty = true;
      this.#schedule(0);
    }, this.#pendingRetryMs);
  }

  async #applyAll(): Promise<void> {
    for (const m of this.#managers) await m.completeDeferredWork();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Stop timers, wait for a running apply, close the managers. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearInterval(this.#resyncTimer);
    clearTimeout(this.#pendingTimer);
    this.#pendingTimer = undefined;
    await this.#running?.catch(() => {});
    for (const m of this.#managers) await m.close?.();
    this.#wake();
  }
}
