/**
 * Object metadata: names, namespaces, labels and annotations, checked with the Kubernetes rules
 * upstream applies (DNS-1123 names, qualified label keys, label values, a 256 KiB annotation cap)
 * plus Calico's stricter policy and tier names.
 *
 * @module
 */
import type { ObjectMeta } from "./object_meta.ts";
import { opt } from "./json_build.ts";
import { childPath, type DecodeContext, type ObjectReader } from "./json_reader.ts";

const LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN = `${LABEL}(?:\\.${LABEL})*`;
const DNS_LABEL_RE = new RegExp(`^${LABEL}$`);
const DNS_SUBDOMAIN_RE = new RegExp(`^${SUBDOMAIN}$`);
/** Namespaced policies: `name`, `tier.name`, or a converted Kubernetes policy's long name. */
const POLICY_NAME_RE = new RegExp(
  `^(?:${LABEL}(?:\\.${LABEL})?|(?:knp|ossg)\\.default\\.${SUBDOMAIN})$`,
);
/** Global policies: `name` or `tier.name`. */
const GLOBAL_POLICY_NAME_RE = new RegExp(`^(?:${LABEL}\\.)?${LABEL}$`);
const QUALIFIED_PART_RE = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** The longest DNS label (tier names, namespaces, label values, qualified-name parts). */
export const MAX_LABEL_LENGTH = 63;
/** The longest DNS subdomain (most object names). */
export const MAX_SUBDOMAIN_LENGTH = 253;
/** The cap on the total size of an object's annotations (keys plus values, in bytes). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

const LABEL_CHARS = "must consist of lower case alphanumeric characters or '-', " +
  "and start and end with an alphanumeric character";
const SUBDOMAIN_CHARS = "must consist of lower case alphanumeric characters, '-' or '.', " +
  "and start and end with an alphanumeric character";
const QUALIFIED_CHARS = "must consist of alphanumeric characters, '-', '_' or '.', " +
  "and start and end with an alphanumeric character";

/** Why `s` is not a DNS-1123 label, or undefined if it is one. */
export function dnsLabelProblem(s: string): string | undefined {
  if (s.length > MAX_LABEL_LENGTH) return `must be no more than ${MAX_LABEL_LENGTH} characters`;
  return DNS_LABEL_RE.test(s) ? undefined : LABEL_CHARS;
}

/** Why `s` is not a DNS-1123 subdomain, or undefined if it is one. */
export function dnsSubdomainProblem(s: string): string | undefined {
  if (s.length > MAX_SUBDOMAIN_LENGTH) {
    return `must be no more than ${MAX_SUBDOMAIN_LENGTH} characters`;
  }
  return DNS_SUBDOMAIN_RE.test(s) ? undefined : SUBDOMAIN_CHARS;
}

/** Why `s` is not a Kubernetes qualified name (`[prefix/]name`), or undefined. */
export function qualifiedNameProblem(s: string): string | undefined {
  const slash = s.indexOf("/");
  const name = slash < 0 ? s : s.slice(slash + 1);
  if (slash >= 0) {
    const prefix = s.slice(0, slash);
    if (prefix === "") return "prefix part must not be empty";
    const p = dnsSubdomainProblem(prefix);
    if (p !== undefined) return `prefix part ${p}`;
  }
  if (name === "") return "name part must not be empty";
  if (name.length > MAX_LABEL_LENGTH) {
    return `name part must be no more than ${MAX_LABEL_LENGTH} characters`;
  }
  return QUALIFIED_PART_RE.test(name) ? undefined : `name part ${QUALIFIED_CHARS}`;
}

/** Why `s` is not a valid label value (empty is valid), or undefined. */
export function labelValueProblem(s: string): string | undefined {
  if (s === "") return undefined;
  if (s.length > MAX_LABEL_LENGTH) return `must be no more than ${MAX_LABEL_LENGTH} characters`;
  return QUALIFIED_PART_RE.test(s) ? undefined : QUALIFIED_CHARS;
}

const PORT_NAME_CHARS = /^[a-z0-9-]{1,15}$/;

/** Why `s` is not a Kubernetes port name (an IANA service name), or undefined. */
export function portNameProblem(s: string): string | undefined {
  const ok = PORT_NAME_CHARS.test(s) && /[a-z]/.test(s) && !s.includes("--") &&
    !s.startsWith("-") && !s.endsWith("-");
  return ok ? undefined : "must be 1-15 lower case alphanumeric characters or '-', with at " +
    "least one letter, no '--', and no '-' at either end";
}

/** Which naming rule a kind's `metadata.name` follows. */
export type NameRule = "subdomain" | "tier" | "policy" | "globalPolicy";

