/**
 * Resource texts and the values the fake converter makes of them, for the file syncer tests, and
 * the ways those tests run a syncer: once until settled, watched until in sync, or through the
 * datastore factory with the real converter.
 */
import { join } from "node:path";
import { FileSyncer, type FileSyncerOptions } from "../../src/datastore/file_syncer.ts";
import { createSyncer } from "../../src/datastore/mod.ts";
import type { Syncer } from "../../src/datastore/syncer.ts";
import { fakeConvert } from "./fake_converter.ts";
import { type SyncEvent, SyncRecorder, view } from "./sync_recorder.ts";

/** An IPPool document. */
export function poolDoc(name: string, cidr: string, natOutgoing = false): string {
  return `apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: ${name}
spec:
  cidr: ${cidr}
  natOutgoing: ${natOutgoing}
`;
}

/** A GlobalNetworkSet document. */
export function setDoc(name: string, nets: readonly string[]): string {
  return `apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata:
  name: ${name}
spec:
  nets: [${nets.join(", ")}]
`;
}

/** A Tier document. */
export function tierDoc(name: string, order: number): string {
  return `apiVersion: projectcalico.org/v3
kind: Tier
metadata:
  name: ${name}
spec:
  order: ${order}
`;
}

/** Documents joined into one multi-document YAML text. */
export function docs(...texts: readonly string[]): string {
  return texts.join("---\n");
}

/** The pair the fake converter makes of `poolDoc`. */
export function poolPair(cidr: string, natOutgoing = false): [string, unknown] {
  return [`/calico/v1/ipam/v4/pool/${cidr.replace("/", "-")}`, {
    cidr,
    ipipInterface: "",
    ipipMode: "never",
    vxlanMode: "never",
    masquerade: natOutgoing,
    ipam: true,
    disabled: false,
    disableBGPExport: false,
    assignmentMode: "Automatic",
    allowedUses: [],
  }];
}

/** The pair the fake converter makes of `setDoc`. */
export function setPair(name: string, nets: readonly string[]): [string, unknown] {
  return [`/calico/v1/netset/${name}`, { nets, labels: {}, profileIds: [] }];
}

/** The pair the fake converter makes of `tierDoc`. */
export function tierPair(name: string, order: number, action = "Deny"): [string, unknown] {
  return [`/calico/v1/policy/tier/${name}/metadata`, { order, defaultAction: action }];
}

/** A syncer on `paths` reporting to `rec`, with no built-ins and test-friendly timings. */
export function syncerFor(
  paths: readonly string[],
  rec: SyncRecorder,
  extra: Partial<FileSyncerOptions> = {},
): FileSyncer {
  return new FileSyncer({
    paths,
    convert: fakeConvert,
    callbacks: rec.callbacks,
    onReload: rec.onReload,
    builtIns: [],
    debounceMs: 50,
    pollIntervalMs: 500,
    ...extra,
  });
}

/**
 * Write `files` (name -> text) into `dir`, load them once (no watching) until in sync, and
 * return the compact view of every event, with `dir` replaced by `<dir>`.
 */
export async function loadOnce(
  dir: string,
  files: Readonly<Record<string, string>>,
  extra: Partial<FileSyncerOptions> = {},
): Promise<unknown[]> {
  return redact(view((await loadRecorded(dir, files, extra)).events), dir);
}

/** As `loadOnce`, but returns the recorder itself. */
export async function loadRecorded(
  dir: string,
  files: Readonly<Record<string, string>>,
  extra: Partial<FileSyncerOptions> = {},
): Promise<SyncRecorder> {
  const paths = Object.keys(files).map((name) => join(dir, name));
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, name), text);
  const rec = new SyncRecorder();
  await runOnce(syncerFor(paths, rec, { watch: false, pollIntervalMs: 0, ...extra }));
  return rec;
}

/** Starts `syncer`, waits until it has settled, and stops it (also when that fails). */
export async function runOnce(syncer: FileSyncer): Promise<void> {
  try {
    await syncer.start();
    await syncer.settled();
  } finally {
    await syncer.stop();
  }
}

/**
 * Writes `text` to `path`, starts a watching syncer on it (see `syncerFor`) and, once `rec` has
 * seen in-sync, runs `body` with the recorder; the syncer is stopped afterwards, also on failure.
 */
export async function withSyncedFile(
  path: string,
  text: string,
  body: (rec: SyncRecorder) => Promise<void>,
  extra: Partial<FileSyncerOptions> = {},
): Promise<void> {
  await Deno.writeTextFile(path, text);
  const rec = new SyncRecorder();
  await untilSynced(syncerFor([path], rec, extra), rec, () => body(rec));
}

/**
 * Loads `files` once through the datastore factory (the real converter, no watching) until in
 * sync, and returns the recorder.
 */
export async function loadWithFactory(files: readonly string[]): Promise<SyncRecorder> {
  const rec = new SyncRecorder();
  const syncer = await createSyncer({
    datastoreType: "file",
    files,
    callbacks: rec.callbacks,
    fileOptions: { watch: false, pollIntervalMs: 0, onReload: rec.onReload },
  });
  await untilSynced(syncer, rec, () => Promise.resolve());
  return rec;
}

async function untilSynced(
  syncer: Syncer,
  rec: SyncRecorder,
  body: () => Promise<void>,
): Promise<void> {
  try {
    const synced = rec.nextStatus("in-sync");
    await syncer.start();
    await synced;
    await body();
  } finally {
    await syncer.stop();
  }
}

/** Replace `dir` in every string of a view with `<dir>`. */
export function redact(v: unknown[], dir: string): unknown[] {
  return JSON.parse(JSON.stringify(v).replaceAll(dir, "<dir>"));
}

export type { SyncEvent };
