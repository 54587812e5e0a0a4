/**
 * Decoding and validating one stored object: untrusted JSON in, a typed Calico resource or
 * Kubernetes object out (the types of `v3_policy.ts`, `v3_resources.ts`, `k8s.ts`), or a
 * `ResourceError` listing every problem found.
 *
 * - The kind comes from `apiVersion` + `kind` (see `json_kinds.ts`); Kubernetes kinds that share
 *   a name with a Calico kind decode to `KubernetesNetworkPolicy`, `KubernetesNode`, ...
 * - Namespaced kinds without `metadata.namespace` get `default`; a cluster-scoped kind with a
 *   namespace is an error.
 * - Unknown fields of Calico kinds are warnings; those of Kubernetes objects are ignored.
 * - The only normalisation is of protocols (`"tcp"` -> `"TCP"`, `"6"` -> `6`); everything else
 *   is kept as written (masking CIDRs, defaulting tiers and types belong to the conversions).
 *
 * @module
 */
import { describeResource, formatProblem, ResourceError } from "./resource_error.ts";
import type { FieldProblem, ResourceIdentity } from "./resource_error.ts";
import {
  DecodeContext,
  isJsonObject,
  type JsonObject,
  MISSING,
  type ObjectDecoder,
  ObjectReader,
  typeMismatch,
} from "./json_reader.ts";
import {
  type DecodedKind,
  type DecodedObject,
  isKnownApiVersion,
  type KindInfo,
  lookupKind,
} from "./json_kinds.ts";
import type { ObjectMeta } from "./object_meta.ts";
import { opt } from "./json_build.ts";
import { decodeMeta } from "./validate_meta.ts";
import {
  decodeGlobalNetworkPolicySpec,
  decodeNetworkPolicySpec,
  decodeProfileSpec,
  decodeStagedGlobalNetworkPolicySpec,
  decodeStagedNetworkPolicySpec,
  decodeTierSpec,
} from "./validate_policy.ts";
import { decodeHostEndpointSpec, decodeWorkloadEndpointSpec } from "./validate_endpoints.ts";
import {
  decodeClusterInformationSpec,
  decodeFelixConfigurationSpec,
  decodeIPAMBlockSpec,
  decodeIPPoolSpec,
  decodeNetworkSetSpec,
  decodeNodeSpec,
  decodeNodeStatus,
} from "./validate_resources.ts";
import {
  decodeKubernetesEndpointSlice,
  decodeKubernetesNode,
  decodeKubernetesService,
  decodePod,
} from "./validate_k8s.ts";
import { decodeKubernetesNetworkPolicy } from "./validate_k8s_policy.ts";

/** The outcome of `decodeObject`. Warnings read `Kind "name": field: unknown field, ignored`. */
export type DecodeResult =
  | { readonly ok: true; readonly object: DecodedObject; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: ResourceError };

type Decoder<K extends DecodedKind> = (
  top: ObjectReader,
  metadata: ObjectMeta,
) => Extract<DecodedObject, { kind: K }>;

/** A kind that is `metadata` + `spec` (an absent spec decodes as `{}`). */
function withSpec<K extends DecodedKind, S>(kind: K, decodeSpec: ObjectDecoder<S>) {
  return (top: ObjectReader, metadata: ObjectMeta) => ({
    kind,
    metadata,
    spec: top.objectOrEmpty("spec", decodeSpec),
  });
}

const NAMESPACE_LABEL = "projectcalico.org/namespace";

/** Network sets may not carry the label Calico derives from the namespace. */
function networkSet<K extends "NetworkSet" | "GlobalNetworkSet">(kind: K) {
  const decode = withSpec(kind, decodeNetworkSetSpec);
  return (top: ObjectReader, metadata: ObjectMeta) => {
    if (metadata.labels?.[NAMESPACE_LABEL] !== undefined) {
      top.ctx.error(
        `metadata.labels[${JSON.stringify(NAMESPACE_LABEL)}]`,
        `${JSON.stringify(NAMESPACE_LABEL)} is reserved: Calico sets it from the namespace`,
      );
    }
    return decode(top, metadata);
  };
}

