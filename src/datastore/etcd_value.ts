/**
 * An etcd value as the raw document the converter reads (datastore-config.md §3.3).
 *
 * v3 resources are stored as the JSON of the whole object; the key is authoritative for the kind,
 * namespace and name (a policy's v3 name may come from its `projectcalico.org/metadata`
 * annotation, §2.2, which is stripped), and the key's mod revision becomes
 * `metadata.resourceVersion`. IPAM blocks are stored as bare AllocationBlock JSON and become
 * `crd.projectcalico.org/v1` IPAMBlock objects named as the Kubernetes datastore names them.
 *
 * @module
 */
import { normaliseCIDR } from "../lib/ip.ts";
import type { EtcdKeyInfo } from "./etcd_keys.ts";
import type { ReadResult } from "./watch_cache.ts";
import { METADATA_ANNOTATION, v3PolicyName } from "./v3_metadata.ts";
import { isJsonObject } from "../model/json_reader.ts";

type Json = Record<string, unknown>;

const POLICY_KINDS: ReadonlySet<string> = new Set([
  "NetworkPolicy",
  "GlobalNetworkPolicy",
  "StagedNetworkPolicy",
  "StagedGlobalNetworkPolicy",
]);

const decoder = new TextDecoder("utf-8", { fatal: true });

function fail(message: string): ReadResult {
  return { ok: false, message };
}

/** The JSON object in `value`, or why there is none. */
function parseObject(key: string, value: Uint8Array): { ok: true; obj: Json } | ReadResult {
  let text: string;
  try {
    text = decoder.decode(value);
  } catch {
    return fail(`Cannot read etcd key "${key}": the value is not valid UTF-8`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return fail(`Cannot read etcd key "${key}": the value is not valid JSON (${reason})`);
  }
  if (!isJsonObject(parsed)) {
    return fail(`Cannot read etcd key "${key}": the value is not a JSON object`);
  }
  return { ok: true, obj: parsed };
}

/** The name in a policy's metadata annotation (unparsable annotations are ignored). */
function annotatedName(annotations: Json): unknown {
  const text = annotations[METADATA_ANNOTATION];
  if (typeof text !== "string") return undefined;
  try {
    const meta: unknown = JSON.parse(text);
    return isJsonObject(meta) ? meta["name"] : undefined;
  } catch {
    return undefined;
  }
}

function resourceDoc(
  key: string,
  info: Extract<EtcdKeyInfo, { type: "resource" }>,
  obj: Json,
  modRevision: string,
): ReadResult {
  const { kind } = info.resource;
  if (obj.kind !== undefined && obj.kind !== kind) {
    return fail(
      `Cannot read etcd key "${key}": the value has kind ${JSON.stringify(obj.kind)} but the ` +
        `key is under "${info.resource.plural}" (kind ${kind})`,
    );
  }
  if (obj.metadata !== undefined && !isJsonObject(obj.metadata)) {
    return fail(`Cannot read etcd key "${key}": metadata is not a JSON object`);
  }
  const meta: Json = { ...obj.metadata };
  const annotations: Json = isJsonObject(meta.annotations) ? { ...meta.annotations } : {};
  const name = POLICY_KINDS.has(kind)
    ? v3PolicyName(info.name, obj.spec, annotatedName(annotations))
    : info.name;
  if (METADATA_ANNOTATION in annotations) {
    delete annotations[METADATA_ANNOTATION];
    if (Object.keys(annotations).length === 0) delete meta.annotations;
    else meta.annotations = annotations;
  }
  meta.name = name;
  if (info.namespace !== undefined) meta.namespace = info.namespace;
  meta.resourceVersion = modRevision;
  return {
    ok: true,
    doc: { ...obj, apiVersion: obj.apiVersion ?? "projectcalico.org/v3", kind, metadata: meta },
  };
}

/** `10.0.0.0/26` -> `10-0-0-0-26`, as the Kubernetes datastore names IPAMBlocks. */
function blockName(cidr: string): string {
  const name = cidr.toLowerCase().replace(/[.:/]/g, "-");
  return name.startsWith("-") ? `0${name}` : name;
}

function blockDoc(key: string, cidr: string, obj: Json, modRevision: string): ReadResult {
  const spec: Json = {};
  for (const [k, v] of Object.entries(obj)) if (v !== null) spec[k] = v;
  const stored = typeof spec.cidr === "string" ? normaliseCIDR(spec.cidr) : undefined;
  if (spec.cidr !== undefined && stored !== normaliseCIDR(cidr)) {
    return fail(
      `Cannot read etcd key "${key}": the block's cidr ${JSON.stringify(spec.cidr)} does not ` +
        `match the key's "${cidr}"`,
    );
  }
  spec.cidr ??= cidr;
  return {
    ok: true,
    doc: {
      apiVersion: "crd.projectcalico.org/v1",
      kind: "IPAMBlock",
      metadata: { name: blockName(cidr), resourceVersion: modRevision },
      spec,
    },
  };
}

/** The raw document stored at `key` (a resource or block key), or why it cannot be read. */
export function readEtcdValue(
  key: string,
  info: Extract<EtcdKeyInfo, { type: "resource" | "block" }>,
  value: Uint8Array,
  modRevision: string,
): ReadResult {
  const parsed = parseObject(key, value);
  if (!("obj" in parsed)) return parsed;
  return info.type === "resource"
    ? resourceDoc(key, info, parsed.obj, modRevision)
    : blockDoc(key, info.cidr, parsed.obj, modRevision);
}
