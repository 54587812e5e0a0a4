/**
 * Upstream's VXLANResolver: one VXLAN tunnel endpoint (VTEP) per node that has, for at least one
 * family, both a VXLAN tunnel address (HostConfig `IPv4VXLANTunnelAddr` / `IPv6VXLANTunnelAddr`)
 * and a host address (`reference/bpf-routing.md` §6.1). This node's own VTEP is included: the
 * dataplane builds its VXLAN device from it. Emits on every change, immediately; a VTEP that
 * becomes incomplete in both families is removed.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { deepEqual } from "../lib/deep_equal.ts";
import { formatIP, type IPFamily, parseCIDR } from "../lib/ip.ts";
import { normaliseMAC } from "../model/convert_node.ts";
import type { KVUpdate } from "../model/kv.ts";
import type { VXLANTunnelEndpointUpdate } from "../proto/messages.ts";
import { addressOf, asNode, type NodeHostAddresses, nodeHostAddresses } from "./host_addresses.ts";
import type { CalcSink } from "./sinks.ts";

/** Options for `VXLANResolver`. */
export interface VXLANResolverOptions {
  /** This node. Every node's VTEP is computed, this one's included, so it selects nothing. */
  readonly hostname: string;
  readonly sink: Pick<CalcSink, "onVTEPUpdate" | "onVTEPRemove">;
}

/** Per-host VXLAN config from HostConfig keys (raw strings). */
interface TunnelConfig {
  v4Addr?: string;
  v6Addr?: string;
  mac?: string;
  macV6?: string;
}

const CONFIG_FIELD: Readonly<Record<string, keyof TunnelConfig>> = {
  IPv4VXLANTunnelAddr: "v4Addr",
  IPv6VXLANTunnelAddr: "v6Addr",
  VXLANTunnelMACAddr: "mac",
  VXLANTunnelMACAddrV6: "macV6",
};

/**
 * The MAC upstream derives for a node's VTEP: 0x66 (`f`) then the first five bytes of
 * SHA-1(node name), with `-v6` appended to the name for IPv6.
 */
export function deriveVTEPMAC(node: string, family: IPFamily): string {
  const name = family === 4 ? node : `${node}-v6`;
  const sha = createHash("sha1").update(name, "utf8").digest();
  return [0x66, ...sha.subarray(0, 5)].map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** A configured MAC in canonical form (the model's `normaliseMAC`), or undefined. */
function configuredMAC(mac: string | undefined): string | undefined {
  return mac === undefined ? undefined : normaliseMAC(mac.trim());
}

function tunnelIP(text: string | undefined, family: IPFamily): string | undefined {
  const c = text === undefined ? undefined : parseCIDR(text.trim());
  return c === undefined || c.family !== family ? undefined : formatIP(c);
}

/** Computes each node's VTEP from its tunnel config and host addresses. */
export class VXLANResolver {
  readonly #sink: Pick<CalcSink, "onVTEPUpdate" | "onVTEPRemove">;
  readonly #config = new Map<string, TunnelConfig>();
  readonly #nodes = new Map<string, NodeHostAddresses>();
  readonly #sent = new Map<string, VXLANTunnelEndpointUpdate>();

  constructor(options: VXLANResolverOptions) {
    this.#sink = options.sink;
  }

  /** Take one update; kinds other than HostConfig and Node resources are ignored. */
  onUpdate(u: KVUpdate): void {
    if (u.key.kind === "HostConfig") {
      const field = CONFIG_FIELD[u.key.name];
      if (field === undefined) return;
      const cfg = this.#config.get(u.key.hostname) ?? {};
      if (typeof u.value === "string") cfg[field] = u.value;
      else delete cfg[field];
      if (Object.keys(cfg).length === 0) this.#config.delete(u.key.hostname);
      else this.#config.set(u.key.hostname, cfg);
      this.#recalculate(u.key.hostname);
    } else if (u.key.kind === "Resource" && u.key.resourceKind === "Node") {
      const node = asNode(u.value);
      if (node === undefined) this.#nodes.delete(u.key.name);
      else this.#nodes.set(u.key.name, nodeHostAddresses(node));
      this.#recalculate(u.key.name);
    }
  }

  #recalculate(node: string): void {
    const vtep = this.#vtep(node);
    const sent = this.#sent.get(node);
    if (vtep === undefined) {
      if (sent === undefined) return;
      this.#sent.delete(node);
      this.#sink.onVTEPRemove(node);
      return;
    }
    if (sent !== undefined && deepEqual(sent, vtep)) return;
    this.#sent.set(node, vtep);
    this.#sink.onVTEPUpdate(vtep);
  }

  #vtep(node: string): VXLANTunnelEndpointUpdate | undefined {
    const cfg = this.#config.get(node);
    const addrs = this.#nodes.get(node);
    if (cfg === undefined || addrs === undefined) return undefined;
    const v4 = this.#family(node, cfg, addrs, 4);
    const v6 = this.#family(node, cfg, addrs, 6);
    if (v4 === undefined && v6 === undefined) return undefined;
    return {
      type: "VXLANTunnelEndpointUpdate",
      node,
      mac: v4?.mac ?? "",
      ipv4Addr: v4?.addr ?? "",
      parentDeviceIp: v4?.parent ?? "",
      macV6: v6?.mac ?? "",
      ipv6Addr: v6?.addr ?? "",
      parentDeviceIpv6: v6?.parent ?? "",
    };
  }

  #family(node: string, cfg: TunnelConfig, addrs: NodeHostAddresses, family: IPFamily) {
    const addr = tunnelIP(family === 4 ? cfg.v4Addr : cfg.v6Addr, family);
    const parent = addressOf(addrs, family)?.ip;
    if (addr === undefined || parent === undefined) return undefined;
    const mac = configuredMAC(family === 4 ? cfg.mac : cfg.macV6) ?? deriveVTEPMAC(node, family);
    return { addr, parent, mac };
  }
}
