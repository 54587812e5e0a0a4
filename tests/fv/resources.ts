/**
 * Datastore documents for the FV scenarios: the calc FV builders plus the few kinds only the
 * dataplane scenarios need.
 *
 * @module
 */
export {
  type Doc,
  globalNetworkSet,
  gnp,
  hostEndpoint,
  ipPool,
  k8sNp,
  networkSet,
  np,
  type PodPort,
  tier,
} from "../calc_fv/resources.ts";
import type { Doc } from "../calc_fv/resources.ts";

/** The FelixConfiguration `default` (cluster-wide parameters). */
export function felixConfiguration(spec: Readonly<Record<string, unknown>>): Doc {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "FelixConfiguration",
    metadata: { name: "default" },
    spec,
  };
}
