/**
 * Object metadata shared by Calico v3 resources and Kubernetes objects, reduced to the fields
 * Felix reads.
 *
 * @module
 */

/** Metadata of a stored object. `namespace` is set only on namespaced kinds. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly resourceVersion?: string;
  readonly uid?: string;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly generateName?: string;
}
