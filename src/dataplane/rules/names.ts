/**
 * Upstream's object names: chain names (with the length limit and hashing of §2.1), policy and
 * profile chain suffixes, policy-group chain names (§2.3) and IP set names (§2.4).
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { PolicyID } from "../../proto/messages.ts";
import type { IPVersion } from "./rule_model.ts";

/** nftables' chain-name limit (knftables `NameLengthMax`); iptables' is 28. */
export const NFT_MAX_CHAIN_NAME = 256;
/** iptables' chain-name limit. */
export const IPTABLES_MAX_CHAIN_NAME = 28;
/** The ipset name limit (also applied to nft set names). */
export const MAX_IPSET_NAME = 31;

/** Per-object chain-name prefixes. */
export const PREFIX = {
  policyIn: "cali-pi-",
  policyOut: "cali-po-",
  profileIn: "cali-pri-",
  profileOut: "cali-pro-",
  groupIn: "cali-gi-",
  groupOut: "cali-go-",
  toWorkload: "cali-tw-",
  fromWorkload: "cali-fw-",
  toHost: "cali-th-",
  fromHost: "cali-fh-",
  toHostForward: "cali-thfw-",
  fromHostForward: "cali-fhfw-",
} as const;

/** Fixed chain names. */
export const CHAIN = {
  input: "cali-INPUT",
  forward: "cali-FORWARD",
  output: "cali-OUTPUT",
  prerouting: "cali-PREROUTING",
  postrouting: "cali-POSTROUTING",
  wlToHost: "cali-wl-to-host",
  fromWlDispatch: "cali-from-wl-dispatch",
  toWlDispatch: "cali-to-wl-dispatch",
  fromHostDispatch: "cali-from-host-endpoint",
  toHostDispatch: "cali-to-host-endpoint",
  fromHepForwardDispatch: "cali-from-hep-forward",
  toHepForwardDispatch: "cali-to-hep-forward",
  cidrBlock: "cali-cidr-block",
  failsafeIn: "cali-failsafe-in",
  failsafeOut: "cali-failsafe-out",
  rpfSkip: "cali-rpf-skip",
  egressDscp: "cali-egress-dscp",
  natOutgoing: "cali-nat-outgoing",
  fipDnat: "cali-fip-dnat",
  fipSnat: "cali-fip-snat",
} as const;

/** Fixed IP set ids. */
export const SET = {
  allPools: "network-ip-pools",
  masqPools: "masq-ipam-pools",
  allHosts: "all-hosts-net",
  allVXLANSources: "all-vxlan-net",
  thisHost: "this-host",
  dscpSources: "dscp-src-net",
} as const;

/** The pseudo interface name of an all-interfaces (`*`) host endpoint. */
export const ALL_INTERFACES = "any-interface-at-all";

/**
 * `prefix + suffix`, or, when too long (or exactly `max` with a suffix starting `_`),
 * `prefix + "_" + base64url(SHA-256(suffix))` cut to `max`. An empty suffix becomes `_`.
 */
export function lengthLimitedName(prefix: string, suffix: string, max: number): string {
  const s = suffix === "" ? "_" : suffix;
  const total = prefix.length + s.length;
  if (total < max || (total === max && !s.startsWith("_"))) return prefix + s;
  const hash = createHash("sha256").update(s, "utf8").digest("base64url");
  return prefix + "_" + hash.slice(0, max - 1 - prefix.length);
}

const KIND_SHORT: Readonly<Record<string, string>> = {
  NetworkPolicy: "np",
  GlobalNetworkPolicy: "gnp",
  StagedNetworkPolicy: "snp",
  StagedGlobalNetworkPolicy: "sgnp",
  StagedKubernetesNetworkPolicy: "sknp",
  KubernetesNetworkPolicy: "knp",
  KubernetesClusterNetworkPolicy: "kcnp",
};

/** A policy kind's short name (`np`, `gnp`, ...); unknown kinds stay whole. */
export function policyKindShortName(kind: string): string {
  return KIND_SHORT[kind] ?? kind;
}

/** Whether a policy kind is staged (never rendered). */
export function isStagedKind(kind: string): boolean {
  return kind.startsWith("Staged");
}

/** The chain suffix of a policy: `np/prod/allow-frontend`, `gnp/default.foo`. */
export function policyChainSuffix(id: PolicyID): string {
  const kind = policyKindShortName(id.kind);
  return id.namespace === "" ? `${kind}/${id.name}` : `${kind}/${id.namespace}/${id.name}`;
}

/** A policy chain name (`cali-pi-` / `cali-po-` + id). */
export function policyChainName(prefix: string, id: PolicyID, max: number): string {
  return lengthLimitedName(prefix, policyChainSuffix(id), max);
}

/** A profile or endpoint chain name (`cali-pri-kns.prod`, `cali-tw-cali1234`). */
export function objectChainName(prefix: string, name: string, max: number): string {
  return lengthLimitedName(prefix, name, max);
}

/**
 * The 20-character id of a policy group: base64url(SHA3-224) over the lines selector, direction
 * (`inbound`/`outbound`), the policy count and `{Name: N, Namespace: NS, Kind: K}` per policy.
 */
export function policyGroupUID(
  selector: string,
  direction: "inbound" | "outbound",
  policies: readonly PolicyID[],
): string {
  const lines = [selector, direction, String(policies.length)];
  for (const p of policies) {
    lines.push(`{Name: ${p.name}, Namespace: ${p.namespace}, Kind: ${p.kind}}`);
  }
  const text = lines.map((l) => l + "\n").join("");
  return createHash("sha3-224").update(text, "utf8").digest("base64url").slice(0, 20);
}

/** The main name of an IP set: `cali40` / `cali60` + id, cut to 31 characters. */
export function ipSetName(version: IPVersion, id: string): string {
  return `cali${version}0${id}`.slice(0, MAX_IPSET_NAME);
}

/** The nftables name of an IP set: the main name with `:` replaced by `-`. */
export function nftSetName(version: IPVersion, id: string): string {
  return ipSetName(version, id).replaceAll(":", "-");
}
