/**
 * A small stand-in for the real resource converter: enough kinds to exercise the syncer's
 * mechanics (Tier, Profile, IPPool, GlobalNetworkSet, HostEndpoint), strict about a few fields so
 * failures can be provoked.
 */
import type { Conversion, DocumentConverter } from "../../src/datastore/document_converter.ts";
import { kv, type KVUpdate } from "../../src/model/kv.ts";

type Obj = Readonly<Record<string, unknown>>;

function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : {};
}

function fail(kind: string, name: string, field: string, reason: string): Conversion {
  return {
    ok: false,
    error: { kind, name, message: `${kind} "${name}": ${field}: ${reason}` },
  };
}

function ok(updates: readonly KVUpdate[], warnings: readonly string[] = []): Conversion {
  return { ok: true, updates, warnings };
}

function pool(name: string, spec: Obj): Conversion {
  const cidr = String(spec.cidr ?? "");
  if (!/^[0-9.]+\/\d+$/.test(cidr)) return fail("IPPool", name, "spec.cidr", `bad CIDR "${cidr}"`);
  return ok([kv({ kind: "IPPool", cidr }, {
    cidr,
    ipipInterface: "",
    ipipMode: "never",
    vxlanMode: spec.vxlanMode === "Always" ? "always" : "never",
    masquerade: spec.natOutgoing === true,
    ipam: true,
    disabled: false,
    disableBGPExport: false,
    assignmentMode: "Automatic",
    allowedUses: [],
  })]);
}

function netSet(name: string, spec: Obj, labels: Obj): Conversion {
  const nets = Array.isArray(spec.nets) ? spec.nets.map(String) : [];
  const good = nets.filter((n) => n.includes("/"));
  const warnings = nets.filter((n) => !n.includes("/")).map((n) => `spec.nets: skipped "${n}"`);
  const value = { nets: good, labels: labels as Record<string, string>, profileIds: [] };
  return ok([kv({ kind: "NetworkSet", name }, value)], warnings);
}

function profile(name: string, spec: Obj): Conversion {
  const labels = obj(spec.labelsToApply) as Record<string, string>;
  return ok([
    kv({ kind: "ProfileRules", name }, { inboundRules: [], outboundRules: [] }),
    kv({ kind: "ProfileLabels", name }, Object.keys(labels).length === 0 ? null : labels),
  ]);
}

function hostEndpoint(name: string, spec: Obj): Conversion {
  const key = { kind: "HostEndpoint" as const, hostname: String(spec.node), endpointId: name };
  return ok([kv(key, {
    name: String(spec.interfaceName ?? ""),
    expectedIPv4Addrs: [],
    expectedIPv6Addrs: [],
    labels: {},
    profileIds: [],
    ports: [],
  })]);
}

/** The fake converter. */
export const fakeConvert: DocumentConverter = (doc: unknown): Conversion => {
  const d = obj(doc);
  const kind = String(d.kind ?? "");
  const meta = obj(d.metadata);
  const name = typeof meta.name === "string" ? meta.name : "";
  const spec = obj(d.spec);
  if (name === "") return fail(kind, "", "metadata.name", "required");
  switch (kind) {
    case "Tier": {
      const action = spec.defaultAction === "Pass" ? "Pass" : "Deny";
      if (typeof spec.order !== "number") return fail(kind, name, "spec.order", "required");
      return ok([kv({ kind: "Tier", name }, { order: spec.order, defaultAction: action })]);
    }
    case "Profile":
      return profile(name, spec);
    case "IPPool":
      return pool(name, spec);
    case "GlobalNetworkSet":
      return netSet(name, spec, obj(meta.labels));
    case "HostEndpoint":
      return hostEndpoint(name, spec);
    default:
      return fail(kind, name, "kind", `unknown kind "${kind}"`);
  }
};
