/**
 * `networking.k8s.io/v1` NetworkPolicy and Kubernetes label selectors, with the checks the API
 * server makes on the parts Felix converts: port protocols (`TCP UDP SCTP`, case-sensitive as in
 * Kubernetes), port numbers and names, `endPort`, ipBlock CIDRs and their exceptions, selector
 * operators.
 *
 * @module
 */
import { cidrContains, parseCIDR } from "../lib/ip.ts";
import { readEnum, readEnumList } from "./field_enum.ts";
import { opt } from "./json_build.ts";
import { asString, MISSING, type ObjectReader } from "./json_reader.ts";
import type {
  IPBlock,
  KubernetesNetworkPolicy,
  LabelSelector,
  LabelSelectorRequirement,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from "./k8s.ts";
import type { ObjectMeta } from "./object_meta.ts";
import { decodeIntOrString } from "./validate_k8s.ts";
import {
  checkLabels,
  labelValueProblem,
  portNameProblem,
  qualifiedNameProblem,
} from "./validate_meta.ts";

const OPERATORS: readonly LabelSelectorRequirement["operator"][] = [
  "In",
  "NotIn",
  "Exists",
  "DoesNotExist",
];
const PORT_PROTOCOLS: readonly string[] = ["TCP", "UDP", "SCTP"];
const POLICY_TYPES: readonly ("Ingress" | "Egress")[] = ["Ingress", "Egress"];

function decodeRequirement(r: ObjectReader): LabelSelectorRequirement {
  const key = r.requiredString("key");
  const keyProblem = key === undefined ? undefined : qualifiedNameProblem(key);
  if (keyProblem !== undefined) {
    r.ctx.error(r.at("key"), `${JSON.stringify(key)} is not a valid label key: ${keyProblem}`);
  }
  const operator = readEnum(r, "operator", OPERATORS, "operator");
  if (!r.has("operator")) r.ctx.error(r.at("operator"), MISSING);
  const values = r.strings("values");
  values?.forEach((v, i) => {
    const problem = labelValueProblem(v);
    if (problem !== undefined) {
      r.ctx.error(
        `${r.at("values")}[${i}]`,
        `${JSON.stringify(v)} is not a valid label value: ${problem}`,
      );
    }
  });
  const count = values?.length ?? 0;
  if ((operator === "In" || operator === "NotIn") && count === 0) {
    r.ctx.error(r.at("values"), `must not be empty when operator is ${operator}`);
  } else if ((operator === "Exists" || operator === "DoesNotExist") && count > 0) {
    r.ctx.error(r.at("values"), `must be empty when operator is ${operator}`);
  }
  return { key: key ?? "", operator: operator ?? "Exists", ...opt("values", values) };
}

/** A Kubernetes label selector. */
export function decodeLabelSelector(r: ObjectReader): LabelSelector {
  const matchLabels = r.stringMap("matchLabels");
  if (matchLabels !== undefined) checkLabels(r.ctx, r.at("matchLabels"), matchLabels);
  return {
    ...opt("matchLabels", matchLabels),
    ...opt("matchExpressions", r.objects("matchExpressions", decodeRequirement)),
  };
}

function decodeIPBlock(r: ObjectReader): IPBlock {
  const cidrText = r.requiredString("cidr");
  const cidr = cidrText === undefined ? undefined : parseCIDR(cidrText, false);
  if (cidrText !== undefined && cidr === undefined) {
    r.ctx.error(r.at("cidr"), `${JSON.stringify(cidrText)} is not a valid CIDR`);
  }
  const except = r.list("except", (ctx, path, value) => {
    const v = asString(ctx, path, value);
    if (v === undefined) return undefined;
    const inner = parseCIDR(v, false);
    if (inner === undefined) {
      ctx.error(path, `${JSON.stringify(v)} is not a valid CIDR`);
    } else if (cidr !== undefined && (!cidrContains(cidr, inner) || inner.prefix <= cidr.prefix)) {
      ctx.error(path, `${JSON.stringify(v)} is not strictly inside ${JSON.stringify(cidrText)}`);
    }
    return v;
  });
  return { cidr: cidrText ?? "", ...opt("except", except) };
}

function decodePeer(r: ObjectReader): NetworkPolicyPeer {
  const peer: NetworkPolicyPeer = {
    ...opt("podSelector", r.object("podSelector", decodeLabelSelector)),
    ...opt("namespaceSelector", r.object("namespaceSelector", decodeLabelSelector)),
    ...opt("ipBlock", r.object("ipBlock", decodeIPBlock)),
  };
  const selectors = r.has("podSelector") || r.has("namespaceSelector");
  if (r.has("ipBlock") && selectors) {
    r.ctx.error(
      r.at("ipBlock"),
      "ipBlock cannot be combined with podSelector or namespaceSelector",
    );
  } else if (!r.has("ipBlock") && !selectors) {
    r.ctx.error(r.path, "must set podSelector, namespaceSelector or ipBlock");
  }
  return peer;
}

function decodePort(r: ObjectReader): NetworkPolicyPort {
  const protocol = readEnum(r, "protocol", PORT_PROTOCOLS, "protocol");
  const port = r.get("port", decodeIntOrString);
  if (typeof port === "number" && (port < 1 || port > 65535)) {
    r.ctx.error(r.at("port"), `${port} is not a valid port: must be between 1 and 65535`);
  } else if (typeof port === "string") {
    const problem = portNameProblem(port);
    if (problem !== undefined) {
      r.ctx.error(r.at("port"), `${JSON.stringify(port)} is not a valid port name: ${problem}`);
    }
  }
  const endPort = r.integer("endPort");
  if (endPort !== undefined) {
    if (typeof port !== "number") {
      r.ctx.error(r.at("endPort"), "endPort needs a numeric port");
    } else if (endPort < port || endPort > 65535) {
      r.ctx.error(
        r.at("endPort"),
        `${endPort} is not a valid endPort: must be between ${port} and 65535`,
      );
    }
  }
  return { ...opt("protocol", protocol), ...opt("port", port), ...opt("endPort", endPort) };
}

function decodeIngressRule(r: ObjectReader): NetworkPolicyIngressRule {
  return {
    ...opt("from", r.objects("from", decodePeer)),
    ...opt("ports", r.objects("ports", decodePort)),
  };
}

function decodeEgressRule(r: ObjectReader): NetworkPolicyEgressRule {
  return {
    ...opt("to", r.objects("to", decodePeer)),
    ...opt("ports", r.objects("ports", decodePort)),
  };
}

function decodeSpec(r: ObjectReader): KubernetesNetworkPolicy["spec"] {
  return {
    podSelector: r.objectOrEmpty("podSelector", decodeLabelSelector),
    ...opt("policyTypes", readEnumList(r, "policyTypes", POLICY_TYPES, "policy type", 2)),
    ...opt("ingress", r.objects("ingress", decodeIngressRule)),
    ...opt("egress", r.objects("egress", decodeEgressRule)),
  };
}

/** A `networking.k8s.io/v1` NetworkPolicy; an absent `podSelector` selects every pod (`{}`). */
export function decodeKubernetesNetworkPolicy(
  top: ObjectReader,
  metadata: ObjectMeta,
): KubernetesNetworkPolicy {
  return {
    kind: "KubernetesNetworkPolicy",
    metadata,
    spec: top.objectOrEmpty("spec", decodeSpec),
  };
}
