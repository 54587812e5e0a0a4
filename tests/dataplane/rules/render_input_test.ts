import { deepEqual, equal } from "node:assert/strict";
import { Config } from "../../../src/config/mod.ts";
import {
  rulesConfigFrom,
  workloadEndpointIdString,
} from "../../../src/dataplane/rules/render_input.ts";
import { DEFAULT_CONFIG } from "./fixtures.ts";

Deno.test("rulesConfigFrom derives upstream's defaults from the default configuration", () => {
  deepEqual(rulesConfigFrom(new Config({ hostname: "n1" }).values), DEFAULT_CONFIG_WITH_V6);
});

const DEFAULT_CONFIG_WITH_V6 = { ...DEFAULT_CONFIG, ipv6Enabled: true };

Deno.test("rulesConfigFrom takes nftables actions, mask and failsafes from their parameters", () => {
  const config = new Config({ hostname: "n1" });
  config.updateFrom("environment", {
    NftablesFilterAllowAction: "RETURN",
    NftablesFilterDenyAction: "REJECT",
    NftablesMangleAllowAction: "RETURN",
    NftablesMarkMask: "0xff00",
    DefaultEndpointToHostAction: "ACCEPT",
    FailsafeInboundHostPorts: "tcp:10.0.0.0/8:22",
    InterfacePrefix: "cali,tap",
    NATOutgoingExclusions: "IPPoolsAndHostIPs",
    ServiceLoopPrevention: "Disabled",
  });
  const c = rulesConfigFrom(config.values);
  deepEqual(
    [
      c.filterAllowAction,
      c.filterDenyAction,
      c.mangleAllowAction,
      c.markMask,
      c.defaultEndpointToHostAction,
    ],
    ["RETURN", "REJECT", "RETURN", 0xff00, "ACCEPT"],
  );
  deepEqual(c.failsafeInbound, [{ protocol: "tcp", net: "10.0.0.0/8", port: 22 }]);
  deepEqual(c.interfacePrefixes, ["cali", "tap"]);
  equal(c.natOutgoingExclusions, "IPPoolsAndHostIPs");
  equal(c.serviceLoopPrevention, "Disabled");
});

Deno.test("rulesConfigFrom follows the calc graph's encapsulation unless VXLAN/IPIP are configured", () => {
  const config = new Config({ hostname: "n1" });
  const encap = { ipipEnabled: true, vxlanEnabled: true, vxlanEnabledV6: false };
  const auto = rulesConfigFrom(config.values, encap);
  deepEqual([auto.ipipEnabled, auto.vxlanEnabled, auto.vxlanEnabledV6], [true, true, false]);
  config.updateFrom("environment", { VXLANEnabled: "false", IpInIpEnabled: "false" });
  const off = rulesConfigFrom(config.values, encap);
  deepEqual([off.ipipEnabled, off.vxlanEnabled, off.vxlanEnabledV6], [false, false, false]);
});

Deno.test("workloadEndpointIdString joins orchestrator, workload and endpoint", () => {
  equal(
    workloadEndpointIdString({ orchestratorId: "k8s", workloadId: "prod/web", endpointId: "eth0" }),
    "k8s/prod/web/eth0",
  );
});
