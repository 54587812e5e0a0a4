/**
 * The datastore stage's public face: the syncer contract, the file syncer, the resource
 * converter, and {@linkcode createSyncer}, which picks a syncer by datastore type. The etcd and
 * Kubernetes syncers are not re-exported: importing them would load their npm clients.
 *
 * @module
 */
import type { DatastoreType } from "../config/datastore_type.ts";
import type { Log } from "../lib/log.ts";
import type { DocumentConverter } from "./document_converter.ts";
import type { EtcdConnection } from "./etcd_client.ts";
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
export type { EtcdConnection } from "./etcd_client.ts";
export { etcdConnectionFromConfig } from "./etcd_config.ts";

/** Options of {@linkcode createSyncer}. */
export interface CreateSyncerOptions {
  readonly datastoreType: DatastoreType;
  /** The files of the `file` datastore (`DatastoreFile`), in load order. */
  readonly files?: readonly string[];
  /** The `etcdv3` datastore's servers and credentials (see `etcdConnectionFromConfig`). */
  readonly etcd?: EtcdConnection;
  /** The `kubernetes` datastore's kubeconfig and API group; default from the environment. */
  readonly kubernetes?: KubernetesOptions;
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

/** The Kubernetes datastore's connection options. */
export interface KubernetesOptions {
  /** A kubeconfig path (or `:`-separated list); default `KUBECONFIG` or in-cluster. */
  readonly kubeconfig?: string;
  readonly apiGroup?: "crd.projectcalico.org/v1" | "projectcalico.org/v3";
  /**
   * Where `KUBECONFIG`, `K8S_*`, `CALICO_API_GROUP` and their `CALICO_` spellings are looked up;
   * default `Deno.env.get`.
   */
  readonly env?: (name: string) => string | undefined;
}

function fileSyncer(opts: CreateSyncerOptions, convert: DocumentConverter): Syncer {
  const paths = opts.files ?? [];
  if (paths.length === 0) {
    throw new TypeError(
      `Cannot create the file datastore without a file: set DatastoreFile (or --datastore-file)`,
    );
  }
  return new FileSyncer({
    paths,
    convert,
    callbacks: opts.callbacks,
    ...(opts.log === undefined ? {} : { log: opts.log }),
    ...opts.fileOptions,
  });
}

/** Loads npm:etcd3 only now: a file or Kubernetes agent never pays for it. */
async function etcdSyncer(opts: CreateSyncerOptions, convert: DocumentConverter): Promise<Syncer> {
  if (opts.etcd === undefined || opts.etcd.endpoints.length === 0) {
    throw new TypeError(
      `Cannot create the etcdv3 datastore without an endpoint: set EtcdEndpoints (or EtcdAddr ` +
        `and EtcdScheme, or ETCD_ENDPOINTS)`,
    );
  }
  const { EtcdSyncer } = await import("./etcd_syncer.ts");
  return new EtcdSyncer({
    ...opts.etcd,
    convert,
    callbacks: opts.callbacks,
    ...(opts.log === undefined ? {} : { log: opts.log }),
  });
}

/** Loads npm:@kubernetes/client-node only now: a file or etcd agent never pays for it. */
async function kubernetesSyncer(
  opts: CreateSyncerOptions,
  convert: DocumentConverter,
): Promise<Syncer> {
  const { KubernetesSyncer } = await import("./kubernetes_syncer.ts");
  const k = opts.kubernetes ?? {};
  return new KubernetesSyncer({
    convert,
    callbacks: opts.callbacks,
    ...(opts.log === undefined ? {} : { log: opts.log }),
    ...(k.kubeconfig === undefined ? {} : { kubeconfig: k.kubeconfig }),
    ...(k.apiGroup === undefined ? {} : { apiGroup: k.apiGroup }),
    ...(k.env === undefined ? {} : { env: k.env }),
  });
}

/**
 * A syncer for `datastoreType`, with the real converter. The etcd syncer (and npm:etcd3) is
 * loaded on first use. `file` needs at least one path in `files`, `etcdv3` an endpoint in
 * `etcd`; both reject with a `TypeError` otherwise. The Kubernetes syncer (and its client) is
 * loaded on first use too; it finds its configuration when started (kubeconfig or in-cluster).
 */
export async function createSyncer(opts: CreateSyncerOptions): Promise<Syncer> {
  const convert = createResourceConverter(
    opts.interfacePrefix === undefined ? {} : { interfacePrefix: opts.interfacePrefix },
  );
  switch (opts.datastoreType) {
    case "file":
      return fileSyncer(opts, convert);
    case "etcdv3":
      return await etcdSyncer(opts, convert);
    case "kubernetes":
      return await kubernetesSyncer(opts, convert);
  }
}
