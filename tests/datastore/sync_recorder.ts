/**
 * Test helpers for syncers: a recorder of every callback (in order) that can await the next event
 * matching a predicate, and small helpers for temp files and compact update views.
 */
import type { ReloadReport } from "../../src/datastore/file_syncer.ts";
import type { ParseError, SyncerCallbacks, SyncStatus } from "../../src/datastore/syncer.ts";
import { type KVUpdate, updateKeyPath } from "../../src/model/kv.ts";

/** One recorded callback. */
export type SyncEvent =
  | { readonly type: "status"; readonly status: SyncStatus }
  | { readonly type: "updates"; readonly updates: readonly KVUpdate[] }
  | { readonly type: "error"; readonly error: ParseError }
  | { readonly type: "warning"; readonly warning: ParseError };

interface Waiter {
  readonly test: () => boolean;
  readonly resolve: () => void;
}

/** Generous: events arrive within milliseconds; this only bounds a broken test. */
const TIMEOUT_MS = 15_000;

/** Records callbacks and reload reports. */
export class SyncRecorder {
  readonly events: SyncEvent[] = [];
  readonly reloads: ReloadReport[] = [];
  #taken = 0;
  #waiters: Waiter[] = [];

  readonly callbacks: SyncerCallbacks = {
    onStatusUpdated: (status) => this.#push({ type: "status", status }),
    onUpdates: (updates) => this.#push({ type: "updates", updates }),
    onParseError: (error) => this.#push({ type: "error", error }),
    onWarning: (warning) => this.#push({ type: "warning", warning }),
  };

  readonly onReload = (report: ReloadReport): void => {
    this.reloads.push(report);
    this.#check();
  };

  #push(e: SyncEvent): void {
    this.events.push(e);
    this.#check();
  }

  #check(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }

  /** The events since the last `take()`. */
  take(): SyncEvent[] {
    const out = this.events.slice(this.#taken);
    this.#taken = this.events.length;
    return out;
  }

  /** Resolves once an event recorded from now on (or a reload report) satisfies `test`. */
  waitFor(what: string, test: (e: SyncEvent) => boolean): Promise<void> {
    const from = this.events.length;
    return this.#wait(what, () => this.events.slice(from).some(test));
  }

  /** Resolves once a reload report from now on satisfies `test`. */
  waitForReload(what: string, test: (r: ReloadReport) => boolean): Promise<void> {
    const from = this.reloads.length;
    return this.#wait(what, () => this.reloads.slice(from).some(test));
  }

  /** Resolves on the next `onUpdates` call. */
  nextUpdates(): Promise<void> {
    return this.waitFor("the next onUpdates call", (e) => e.type === "updates");
  }

  /** Resolves on the next status report equal to `status`. */
  nextStatus(status: SyncStatus): Promise<void> {
    return this.waitFor(`status "${status}"`, (e) => e.type === "status" && e.status === status);
  }

  /** Resolves on the next parse error whose message contains `text`. */
  nextError(text: string): Promise<void> {
    return this.waitFor(
      `a parse error containing "${text}"`,
      (e) => e.type === "error" && e.error.message.includes(text),
    );
  }

  #wait(what: string, test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.test !== test);
        reject(new Error(`Timed out waiting for ${what}; events: ${JSON.stringify(this.events)}`));
      }, TIMEOUT_MS);
      this.#waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** `[keyPath, value]` pairs: compact and exact. */
export function pairs(updates: readonly KVUpdate[]): [string, unknown][] {
  return updates.map((u) => [updateKeyPath(u), u.value]);
}

/** A compact view of events: statuses, update pairs, and error/warning messages. */
export function view(events: readonly SyncEvent[]): unknown[] {
  return events.map((e) => {
    switch (e.type) {
      case "status":
        return e.status;
      case "updates":
        return pairs(e.updates);
      case "error":
        return `error: ${e.error.message}`;
      case "warning":
        return `warning: ${e.warning.message}`;
    }
  });
}

/** Replace a file the way editors and `kubectl`-style writers do: write a sibling, rename. */
export async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, path);
}

/** Run `fn` with a fresh temp dir, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "felix-datastore-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
