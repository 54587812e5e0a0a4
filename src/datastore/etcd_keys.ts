/**
 * Calico's etcd v3 key layout (datastore-config.md §3.2): every v3 resource at
 * `/calico/resources/v3/projectcalico.org/<plural>/[<namespace>/]<name>`, and IPAM blocks at
 * `/calico/ipam/v2/assignment/ipv4|ipv6/block/<cidr with "/" as "-">`.
 *
 * @module
 */

/** The prefix of every v3 resource key (trailing `/`, so `/a/` never matches `/ab`). */
export const RESOURCES_PREFIX = "/calico/resources/v3/projectcalico.org/";
/** The prefix of the IPAM block keys (both families). */
export const BLOCKS_PREFIX = "/calico/ipam/v2/assignment/";

/** The prefixes the etcd syncer lists and watches. */
export const WATCHED_PREFIXES: readonly string[] = [RESOURCES_PREFIX, BLOCKS_PREFIX];

/** A plural Felix reads, with the kind stored under it. */
export interface EtcdResourceType {
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

function type(plural: string, kind: string, namespaced = false): EtcdResourceType {
  return { plural, kind, namespaced };
}

/** The v3 resource types the etcd syncer reads (upstream's Felix syncer list, §1.1). */
export const ETCD_RESOURCE_TYPES: readonly EtcdResourceType[] = [
  type("clusterinformations", "ClusterInformation"),
  type("felixconfigurations", "FelixConfiguration"),
  type("globalnetworkpolicies", "GlobalNetworkPolicy"),
  type("stagedglobalnetworkpolicies", "StagedGlobalNetworkPolicy"),
  type("globalnetworksets", "GlobalNetworkSet"),
  type("ippools", "IPPool"),
  type("nodes", "Node"),
  type("profiles", "Profile"),
  type("workloadendpoints", "WorkloadEndpoint", true),
  type("networkpolicies", "NetworkPolicy", true),
  type("stagednetworkpolicies", "StagedNetworkPolicy", true),
  type("networksets", "NetworkSet", true),
  type("tiers", "Tier"),
  type("hostendpoints", "HostEndpoint"),
];

const BY_PLURAL: ReadonlyMap<string, EtcdResourceType> = new Map(
  ETCD_RESOURCE_TYPES.map((t) => [t.plural, t]),
);
const BY_KIND: ReadonlyMap<string, EtcdResourceType> = new Map(
  ETCD_RESOURCE_TYPES.map((t) => [t.kind, t]),
);

/** What a key names. */
export type EtcdKeyInfo =
  | {
    readonly type: "resource";
    readonly resource: EtcdResourceType;
    readonly namespace?: string;
    readonly name: string;
  }
  | { readonly type: "block"; readonly family: "ipv4" | "ipv6"; readonly cidr: string }
  /** A key Felix does not read (another plural, block affinities, handles). */
  | { readonly type: "ignored" }
  /** A key under a plural Felix reads, with the wrong shape. */
  | { readonly type: "invalid"; readonly reason: string };

const IGNORED = { type: "ignored" } as const;

function parseResourceKey(rest: string): EtcdKeyInfo {
  const parts = rest.split("/");
  const resource = BY_PLURAL.get(parts[0] ?? "");
  if (resource === undefined) return IGNORED;
  const want = resource.namespaced ? 3 : 2;
  if (parts.length !== want || parts.slice(1).some((p) => p === "")) {
    const shape = resource.namespaced ? "<namespace>/<name>" : "<name>";
    return { type: "invalid", reason: `expected ${resource.plural}/${shape} after the prefix` };
  }
  return resource.namespaced
    ? { type: "resource", resource, namespace: parts[1]!, name: parts[2]! }
    : { type: "resource", resource, name: parts[1]! };
}

function parseBlockKey(rest: string): EtcdKeyInfo {
  const m = /^(ipv4|ipv6)\/block\/(.+)-(\d{1,3})$/.exec(rest);
  if (m === null) {
    return /^ipv[46]\/block\//.test(rest)
      ? { type: "invalid", reason: `expected a CIDR with "/" written as "-" after "block/"` }
      : IGNORED;
  }
  return { type: "block", family: m[1] as "ipv4" | "ipv6", cidr: `${m[2]}/${m[3]}` };
}

/** What `key` names under the watched prefixes. */
export function parseEtcdKey(key: string): EtcdKeyInfo {
  if (key.startsWith(RESOURCES_PREFIX)) return parseResourceKey(key.slice(RESOURCES_PREFIX.length));
  if (key.startsWith(BLOCKS_PREFIX)) return parseBlockKey(key.slice(BLOCKS_PREFIX.length));
  return IGNORED;
}

/**
 * The key of a v3 resource (for writers: tests, benches, tools). Throws a `TypeError` for a kind
 * the syncer does not read, or a namespace missing on a namespaced kind.
 */
export function resourceKey(kind: string, name: string, namespace?: string): string {
  const t = BY_KIND.get(kind);
  if (t === undefined) throw new TypeError(`Cannot make an etcd key for kind "${kind}": unknown`);
  if (t.namespaced && (namespace === undefined || namespace === "")) {
    throw new TypeError(`Cannot make an etcd key for ${kind} "${name}": it needs a namespace`);
  }
  return t.namespaced
    ? `${RESOURCES_PREFIX}${t.plural}/${namespace}/${name}`
    : `${RESOURCES_PREFIX}${t.plural}/${name}`;
}

/** The key of an IPAM block: `/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26`. */
export function blockKey(cidr: string): string {
  const family = cidr.includes(":") ? "ipv6" : "ipv4";
  return `${BLOCKS_PREFIX}${family}/block/${cidr.replace("/", "-")}`;
}
