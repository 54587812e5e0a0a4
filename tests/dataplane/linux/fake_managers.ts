/** The daemon's manager list (as src/daemon/dataplane.ts builds it) over fakes, for tests. */
import { EndpointManager } from "../../../src/dataplane/linux/endpoint_manager.ts";
import { HostIPsManager } from "../../../src/dataplane/linux/host_ips_manager.ts";
import { StaticAddresses } from "../../../src/dataplane/linux/interface_addrs.ts";
import { IPSetsManager } from "../../../src/dataplane/linux/ipsets_manager.ts";
import type { Manager } from "../../../src/dataplane/linux/manager.ts";
import { MasqManager } from "../../../src/dataplane/linux/masq_manager.ts";
import { NftablesManager } from "../../../src/dataplane/linux/nftables_manager.ts";
import { PolicyManager } from "../../../src/dataplane/linux/policy_manager.ts";
import { RenderState } from "../../../src/dataplane/linux/render_state.ts";
import type { MemorySysctl } from "../../../src/dataplane/linux/sysctl.ts";
import type { FakeNftExecutor } from "../../../src/dataplane/nftables/fake_nft_executor.ts";
import { rulesConfigFrom } from "../../../src/dataplane/rules/render_input.ts";
import { Config } from "../../../src/config/mod.ts";
import type { MemoryLog } from "../../../src/lib/log.ts";

const VALUES = new Config({ hostname: "node-1" }).values;

/** Managers over `executor` and `sysctl`; this host has eth0 10.99.0.1. */
export function fakeManagers(
  executor: FakeNftExecutor,
  sysctl: MemorySysctl,
  log: MemoryLog,
): Manager[] {
  const state = new RenderState(rulesConfigFrom(VALUES));
  const addresses = new StaticAddresses([{ name: "eth0", addrs: ["10.99.0.1"] }]);
  const managers: Manager[] = [
    new IPSetsManager({ state }),
    new PolicyManager({ state }),
    new EndpointManager({ state, sysctl, addresses, ipv6Enabled: true, log }),
    new MasqManager({ state }),
    new HostIPsManager({ state, hostname: "node-1", interfacePrefixes: ["cali"], addresses, log }),
    new NftablesManager({ state, config: VALUES, executor, log }),
  ];
  return managers;
}
