/**
 * Tells its owner, debounced, that one of a set of files may have changed. Two sources feed it:
 * `Deno.watchFs` on the files' directories (so a file replaced by rename, as editors and
 * `kubectl`-style writers do, is still seen), and a periodic re-stat of every file (size, times,
 * inode) as a fallback for file systems and mount tricks that send no events.
 *
 * @module
 */
import { basename, dirname, resolve } from "node:path";

/** Options of a {@linkcode FileWatcher}. */
export interface FileWatcherOptions {
  readonly paths: readonly string[];
  /** Quiet time after the last event before `onChange` fires. */
  readonly debounceMs: number;
  /** Re-stat period; 0 turns the fallback off. */
  readonly pollIntervalMs: number;
  /** Whether to use `Deno.watchFs` (off leaves only the re-stat fallback). */
  readonly useWatchFs: boolean;
  readonly onChange: () => void;
}

async function signature(path: string): Promise<string> {
  try {
    const s = await Deno.stat(path);
    return `${s.mtime?.getTime()}:${s.ctime?.getTime()}:${s.size}:${s.ino}:${s.isFile}`;
  } catch (e) {
    return `error:${e instanceof Error ? e.name : String(e)}`;
  }
}

/** Watches files; call `start()` once and `stop()` once. */
export class FileWatcher {
  readonly #opts: FileWatcherOptions;
  readonly #paths: readonly string[];
  #watchers: Deno.FsWatcher[] = [];
  #loops: Promise<void>[] = [];
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<void> | undefined;
  #signatures = new Map<string, string>();
  #stopped = false;

  constructor(opts: FileWatcherOptions) {
    this.#opts = opts;
    this.#paths = opts.paths.map((p) => resolve(p));
  }

  /** Record the files' current state and begin watching. */
  async start(): Promise<void> {
    for (const p of this.#paths) this.#signatures.set(p, await signature(p));
    if (this.#opts.useWatchFs) this.#watchDirectories();
    this.#schedulePoll();
  }

  /** Stop watching; no `onChange` after this resolves. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#debounce);
    clearTimeout(this.#pollTimer);
    for (const w of this.#watchers) w.close();
    await Promise.all(this.#loops);
    await this.#polling;
  }

  #watchDirectories(): void {
    const byDir = new Map<string, Set<string>>();
    for (const p of this.#paths) {
      byDir.set(dirname(p), (byDir.get(dirname(p)) ?? new Set()).add(basename(p)));
    }
    for (const [dir, names] of byDir) {
      let watcher: Deno.FsWatcher;
      try {
        watcher = Deno.watchFs(dir, { recursive: false });
      } catch {
        continue; // a missing directory: the re-stat fallback notices when the file appears
      }
      this.#watchers.push(watcher);
      this.#loops.push(this.#consume(watcher, names));
    }
  }

  /** Events name paths as the OS sees them (maybe through symlinks): match on the base name. */
  async #consume(watcher: Deno.FsWatcher, names: ReadonlySet<string>): Promise<void> {
    try {
      for await (const event of watcher) {
        if (event.paths.some((p) => names.has(basename(p)))) {
          this.#trigger();
        }
      }
    } catch {
      // The watcher failed (directory removed, closed under us): the re-stat fallback goes on.
    }
  }

  #trigger(): void {
    if (this.#stopped) return;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      if (!this.#stopped) this.#opts.onChange();
    }, this.#opts.debounceMs);
  }

  #schedulePoll(): void {
    if (this.#stopped || this.#opts.pollIntervalMs <= 0) return;
    this.#pollTimer = setTimeout(() => {
      this.#polling = this.#poll().finally(() => {
        this.#polling = undefined;
        this.#schedulePoll();
      });
    }, this.#opts.pollIntervalMs);
  }

  async #poll(): Promise<void> {
    let changed = false;
    for (const p of this.#paths) {
      const sig = await signature(p);
      if (sig !== this.#signatures.get(p)) changed = true;
      this.#signatures.set(p, sig);
    }
    if (changed) this.#trigger();
  }
}
