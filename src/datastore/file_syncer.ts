/**
 * The file datastore: one or more YAML/JSON files hold the cluster's resources (Calico v3 objects
 * and Kubernetes objects, as a real cluster stores them). The syncer loads them, keeps the desired
 * internal-model state, and on every change sends only the difference. Rules in DESIGN.md.
 *
 * @module
 */
import type { Log } from "../lib/log.ts";
import type { KVUpdate } from "../model/kv.ts";
import { BUILT_IN_DOCUMENTS } from "./built_ins.ts";
import { buildDesiredState, type ConvertedDocument } from "./desired_state.ts";
import type { DocumentConverter } from "./document_converter.ts";
import { convertDocument, type LoadedFile, loadFileText } from "./file_loader.ts";
import { FileWatcher } from "./file_watcher.ts";
import { diffStates, toBatches } from "./kv_diff.ts";
import type { ParseError, Syncer, SyncerCallbacks, SyncStatus } from "./syncer.ts";

/** Options of a {@linkcode FileSyncer}. */
export interface FileSyncerOptions {
  /** The files, loaded in this order (a later duplicate wins). At least one. */
  readonly paths: readonly string[];
  readonly convert: DocumentConverter;
  readonly callbacks: SyncerCallbacks;
  /** Raw documents loaded before the files; default {@linkcode BUILT_IN_DOCUMENTS}. */
  readonly builtIns?: readonly unknown[];
  /** Quiet time after a file event before reloading; default 100 ms. */
  readonly debounceMs?: number;
  /** Re-stat period of the fallback change detection; default 2000 ms, 0 = off. */
  readonly pollIntervalMs?: number;
  /** Use `Deno.watchFs`; default true. */
  readonly watch?: boolean;
  /** Called after every (re)load with what it saw and did; for tests and `--once`. */
  readonly onReload?: (report: ReloadReport) => void;
  /** Receives one line per reload (info when something changed, else debug). */
  readonly log?: Log;
}

/**
 * How a file fared in a reload: `loaded` (new text, used), `unchanged` (same text as its good
 * state), `kept-last-good` (unreadable or mid-write; its previous good state is used) or
 * `not-loaded` (unreadable or mid-write and never good: it holds the syncer in
 * `wait-for-datastore`).
 */
export type FileState = "loaded" | "unchanged" | "kept-last-good" | "not-loaded";

/** One file in a {@linkcode ReloadReport}. */
export interface FileReport {
  readonly path: string;
  readonly state: FileState;
  /** Documents in the state in use (0 when not loaded). */
  readonly documents: number;
}

/** What one (re)load saw and did. */
export interface ReloadReport {
  readonly files: readonly FileReport[];
  readonly status: SyncStatus;
  /** Updates sent by this reload. */
  readonly updates: number;
  /** Every current problem, including ones reported by earlier reloads. */
  readonly problems: readonly ParseError[];
}

type TextRead = { readonly ok: true; readonly text: string } | {
  readonly ok: false;
  readonly reason: string;
};

async function readText(path: string): Promise<TextRead> {
  try {
    return { ok: true, text: await Deno.readTextFile(path) };
  } catch (e) {
    return { ok: false, reason: `cannot read "${path}": ${e instanceof Error ? e.message : e}` };
  }
}

function problemKey(p: ParseError): string {
  return `${p.source}\u0000${p.message}`;
}

/** Loads and watches datastore files; see the module doc and DESIGN.md. */
export class FileSyncer implements Syncer {
  readonly #opts: FileSyncerOptions;
  readonly #cb: SyncerCallbacks;
  readonly #watcher: FileWatcher;
  #builtIns: readonly ConvertedDocument[] = [];
  #builtInProblems: readonly ParseError[] = [];
  readonly #files = new Map<string, LoadedFile>();
  #current: ReadonlyMap<string, KVUpdate> = new Map();
  #status: SyncStatus | undefined;
  #reported = new Set<string>();
  #running: Promise<void> | undefined;
  #pending = false;
  #started = false;
  #stopped = false;