const DECODERS: { readonly [K in DecodedKind]: Decoder<K> } = {
  NetworkPolicy: withSpec("NetworkPolicy", decodeNetworkPolicySpec),
  GlobalNetworkPolicy: withSpec("GlobalNetworkPolicy", decodeGlobalNetworkPolicySpec),
  StagedNetworkPolicy: withSpec("StagedNetworkPolicy", decodeStagedNetworkPolicySpec),
  StagedGlobalNetworkPolicy: withSpec(
    "StagedGlobalNetworkPolicy",
    decodeStagedGlobalNetworkPolicySpec,
  ),
  Tier: withSpec("Tier", decodeTierSpec),
  Profile: withSpec("Profile", decodeProfileSpec),
  GlobalNetworkSet: networkSet("GlobalNetworkSet"),
  NetworkSet: networkSet("NetworkSet"),
  HostEndpoint: withSpec("HostEndpoint", decodeHostEndpointSpec),
  WorkloadEndpoint: withSpec("WorkloadEndpoint", decodeWorkloadEndpointSpec),
  IPPool: withSpec("IPPool", decodeIPPoolSpec),
  FelixConfiguration: withSpec("FelixConfiguration", decodeFelixConfigurationSpec),
  ClusterInformation: withSpec("ClusterInformation", decodeClusterInformationSpec),
  Node: (top, metadata) => ({
    ...withSpec("Node", decodeNodeSpec)(top, metadata),
    ...opt("status", top.object("status", decodeNodeStatus)),
  }),
  IPAMBlock: withSpec("IPAMBlock", decodeIPAMBlockSpec),
  Pod: decodePod,
  Namespace: (_top, metadata) => ({ kind: "Namespace", metadata }),
  ServiceAccount: (_top, metadata) => ({ kind: "ServiceAccount", metadata }),
  KubernetesNode: decodeKubernetesNode,
  KubernetesService: decodeKubernetesService,
  KubernetesNetworkPolicy: decodeKubernetesNetworkPolicy,
  KubernetesEndpointSlice: decodeKubernetesEndpointSlice,
};

function failure(id: ResourceIdentity, problems: readonly FieldProblem[]): DecodeResult {
  return { ok: false, error: new ResourceError(id, problems) };
}

/** Best-effort identity of an object whose kind is unknown, for the error message. */
function rawIdentity(raw: JsonObject): ResourceIdentity {
  const meta = isJsonObject(raw["metadata"]) ? raw["metadata"] : {};
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  return {
    kind: str(raw["kind"]) ?? "",
    name: str(meta["name"]),
    namespace: str(meta["namespace"]),
  };
}

/** Why `apiVersion` + `kind` name no known kind. */
function identityProblem(apiVersion: unknown, kind: unknown): FieldProblem {
  if (apiVersion === undefined || apiVersion === null || apiVersion === "") {
    return { field: "apiVersion", reason: MISSING };
  }
  if (typeof apiVersion !== "string") {
    return { field: "apiVersion", reason: typeMismatch("a string", apiVersion) };
  }
  if (!isKnownApiVersion(apiVersion)) {
    return {
      field: "apiVersion",
      reason: `${JSON.stringify(apiVersion)} is not a known apiVersion`,
    };
  }
  if (kind === undefined || kind === null || kind === "") return { field: "kind", reason: MISSING };
  if (typeof kind !== "string") return { field: "kind", reason: typeMismatch("a string", kind) };
  return {
    field: "kind",
    reason: `${JSON.stringify(kind)} is not a known kind in apiVersion ${
      JSON.stringify(apiVersion)
    }`,
  };
}

function decodeKnown(info: KindInfo, raw: JsonObject): DecodeResult {
  const ctx = new DecodeContext(info.calico);
  const top = new ObjectReader(ctx, "", raw);
  top.ignore("apiVersion", "kind");
  const metadata = top.objectOrEmpty("metadata", (r) => decodeMeta(r, info));
  const object: DecodedObject = DECODERS[info.kind](top, metadata);
  top.finish();
  const id: ResourceIdentity = {
    kind: info.kind,
    name: metadata.name === "" ? undefined : metadata.name,
    namespace: metadata.namespace,
  };
  if (ctx.problems.length > 0) return failure(id, ctx.problems);
  const prefix = describeResource(id);
  return { ok: true, object, warnings: ctx.warnings.map((w) => `${prefix}: ${formatProblem(w)}`) };
}

/**
 * Decodes and validates one object (parsed JSON or YAML). Never throws for bad input: every
 * problem of the object is in the returned `ResourceError`. The result shares nothing with
 * `raw`, so `raw` may be reused afterwards.
 */
export function decodeObject(raw: unknown): DecodeResult {
  if (!isJsonObject(raw)) {
    return failure({ kind: "" }, [{ field: "", reason: typeMismatch("an object", raw) }]);
  }
  const apiVersion = raw["apiVersion"];
  const kind = raw["kind"];
  const info = typeof apiVersion === "string" && typeof kind === "string"
    ? lookupKind(apiVersion, kind)
    : undefined;
  if (info === undefined) return failure(rawIdentity(raw), [identityProblem(apiVersion, kind)]);
  return decodeKnown(info, raw);
}
