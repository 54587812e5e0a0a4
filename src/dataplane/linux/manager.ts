/**
 * The contract of a dataplane manager (STYLE rule 7: managers convert, reconcilers reconcile).
 *
 * `onUpdate` records what a message changes and does no I/O; `completeDeferredWork` renders the
 * dirty state and hands it to its reconciler, which reads the kernel back, computes the smallest
 * change and applies it. A manager that cannot program something keeps it dirty and throws (or
 * rejects); the loop retries with backoff.
 *
 * @module
 */
import type { ToDataplane } from "../../proto/messages.ts";

/** One manager of the internal dataplane. */
export interface Manager {
  /** A short name for logs and metrics (`endpoints`, `policies`, `routes`, ...). */
  readonly name: string;
  /** Record a message. Must not do I/O and must not throw on bad data (log and skip instead). */
  onUpdate(msg: ToDataplane): void;
  /** Program what is dirty. Called by the loop after a batch, in registration order. */
  completeDeferredWork(): Promise<void>;
  /**
   * True when some work waits for something that is not an error (a workload interface that does
   * not exist yet): the loop calls `completeDeferredWork` again after a while, without counting a
   * failure and without holding up `settled()`.
   */
  hasPendingWork?(): boolean;
  /** Forget what is believed programmed and re-read the kernel at the next apply (drift repair). */
  markForResync?(): void;
  /**
   * The loop calls this once, when it is created, with a function that schedules an apply soon:
   * for managers that learn of work outside the messages (an interface appeared or came up).
   * Calling it before the first `InSync` or after `close` does nothing.
   */
  setRequestApply?(requestApply: () => void): void;
  /** Release OS resources (sockets, monitors). */
  close?(): Promise<void>;
}

/**
 * `completeDeferredWork` of a manager whose apply is synchronous (rtnetlink answers inside the
 * call): runs `apply` now and turns a throw into a rejection.
 */
export function applyNow(apply: () => void): Promise<void> {
  try {
    apply();
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}