  constructor(opts: FileSyncerOptions) {
    if (opts.paths.length === 0) {
      throw new TypeError("Cannot create a file syncer without files: pass at least one path");
    }
    this.#opts = opts;
    this.#cb = opts.callbacks;
    this.#watcher = new FileWatcher({
      paths: opts.paths,
      debounceMs: opts.debounceMs ?? 100,
      pollIntervalMs: opts.pollIntervalMs ?? 2000,
      useWatchFs: opts.watch ?? true,
      onChange: () => this.#requestReload(),
    });
  }

  /** Report `wait-for-datastore`, begin watching and start the first load. */
  async start(): Promise<void> {
    if (this.#started) throw new Error("Cannot start a file syncer twice: create a new one");
    this.#started = true;
    this.#setStatus("wait-for-datastore");
    this.#convertBuiltIns();
    await this.#watcher.start();
    this.#requestReload();
  }

  /** Stop watching; waits for a reload in progress. No callbacks after this resolves. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#watcher.stop();
    await this.#running;
  }

  /** Resolves when no reload is running or pending (for tests and `--once`). */
  async settled(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #convertBuiltIns(): void {
    const where = { source: "built-in", where: "built-in", builtIn: true };
    const outcomes = (this.#opts.builtIns ?? BUILT_IN_DOCUMENTS).map((doc) =>
      convertDocument(doc, where, this.#opts.convert)
    );
    this.#builtIns = outcomes.map((o) => o.document);
    this.#builtInProblems = outcomes.flatMap((o) => [...o.problems, ...o.warnings]);
  }

  #requestReload(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#pending = true;
      return;
    }
    this.#running = this.#reloadLoop().finally(() => {
      this.#running = undefined;
    });
  }

  async #reloadLoop(): Promise<void> {
    do {
      this.#pending = false;
      await this.#reloadOnce();
    } while (this.#pending && !this.#stopped);
  }

  async #reloadOnce(): Promise<void> {
    const reads = await Promise.all(this.#opts.paths.map(readText));
    if (this.#stopped) return;
    const files: FileReport[] = [];
    const fileProblems: ParseError[] = [];
    this.#opts.paths.forEach((path, i) => {
      const read = reads[i] ?? { ok: false, reason: `cannot read "${path}"` };
      files.push(this.#refreshFile(path, read, fileProblems));
    });
    const loaded = this.#opts.paths.flatMap((p) => this.#files.get(p) ?? []);
    const desired = buildDesiredState([...this.#builtIns, ...loaded.flatMap((f) => f.documents)]);
    const problems = [
      ...this.#builtInProblems,
      ...fileProblems,
      ...loaded.flatMap((f) => f.problems),
      ...desired.problems,
    ];
    this.#report(problems, loaded.flatMap((f) => f.warnings));
    const ready = files.every((f) => f.state !== "not-loaded");
    const updates = ready ? this.#publish(desired.entries) : 0;
    const report = { files, status: this.#status ?? "wait-for-datastore", updates, problems };
    this.#logReload(report);
    this.#opts.onReload?.(report);
  }

  #logReload(r: ReloadReport): void {
    const quiet = r.updates === 0 && r.files.every((f) => f.state === "unchanged");
    const fields = {
      status: r.status,
      updates: r.updates,
      problems: r.problems.length,
      files: r.files.map((f) =>
        `${f.path} (${f.state}, ${f.documents} document${f.documents === 1 ? "" : "s"})`
      ),
    };
    if (quiet) this.#opts.log?.debug("Reloaded datastore files: no change", fields);
    else this.#opts.log?.info("Reloaded datastore files", fields);
  }

  #refreshFile(path: string, read: TextRead, problems: ParseError[]): FileReport {
    const good = this.#files.get(path);
    if (read.ok && good?.text === read.text) {
      return { path, state: "unchanged", documents: good.documents.length };
    }
    const load = read.ok ? loadFileText(path, read.text, this.#opts.convert) : read;
    if (load.ok) {
      this.#files.set(path, load.file);
      return { path, state: "loaded", documents: load.file.documents.length };
    }
    const midWrite = read.ok ? "; treating it as a write in progress" : "";
    const action = good === undefined
      ? "; waiting for it before the first sync"
      : "; keeping its last good state";
    const reason = load.reason.charAt(0).toUpperCase() + load.reason.slice(1);
    problems.push({ source: path, message: `${reason}${midWrite}${action}` });
    return good === undefined
      ? { path, state: "not-loaded", documents: 0 }
      : { path, state: "kept-last-good", documents: good.documents.length };
  }

  /** Report problems and warnings not reported by the previous reload. */
  #report(problems: readonly ParseError[], warnings: readonly ParseError[]): void {
    const now = new Set<string>();
    for (
      const [list, send] of [
        [problems, this.#cb.onParseError],
        [warnings, this.#cb.onWarning],
      ] as const
    ) {
      for (const p of list) {
        const key = problemKey(p);
        if (!this.#reported.has(key) && !now.has(key) && !this.#stopped) send?.call(this.#cb, p);
        now.add(key);
      }
    }
    this.#reported = now;
  }

  /** Send the difference to `desired`; the first time, wrapped in resync/in-sync. */
  #publish(desired: ReadonlyMap<string, KVUpdate>): number {
    const updates = diffStates(this.#current, desired);
    this.#current = desired;
    const first = this.#status !== "in-sync";
    if (first) this.#setStatus("resync-in-progress");
    for (const batch of toBatches(updates)) {
      if (!this.#stopped) this.#cb.onUpdates(batch);
    }
    if (first) this.#setStatus("in-sync");
    return updates.length;
  }

  #setStatus(status: SyncStatus): void {
    this.#status = status;
    if (!this.#stopped) this.#cb.onStatusUpdated(status);
  }
}
