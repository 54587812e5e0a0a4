/**
 * From an object as the Kubernetes API returns it to the document the converter takes: the
 * `apiVersion` and `kind` set from the resource type (list items of built-in kinds carry neither),
 * and, for Calico custom resources in `crd.projectcalico.org/v1`, the v3 metadata rebuilt the way
 * Calico's own clients read it:
 *
 * - the v3 ObjectMeta is stored as JSON in the annotation `projectcalico.org/metadata`; labels are
 *   the CR's overlaid with the stored ones, annotations the CR's (without that one) overlaid with
 *   the stored ones, creationTimestamp and generateName the stored ones when present;
 * - the UID is never passed through: every byte of the UUID except bytes 6 and 8 (version and
 *   variant) has its bits reversed; a UID that is not a UUID is left out;
 * - the four policy kinds take their name from the stored metadata; without one, a policy in the
 *   default tier (or none) has a leading `default.` stripped from the CR name (how releases before
 *   3.30 stored it); policies in other tiers keep the CR name.
 *
 * Also the object's source and {@linkcode CacheItem} for the shared `WatchCache`.
 *
 * @module
 */
import { CRD_GROUP, type KubeResourceType } from "./kubernetes_resources.ts";
import type { CacheItem } from "./watch_cache.ts";
import { METADATA_ANNOTATION, v3PolicyName } from "./v3_metadata.ts";
import { isJsonObject } from "../model/json_reader.ts";
import { describeResource } from "../model/resource_error.ts";

type JsonRecord = Record<string, unknown>;

/** An object ready for the converter, or why it cannot be used. */
export type PreparedObject =
  | { readonly ok: true; readonly doc: JsonRecord; readonly identity: ObjectIdentity }
  | { readonly ok: false; readonly message: string; readonly identity?: ObjectIdentity };

/** Namespace (empty for cluster-scoped objects) and name, as the API server returned them. */
export interface ObjectIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
}

/** The identity of a raw object, if it has a `metadata.name`. */
export function objectIdentity(raw: unknown): ObjectIdentity | undefined {
  const meta = isJsonObject(raw) ? raw["metadata"] : undefined;
  if (!isJsonObject(meta) || typeof meta["name"] !== "string" || meta["name"] === "") {
    return undefined;
  }
  const ns = meta["namespace"];
  const rv = meta["resourceVersion"];
  return {
    namespace: typeof ns === "string" ? ns : "",
    name: meta["name"],
    resourceVersion: typeof rv === "string" ? rv : "",
  };
}

function reverseBits(b: number): number {
  let out = 0;
  for (let i = 0; i < 8; i++) out |= ((b >> i) & 1) << (7 - i);
  return out;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The v3 UID of a CR UID (and back: the transform is its own inverse): the bits of every byte
 * reversed except bytes 6 and 8. `undefined` when `uid` is not a UUID.
 */
export function convertUid(uid: string): string | undefined {
  if (!UUID_RE.test(uid)) return undefined;
  const hex = uid.replaceAll("-", "").toLowerCase();
  const bytes = Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  const out = bytes.map((b, i) => (i === 6 || i === 8 ? b : reverseBits(b)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  return [out.slice(0, 8), out.slice(8, 12), out.slice(12, 16), out.slice(16, 20), out.slice(20)]
    .join("-");
}

function readStoredMeta(
  annotations: unknown,
  subject: string,
): { ok: true; stored: JsonRecord } | { ok: false; message: string } {
  const text = isJsonObject(annotations) ? annotations[METADATA_ANNOTATION] : undefined;
  if (text === undefined) return { ok: true, stored: {} };
  const where = `${subject}: metadata.annotations[${JSON.stringify(METADATA_ANNOTATION)}]`;
  if (typeof text !== "string") return { ok: false, message: `${where}: expected a string` };
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `${where}: cannot parse ${JSON.stringify(text)} as JSON: ${why}` };
  }
  if (!isJsonObject(stored)) {
    return { ok: false, message: `${where}: expected a JSON object, got ${JSON.stringify(text)}` };
  }
  return { ok: true, stored };
}

function overlay(base: unknown, top: unknown, drop?: string): JsonRecord | undefined {
  const out: JsonRecord = {
    ...(isJsonObject(base) ? base : {}),
    ...(isJsonObject(top) ? top : {}),
  };
  if (drop !== undefined) delete out[drop];
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The v3 metadata of a `crd.projectcalico.org/v1` CR; see the module doc. */
function crdMetadata(
  type: KubeResourceType,
  meta: JsonRecord,
  spec: unknown,
  subject: string,
): { ok: true; metadata: JsonRecord } | { ok: false; message: string } {
  const read = readStoredMeta(meta["annotations"], subject);
  if (!read.ok) return read;
  const { stored } = read;
  const crName = String(meta["name"]);
  const name = type.policy ? v3PolicyName(crName, spec, stored["name"]) : crName;
  const uid = typeof meta["uid"] === "string" ? convertUid(meta["uid"]) : undefined;
  const fields: JsonRecord = {
    name,
    namespace: meta["namespace"],
    labels: overlay(meta["labels"], stored["labels"]),
    annotations: overlay(meta["annotations"], stored["annotations"], METADATA_ANNOTATION),
    resourceVersion: meta["resourceVersion"],
    uid,
    creationTimestamp: stored["creationTimestamp"] ?? meta["creationTimestamp"],
    deletionTimestamp: meta["deletionTimestamp"],
    generateName: stored["generateName"] ?? meta["generateName"],
  };
  const metadata = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return { ok: true, metadata };
}

/** Turn an object from the API server into the converter's input; see the module doc. */
export function prepareObject(type: KubeResourceType, raw: unknown): PreparedObject {
  const identity = objectIdentity(raw);
  if (identity === undefined || !isJsonObject(raw)) {
    return { ok: false, message: `${type.kind} from ${type.path} has no metadata.name; skipped` };
  }
  const doc: JsonRecord = { ...raw, apiVersion: type.apiVersion, kind: type.kind };
  if (type.calicoGroup !== CRD_GROUP) return { ok: true, doc, identity };
  const subject = describeResource({
    kind: type.kind,
    name: identity.name,
    namespace: identity.namespace || undefined,
  });
  const meta = crdMetadata(type, raw["metadata"] as JsonRecord, raw["spec"], subject);
  if (!meta.ok) return { ok: false, message: meta.message, identity };
  return { ok: true, doc: { ...doc, metadata: meta.metadata }, identity };
}

/**
 * The cache source of an object: the type's collection path, then `<namespace>/<name>` or
 * `<name>` (e.g. `/api/v1/pods/prod/web-1`). Every source of a type starts with `<path>/`.
 */
export function objectSource(type: KubeResourceType, id: ObjectIdentity): string {
  return `${type.path}/${id.namespace === "" ? "" : `${id.namespace}/`}${id.name}`;
}

/** An object as a {@linkcode CacheItem}, or undefined when it has no `metadata.name`. */
export function cacheItem(type: KubeResourceType, raw: unknown): CacheItem | undefined {
  const id = objectIdentity(raw);
  if (id === undefined) return undefined;
  return {
    source: objectSource(type, id),
    revision: id.resourceVersion,
    read: () => {
      const p = prepareObject(type, raw);
      return p.ok ? { ok: true, doc: p.doc } : { ok: false, message: p.message };
    },
  };
}
