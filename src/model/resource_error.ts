/**
 * The error `decodeObject` returns for an object that is not a valid resource: which object,
 * and every field that is wrong with it.
 *
 * @module
 */

/** One thing wrong with one field: `field` is a path such as `spec.ingress[0].source.nets[1]`. */
export interface FieldProblem {
  readonly field: string;
  readonly reason: string;
}

/** What identifies the object a `ResourceError` is about. */
export interface ResourceIdentity {
  /** The decoded kind (`KubernetesNetworkPolicy` for a k8s NetworkPolicy); "" when unknown. */
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
}

/** How many problems the message spells out before summarising the rest. */
const MESSAGE_PROBLEMS = 3;

/**
 * `Kind "name"`, `Kind "namespace/name"`, or just `Kind` when the name is unknown; `Object`
 * stands in for an unknown kind. Warnings and errors about one object share this prefix.
 */
export function describeResource(id: ResourceIdentity): string {
  const label = id.kind === "" ? "Object" : id.kind;
  if (id.name === undefined) return label;
  const full = id.namespace === undefined ? id.name : `${id.namespace}/${id.name}`;
  return `${label} ${JSON.stringify(full)}`;
}

/** `field: reason`, or the bare reason when the problem is about the whole object. */
export function formatProblem(p: FieldProblem): string {
  return p.field === "" ? p.reason : `${p.field}: ${p.reason}`;
}

function formatMessage(id: ResourceIdentity, problems: readonly FieldProblem[]): string {
  const shown = problems.slice(0, MESSAGE_PROBLEMS).map(formatProblem).join("; ");
  const more = problems.length - MESSAGE_PROBLEMS;
  const tail = more > 0 ? `; and ${more} more ${more === 1 ? "problem" : "problems"}` : "";
  return `${describeResource(id)}: ${shown}${tail}`;
}

/**
 * An invalid resource. `field` and `reason` are those of the first problem; `problems` lists
 * all of them, in the order the decoder checked them (mostly field order). The message shows the first
 * three and counts the rest.
 *
 * ```
 * GlobalNetworkPolicy "deny-egress": spec.ingress[0].source.nets[1]: "10.0.0.300/8" is not a valid CIDR
 * ```
 */
export class ResourceError extends Error {
  readonly kind: string;
  readonly namespace: string | undefined;
  /**
   * The resource's `metadata.name`, when known. (`name` stays `"ResourceError"`, the error
   * class name, as `Error` requires a string there.)
   */
  readonly resourceName: string | undefined;
  readonly field: string;
  readonly reason: string;
  readonly problems: readonly FieldProblem[];

  constructor(id: ResourceIdentity, problems: readonly FieldProblem[]) {
    if (problems.length === 0) throw new RangeError("A ResourceError needs at least one problem");
    super(formatMessage(id, problems));
    this.name = "ResourceError";
    this.kind = id.kind;
    this.namespace = id.namespace;
    this.resourceName = id.name;
    this.field = problems[0]!.field;
    this.reason = problems[0]!.reason;
    this.problems = [...problems];
  }
}
