/**
 * The datastore stage's public face: the syncer contract, the file syncer, the resource
 * converter, and {@linkcode createSyncer}, which picks a syncer by datastore type.
 *
 * @module
 */
import type { DatastoreType } from "../config/datastore_type.ts";
import type { Log } from "../lib/log.ts";
import { FileSyncer, type FileSyncerOptions } from "./file_syncer.ts";
import { createResourceConverter } from "./resource_converter.ts";
import type { Syncer, SyncerCallbacks } from "./syncer.ts";

export type { ParseError, Syncer, SyncerCallbacks, SyncStatus } from "./syncer.ts";
export type { Conversion, ConversionError, DocumentConverter } from "./document_converter.ts";
export { FileSyncer } from "./file_syncer.ts";
export type { FileReport, FileState, FileSyncerOptions, ReloadReport } from "./file_syncer.ts";
export { createResourceConverter } from "./resource_converter.ts";
export type { ResourceConverterOptions } from "./resource_converter.ts";
export { BUILT_IN_DOCUMENTS } from "./built_ins.ts";
export { MAX_BATCH_SIZE } from "./kv_diff.ts";

/** Options of {@linkcode createSyncer}. */
export interface CreateSyncerOptions {
  readonly datastoreType: DatastoreType;
  /** The files of the `file` datastore (`DatastoreFile`), in load order. */
  readonly files?: readonly string[];
  readonly callbacks: SyncerCallbacks;
  /** Felix's `InterfacePrefix` (the first entry names pod interfaces); default `cali`. */
  readonly interfacePrefix?: string;
  readonly log?: Log;
  /** File syncer tuning (tests, `--once`). */
  readonly fileOptions?: Pick<
    FileSyncerOptions,
    "debounceMs" | "pollIntervalMs" | "watch" | "onReload"
  >;
}

/** A datastore type this build cannot sync from yet. */
export class UnsupportedDatastoreError extends Error {
  readonly datastoreType: DatastoreType;

  constructor(datastoreType: DatastoreType) {
    super(
      `Cannot sync from datastore type "${datastoreType}": it is not supported yet; use ` +
        `DatastoreType "file" with DatastoreFile (or --datastore-file)`,
    );
    this.name = "UnsupportedDatastoreError";
    this.datastoreType = datastoreType;
  }
}

/**
 * A syncer for `datastoreType`. Only `file` exists so far; `kubernetes` and `etcdv3` throw
 * {@linkcode UnsupportedDatastoreError}. `file` needs at least one path in `files`.
 */
export function createSyncer(opts: CreateSyncerOptions): Syncer {
  switch (opts.datastoreType) {
    case "file": {
      const paths = opts.files ?? [];
      if (paths.length === 0) {
        throw new TypeError(
          `Cannot create the file datastore without a file: set DatastoreFile (or --datastore-file)`,
        );
      }
      return new FileSyncer({
        paths,
        convert: createResourceConverter(
          opts.interfacePrefix === undefined ? {} : { interfacePrefix: opts.interfacePrefix },
        ),
        callbacks: opts.callbacks,
        ...(opts.log === undefined ? {} : { log: opts.log }),
        ...opts.fileOptions,
      });
    }
    case "kubernetes":
    case "etcdv3":
      throw new UnsupportedDatastoreError(opts.datastoreType);
  }
}
