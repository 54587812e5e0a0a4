/**
 * Program a list of managers once (`felix --once --apply`): run the internal dataplane loop over
 * the messages until it settles, or give up after a number of failed applies in a row (by
 * default 4: three retries and the whole-table rebuild that follows them).
 *
 * @module
 */
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import type { ToDataplane } from "../../proto/messages.ts";
import { InternalDataplane } from "./internal_dataplane.ts";
import type { Manager } from "./manager.ts";

/** Options of `applyOnce`. */
export interface ApplyOnceOptions {
  readonly managers: readonly Manager[];
  readonly log?: Log;
  /** Failed applies in a row before giving up (default 4). */
  readonly attempts?: number;
  /** First retry delay, doubling (default 50 ms). */
  readonly retryBaseMs?: number;
}

/** The dataplane could not be programmed; `message` ends with the last error's. */
export class ApplyOnceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ApplyOnceError";
  }
}

/** Deliver `msgs` (ending with `InSync`) and wait until they are programmed. */
export async function applyOnce(
  msgs: readonly ToDataplane[],
  options: ApplyOnceOptions,
): Promise<void> {
  const attempts = options.attempts ?? 4;
  let giveUp!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => (giveUp = reject));
  failed.catch(() => {});
  const dp = new InternalDataplane({
    managers: options.managers,
    log: options.log ?? NULL_LOG,
    applyIntervalMs: 0,
    resyncIntervalMs: 0,
    retryBaseMs: options.retryBaseMs ?? 50,
    onApplyFailed: (e, n) => n >= attempts && giveUp(e),
  });
  try {
    dp.onMessages(msgs);
    await Promise.race([dp.settled(), failed]);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ApplyOnceError(`Cannot program the dataplane after ${attempts} attempts: ${why}`, {
      cause: e,
    });
  } finally {
    await dp.close();
  }
}
