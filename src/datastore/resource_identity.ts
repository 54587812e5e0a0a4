/**
 * The identity of a raw resource document (API family, kind, namespace, name), read before
 * decoding so duplicates can be found even when a document fails to decode.
 *
 * Calico kinds are one family whatever their group (`projectcalico.org/v3` and the CRD group
 * `crd.projectcalico.org/v1` store the same objects); Kubernetes kinds are told apart by group, so a
 * `networking.k8s.io/v1` NetworkPolicy and a Calico NetworkPolicy of the same name are different.
 *
 * A namespaced kind written without a namespace is in `default`, as the decoder (and the API
 * server) put it.
 *
 * @module
 */
import { lookupKind } from "../model/json_kinds.ts";
import { isJsonObject } from "../model/json_reader.ts";
import { describeResource } from "../model/resource_error.ts";
import type { ParseError } from "./syncer.ts";

/** Who a document says it is. */
export interface ResourceIdentity {
  /** `calico` for any `*projectcalico.org` group, else the API group (`""` for core `v1`). */
  readonly family: string;
  readonly kind: string;
  /** `""` for cluster-scoped kinds; `default` for a namespaced kind written without one. */
  readonly namespace: string;
  readonly name: string;
}

function field(obj: unknown, key: string): unknown {
  return isJsonObject(obj) ? obj[key] : undefined;
}

function familyOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  return group === "projectcalico.org" || group.endsWith(".projectcalico.org") ? "calico" : group;
}

/** The identity of a raw document, or undefined when it has no string kind and name. */
export function identityOf(doc: unknown): ResourceIdentity | undefined {
  const kind = field(doc, "kind");
  const apiVersion = field(doc, "apiVersion");
  const metadata = field(doc, "metadata");
  const name = field(metadata, "name");
  const namespace = field(metadata, "namespace");
  if (typeof kind !== "string" || typeof name !== "string" || name === "") return undefined;
  const version = typeof apiVersion === "string" ? apiVersion : "";
  const namespaced = lookupKind(version, kind)?.namespaced === true;
  const given = typeof namespace === "string" ? namespace : "";
  return {
    family: familyOf(version),
    kind,
    namespace: given === "" && namespaced ? "default" : given,
    name,
  };
}

/** A map key for an identity. */
export function identityKey(id: ResourceIdentity): string {
  return `${id.family}\u0000${id.kind}\u0000${id.namespace}\u0000${id.name}`;
}

/** `IPPool "pool-a"` or `Pod "frontend/web-1"`. */
export function describeIdentity(id: ResourceIdentity): string {
  return describeResource({ kind: id.kind, name: id.name, namespace: id.namespace || undefined });
}

/**
 * Key kinds whose key depends on the value (IP pool CIDR, host endpoint node, network set), so
 * different v3 objects may collide on one key: the alphabetically-first v3 name wins, as
 * upstream's conflict-resolving processors have it.
 */
export const CONFLICT_RESOLVED_KINDS: ReadonlySet<string> = new Set([
  "IPPool",
  "HostEndpoint",
  "NetworkSet",
]);

/** Something stored or loaded: where it came from and, when readable, who it says it is. */
export interface Owner {
  readonly source: string;
  readonly identity?: ResourceIdentity | undefined;
}

/** `IPPool "pool-a"`, or "the resource" when the identity is unknown. */
export function describeOwner(owner: Owner): string {
  return owner.identity === undefined ? "the resource" : describeIdentity(owner.identity);
}

/** A problem about `owner`, with its identity's kind, namespace and name when known. */
export function problemOf(owner: Owner, message: string): ParseError {
  const id = owner.identity;
  if (id === undefined) return { source: owner.source, message };
  const ns = id.namespace === "" ? {} : { namespace: id.namespace };
  return { source: owner.source, kind: id.kind, name: id.name, ...ns, message };
}
