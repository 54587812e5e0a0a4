import { deepEqual, equal } from "node:assert/strict";
import { HostIPsManager } from "../../../src/dataplane/linux/host_ips_manager.ts";
import { StaticAddresses } from "../../../src/dataplane/linux/interface_addrs.ts";
import { RenderState } from "../../../src/dataplane/linux/render_state.ts";
import { rulesConfigFrom } from "../../../src/dataplane/rules/render_input.ts";
import { Config } from "../../../src/config/mod.ts";
import type { ToDataplane } from "../../../src/proto/messages.ts";

const CONFIG = rulesConfigFrom(new Config({ hostname: "node-1" }).values);

function node(hostname: string, ipv4Addr: string, ipv6Addr = ""): ToDataplane {
  return { type: "HostMetadataUpdate", hostname, ipv4Addr, ipv6Addr, asNumber: "", labels: {} };
}

function vtep(n: string, parentDeviceIp: string): ToDataplane {
  return {
    type: "VXLANTunnelEndpointUpdate",
    node: n,
    mac: "",
    ipv4Addr: "",
    parentDeviceIp,
    macV6: "",
    ipv6Addr: "",
    parentDeviceIpv6: "",
  };
}

Deno.test("HostIPsManager fills all-hosts-net and all-vxlan-net from node and VTEP updates", () => {
  const state = new RenderState(CONFIG);
  const m = new HostIPsManager({
    state,
    hostname: "node-1",
    interfacePrefixes: ["cali"],
    externalNodesCIDRs: ["172.16.0.0/24"],
  });
  m.onUpdate(node("node-2", "192.168.0.12/24", "fd00::12"));
  m.onUpdate(node("node-1", "192.168.0.11"));
  m.onUpdate(vtep("node-2", "192.168.0.12"));
  let s = state.snapshot();
  deepEqual(s.allHostsNets, ["172.16.0.0/24", "192.168.0.11", "192.168.0.12", "fd00::12"]);
  deepEqual(s.vxlanHostNets, ["192.168.0.12"]);
  deepEqual(s.hostIPs, ["192.168.0.11"], "without an address source: the node's own address");
  m.onUpdate({ type: "HostMetadataRemove", hostname: "node-2" });
  m.onUpdate({ type: "VXLANTunnelEndpointRemove", node: "node-2" });
  s = state.snapshot();
  deepEqual(s.allHostsNets, ["172.16.0.0/24", "192.168.0.11"]);
  deepEqual(s.vxlanHostNets, []);
});

Deno.test("HostIPsManager reads this host's addresses, without workload interfaces, at start and resync", async () => {
  const state = new RenderState(CONFIG);
  const addresses = new StaticAddresses([
    { name: "lo", addrs: ["127.0.0.1", "::1"] },
    { name: "eth0", addrs: ["10.99.0.1", "fd99::1"] },
    { name: "cali1234", addrs: ["169.254.1.1"] },
  ]);
  const m = new HostIPsManager({
    state,
    hostname: "node-1",
    interfacePrefixes: ["cali"],
    addresses,
  });
  m.onUpdate(node("node-1", "192.168.0.11"));
  await m.completeDeferredWork();
  deepEqual(state.snapshot().hostIPs, ["10.99.0.1", "127.0.0.1", "::1", "fd99::1"]);
  addresses.interfaces = [{ name: "eth0", addrs: ["10.99.0.7"] }];
  await m.completeDeferredWork();
  equal(addresses.calls, 1);
  m.markForResync();
  await m.completeDeferredWork();
  deepEqual(state.snapshot().hostIPs, ["10.99.0.7"]);
});
