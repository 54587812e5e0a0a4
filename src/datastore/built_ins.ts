/**
 * Resources every real cluster has although nobody writes them into a manifest: the tiers that
 * Calico's clients create on first use, and the `projectcalico-default-allow` profile that the
 * datastore drivers add to every profile list. The file syncer loads these before any file; a
 * file document with the same kind and name replaces one silently.
 *
 * @module
 */
import { defaultAllowProfile } from "../model/convert_profile.ts";

const API_VERSION = "projectcalico.org/v3";

function tier(name: string, order: number, defaultAction: "Deny" | "Pass"): unknown {
  return {
    apiVersion: API_VERSION,
    kind: "Tier",
    metadata: { name },
    spec: { order, defaultAction },
  };
}

/**
 * The built-in documents, as raw v3 objects: tier `default` (order 1,000,000, Deny),
 * `kube-admin` (1,000, Pass), `kube-baseline` (10,000,000, Pass), and the allow-all profile
 * `projectcalico-default-allow` (allow-all both ways, revision "1", as upstream lists it; the
 * model owns its definition).
 */
export const BUILT_IN_DOCUMENTS: readonly unknown[] = Object.freeze([
  tier("default", 1_000_000, "Deny"),
  tier("kube-admin", 1_000, "Pass"),
  tier("kube-baseline", 10_000_000, "Pass"),
  { apiVersion: API_VERSION, ...defaultAllowProfile() },
]);