/** Why `name` breaks `rule`, or undefined. */
export function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case "subdomain":
      return dnsSubdomainProblem(name);
    case "tier":
      return dnsLabelProblem(name);
    case "policy":
    case "globalPolicy": {
      if (name.length > MAX_SUBDOMAIN_LENGTH) return dnsSubdomainProblem(name);
      const re = rule === "policy" ? POLICY_NAME_RE : GLOBAL_POLICY_NAME_RE;
      return re.test(name) ? undefined : `${LABEL_CHARS}, with at most one '.' (as in "tier.name")`;
    }
  }
}

/** Checks every key and value of a label map. */
export function checkLabels(
  ctx: DecodeContext,
  path: string,
  labels: Readonly<Record<string, string>>,
): void {
  for (const [k, v] of Object.entries(labels)) {
    const at = childPath(path, k);
    const keyProblem = qualifiedNameProblem(k);
    if (keyProblem !== undefined) {
      ctx.error(at, `${JSON.stringify(k)} is not a valid label key: ${keyProblem}`);
    }
    const valueProblem = labelValueProblem(v);
    if (valueProblem !== undefined) {
      ctx.error(at, `${JSON.stringify(v)} is not a valid label value: ${valueProblem}`);
    }
  }
}

const utf8 = new TextEncoder();

/** Checks annotation keys (qualified names, compared lower-cased) and the total size. */
export function checkAnnotations(
  ctx: DecodeContext,
  path: string,
  annotations: Readonly<Record<string, string>>,
): void {
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    const problem = qualifiedNameProblem(k.toLowerCase());
    if (problem !== undefined) {
      ctx.error(
        childPath(path, k),
        `${JSON.stringify(k)} is not a valid annotation key: ${problem}`,
      );
    }
    total += utf8.encode(k).length + utf8.encode(v).length;
  }
  if (total > MAX_ANNOTATIONS_BYTES) {
    ctx.error(
      path,
      `total size is ${total} bytes, more than the maximum of ${MAX_ANNOTATIONS_BYTES}`,
    );
  }
}

/** How a kind's metadata is checked. */
export interface MetaRules {
  /** The decoded kind, for messages. */
  readonly kind: string;
  readonly namespaced: boolean;
  readonly nameRule: NameRule;
}

/** Standard Kubernetes metadata fields Felix does not use: never warned about. */
const UNUSED_META_FIELDS = [
  "ownerReferences",
  "finalizers",
  "managedFields",
  "generation",
  "selfLink",
  "deletionGracePeriodSeconds",
] as const;

/** The namespace a namespaced object without one lives in. */
export const DEFAULT_NAMESPACE = "default";

function readNamespace(r: ObjectReader, rules: MetaRules): string | undefined {
  const ns = r.string("namespace");
  if (!rules.namespaced) {
    if (ns !== undefined && ns !== "") {
      r.ctx.error(
        r.at("namespace"),
        `${JSON.stringify(ns)} is not allowed: ${rules.kind} is cluster-scoped`,
      );
    }
    return undefined;
  }
  if (ns === undefined || ns === "") return DEFAULT_NAMESPACE;
  const problem = dnsLabelProblem(ns);
  if (problem !== undefined) {
    r.ctx.error(r.at("namespace"), `${JSON.stringify(ns)} is not a valid namespace: ${problem}`);
  }
  return ns;
}

function readName(r: ObjectReader, rules: MetaRules): string | undefined {
  const name = r.requiredString("name");
  if (name === undefined) return undefined;
  const problem = nameProblem(name, rules.nameRule);
  if (problem !== undefined) {
    r.ctx.error(r.at("name"), `${JSON.stringify(name)} is not a valid name: ${problem}`);
  }
  return name;
}

/** Decodes `metadata` (the reader is positioned on it). An unknown name decodes as "". */
export function decodeMeta(r: ObjectReader, rules: MetaRules): ObjectMeta {
  r.ignore(...UNUSED_META_FIELDS);
  const name = readName(r, rules);
  const namespace = readNamespace(r, rules);
  const labels = r.stringMap("labels");
  if (labels !== undefined) checkLabels(r.ctx, r.at("labels"), labels);
  const annotations = r.stringMap("annotations");
  if (annotations !== undefined) checkAnnotations(r.ctx, r.at("annotations"), annotations);
  return {
    name: name ?? "",
    ...opt("namespace", namespace),
    ...opt("labels", labels),
    ...opt("annotations", annotations),
    ...opt("resourceVersion", r.string("resourceVersion")),
    ...opt("uid", r.string("uid")),
    ...opt("creationTimestamp", r.string("creationTimestamp")),
    ...opt("deletionTimestamp", r.string("deletionTimestamp")),
    ...opt("generateName", r.string("generateName")),
  };
}
