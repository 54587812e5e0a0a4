/**
 * Kubernetes objects other than NetworkPolicy: Pod, Namespace, ServiceAccount, Node, Service and
 * EndpointSlice. The API server has already validated them, so these decoders check JSON types
 * and required fields only, and drop every field Felix does not read without a warning.
 *
 * @module
 */
import { opt } from "./json_build.ts";
import { type DecodeContext, MISSING, type ObjectReader, typeMismatch } from "./json_reader.ts";
import type {
  Container,
  ContainerPort,
  KubernetesEndpointSlice,
  KubernetesNode,
  KubernetesNodeAddress,
  KubernetesService,
  Pod,
  ServicePort,
  SliceEndpoint,
  SlicePort,
} from "./k8s.ts";
import type { ObjectMeta } from "./object_meta.ts";

/** A required integer field; absent is reported, and the result is then 0 (discarded). */
function requiredInteger(r: ObjectReader, key: string): number {
  const n = r.integer(key);
  if (!r.has(key)) r.ctx.error(r.at(key), MISSING);
  return n ?? 0;
}

/** An integer or a string (Kubernetes `IntOrString`). */
export function decodeIntOrString(
  ctx: DecodeContext,
  path: string,
  v: unknown,
): number | string | undefined {
  if (typeof v === "string" || (typeof v === "number" && Number.isInteger(v))) return v;
  ctx.error(path, typeMismatch("an integer or a string", v));
  return undefined;
}

function decodeContainerPort(r: ObjectReader): ContainerPort {
  return {
    ...opt("name", r.string("name")),
    containerPort: requiredInteger(r, "containerPort"),
    ...opt("protocol", r.string("protocol")),
    ...opt("hostPort", r.integer("hostPort")),
    ...opt("hostIP", r.string("hostIP")),
  };
}

function decodeContainer(r: ObjectReader): Container {
  return {
    name: r.requiredString("name") ?? "",
    ...opt("ports", r.objects("ports", decodeContainerPort)),
  };
}

function decodePodSpec(r: ObjectReader): Pod["spec"] {
  return {
    ...opt("nodeName", r.string("nodeName")),
    ...opt("hostNetwork", r.boolean("hostNetwork")),
    ...opt("serviceAccountName", r.string("serviceAccountName")),
    ...opt("containers", r.objects("containers", decodeContainer)),
    ...opt("initContainers", r.objects("initContainers", decodeContainer)),
  };
}

function decodePodStatus(r: ObjectReader): NonNullable<Pod["status"]> {
  return {
    ...opt("phase", r.string("phase")),
    ...opt("podIP", r.string("podIP")),
    ...opt("podIPs", r.objects("podIPs", (ip) => ({ ip: ip.requiredString("ip") ?? "" }))),
  };
}

/** A `v1` Pod (`top` reads the whole object). */
export function decodePod(top: ObjectReader, metadata: ObjectMeta): Pod {
  return {
    kind: "Pod",
    metadata,
    spec: top.objectOrEmpty("spec", decodePodSpec),
    ...opt("status", top.object("status", decodePodStatus)),
  };
}

function decodeNodeAddress(r: ObjectReader): KubernetesNodeAddress {
  return { type: r.requiredString("type") ?? "", address: r.requiredString("address") ?? "" };
}

/** A `v1` Node. */
export function decodeKubernetesNode(top: ObjectReader, metadata: ObjectMeta): KubernetesNode {
  const spec = top.object("spec", (r) => ({
    ...opt("podCIDR", r.string("podCIDR")),
    ...opt("podCIDRs", r.strings("podCIDRs")),
  }));
  const status = top.object("status", (r) => ({
    ...opt("addresses", r.objects("addresses", decodeNodeAddress)),
  }));
  return { kind: "KubernetesNode", metadata, ...opt("spec", spec), ...opt("status", status) };
}

function decodeServicePort(r: ObjectReader): ServicePort {
  return {
    ...opt("name", r.string("name")),
    ...opt("protocol", r.string("protocol")),
    port: requiredInteger(r, "port"),
    ...opt("targetPort", r.get("targetPort", decodeIntOrString)),
    ...opt("nodePort", r.integer("nodePort")),
  };
}

function decodeServiceSpec(r: ObjectReader): KubernetesService["spec"] {
  return {
    ...opt("type", r.string("type")),
    ...opt("clusterIP", r.string("clusterIP")),
    ...opt("clusterIPs", r.strings("clusterIPs")),
    ...opt("externalIPs", r.strings("externalIPs")),
    ...opt("loadBalancerIP", r.string("loadBalancerIP")),
    ...opt("ports", r.objects("ports", decodeServicePort)),
  };
}

function decodeServiceStatus(r: ObjectReader): NonNullable<KubernetesService["status"]> {
  const loadBalancer = r.object("loadBalancer", (lb) => ({
    ...opt(
      "ingress",
      lb.objects("ingress", (i) => ({
        ...opt("ip", i.string("ip")),
        ...opt("hostname", i.string("hostname")),
      })),
    ),
  }));
  return { ...opt("loadBalancer", loadBalancer) };
}

/** A `v1` Service. */
export function decodeKubernetesService(
  top: ObjectReader,
  metadata: ObjectMeta,
): KubernetesService {
  return {
    kind: "KubernetesService",
    metadata,
    spec: top.objectOrEmpty("spec", decodeServiceSpec),
    ...opt("status", top.object("status", decodeServiceStatus)),
  };
}

function decodeSliceEndpoint(r: ObjectReader): SliceEndpoint {
  const addresses = r.strings("addresses");
  if (!r.has("addresses")) r.ctx.error(r.at("addresses"), MISSING);
  return {
    addresses: addresses ?? [],
    ...opt("conditions", r.object("conditions", (c) => ({ ...opt("ready", c.boolean("ready")) }))),
    ...opt("nodeName", r.string("nodeName")),
  };
}

function decodeSlicePort(r: ObjectReader): SlicePort {
  return {
    ...opt("name", r.string("name")),
    ...opt("protocol", r.string("protocol")),
    ...opt("port", r.integer("port")),
  };
}

/** A `discovery.k8s.io/v1` EndpointSlice. */
export function decodeKubernetesEndpointSlice(
  top: ObjectReader,
  metadata: ObjectMeta,
): KubernetesEndpointSlice {
  return {
    kind: "KubernetesEndpointSlice",
    metadata,
    addressType: top.requiredString("addressType") ?? "",
    ...opt("endpoints", top.objects("endpoints", decodeSliceEndpoint)),
    ...opt("ports", top.objects("ports", decodeSlicePort)),
  };
}
