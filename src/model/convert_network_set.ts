/**
 * GlobalNetworkSet and NetworkSet -> internal `NetworkSet` (datastore-config.md §1.2).
 *
 * @module
 */
import { normaliseCIDR } from "../lib/ip.ts";
import type { NetworkSetKey } from "./keys.ts";
import { kv } from "./kv.ts";
import type { GlobalNetworkSet, NetworkSet as V3NetworkSet } from "./v3_resources.ts";
import type { NetworkSet } from "./values.ts";
import { type ConversionResult, displayName, revisionOf } from "./convert_result.ts";
import { NAMESPACE_LABEL, namespaceProfileName } from "./convert_names.ts";

/** `<ns>/<name>` for a NetworkSet, `<name>` for a GlobalNetworkSet. */
export function networkSetKeyOf(set: GlobalNetworkSet | V3NetworkSet): NetworkSetKey {
  const name = set.kind === "NetworkSet"
    ? `${set.metadata.namespace ?? "default"}/${set.metadata.name}`
    : set.metadata.name;
  return { kind: "NetworkSet", name };
}

function nets(set: GlobalNetworkSet | V3NetworkSet, problems: string[]): string[] {
  const out: string[] = [];
  for (const [i, n] of (set.spec.nets ?? []).entries()) {
    const c = normaliseCIDR(n);
    if (c !== undefined) out.push(c);
    else {
      problems.push(
        `Ignored spec.nets[${i}] "${n}" of ${set.kind} "${displayName(set.metadata)}": ` +
          "not a CIDR or IP",
      );
    }
  }
  return out;
}

/**
 * A network set's key and value: nets normalised (bad ones skipped with a problem). A namespaced
 * set also gets the `projectcalico.org/namespace` label and the parent profile `kns.<ns>`.
 */
export function convertNetworkSet(set: GlobalNetworkSet | V3NetworkSet): ConversionResult {
  const problems: string[] = [];
  const labels = set.metadata.labels ?? {};
  let value: NetworkSet;
  if (set.kind === "NetworkSet") {
    const ns = set.metadata.namespace ?? "default";
    value = {
      nets: nets(set, problems),
      labels: { ...labels, [NAMESPACE_LABEL]: ns },
      profileIds: [namespaceProfileName(ns)],
    };
  } else {
    value = { nets: nets(set, problems), labels, profileIds: [] };
  }
  return { updates: [kv(networkSetKeyOf(set), value, revisionOf(set.metadata))], problems };
}
