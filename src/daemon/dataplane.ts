/**
 * The Linux dataplane's composition: which managers run, in which order, over which OS access.
 * Managers record in `onUpdate` and program in `completeDeferredWork`, called in list order; the
 * nftables manager renders what the others recorded, so it comes last.
 *
 * @module
 */
import type { ConfigValues } from "../config/config_values.ts";
import type { Log } from "../lib/log.ts";
import { EndpointManager } from "../dataplane/linux/endpoint_manager.ts";
import { HostIPsManager } from "../dataplane/linux/host_ips_manager.ts";
import type { AddressSource } from "../dataplane/linux/interface_addrs.ts";
import { IPSetsManager } from "../dataplane/linux/ipsets_manager.ts";
import type { Manager } from "../dataplane/linux/manager.ts";
import { MasqManager } from "../dataplane/linux/masq_manager.ts";
import { NftablesManager } from "../dataplane/linux/nftables_manager.ts";
import { PolicyManager } from "../dataplane/linux/policy_manager.ts";
import { RenderState } from "../dataplane/linux/render_state.ts";
import { ProcSysctl, type SysctlWriter } from "../dataplane/linux/sysctl.ts";
import { LibnftablesExecutor, type NftExecutor } from "../dataplane/nftables/nft_executor.ts";
import { rulesConfigFrom } from "../dataplane/rules/render_input.ts";
import {
  createRoutingManagers,
  IfaceMonitor,
  kernelIfaceEvents,
  NetlinkAddresses,
} from "../dataplane/routing/mod.ts";
import { RtnlClient } from "../../native/netlink.ts";

/** OS access the managers use; each defaults to the real one. */
export interface DataplaneDeps {
  readonly executor?: NftExecutor;
  readonly sysctl?: SysctlWriter;
  readonly addresses?: AddressSource;
  /**
   * Record only (`felix --once` without `--apply`): no sysctls, no address dumps; this host's
   * addresses come from its Node resource. The nftables executor is never called.
   */
  readonly offline?: boolean;
}

/** The managers of the Linux dataplane, in apply order; the nftables manager is last. */
export function buildManagers(config: ConfigValues, log: Log, deps: DataplaneDeps = {}): Manager[] {
  const state = new RenderState(rulesConfigFrom(config));
  const online = deps.offline !== true;
  if (online && config.NFTablesMode === "Disabled") {
    log.warn("NFTablesMode is Disabled, but this build has no iptables backend; using nftables");
  }
  const kernel = online ? interfaces(config, log) : undefined;
  const addresses = online
    ? deps.addresses ?? new NetlinkAddresses({ monitor: kernel!.ifaces })
    : undefined;
  const sysctl = online ? deps.sysctl ?? new ProcSysctl() : undefined;
  const prefixes = config.InterfacePrefix.length > 0 ? config.InterfacePrefix : ["cali"];
  const requestApply = () => kernel?.kick.requestApply();
  return [
    new IPSetsManager({ state }),
    new PolicyManager({ state }),
    new EndpointManager({
      state,
      ipv6Enabled: config.Ipv6Support,
      log,
      ...(sysctl === undefined ? {} : { sysctl }),
      ...(addresses === undefined ? {} : { addresses }),
      ...(kernel === undefined ? {} : { ifaces: kernel.ifaces }),
    }),
    new MasqManager({ state }),
    new HostIPsManager({
      state,
      hostname: config.FelixHostname,
      interfacePrefixes: prefixes,
      externalNodesCIDRs: config.ExternalNodesCIDRList,
      log,
      ...(addresses === undefined ? {} : { addresses }),
    }),
    // Routing managers (MTU file, tunl0, VXLAN devices and VTEP entries, routes) over rtnetlink.
    ...(kernel === undefined ? [] : [
      ...createRoutingManagers({
        config,
        log,
        netlink: kernel.netlink,
        ifaces: kernel.ifaces,
        requestApply,
      }),
      kernel.closer,
    ]),
    new NftablesManager({
      state,
      config,
      executor: deps.executor ?? new LibnftablesExecutor(),
      log,
    }),
  ];
}

/** The loop's apply request, known once the loop binds the managers (`setRequestApply`). */
class ApplyKick {
  #requestApply: (() => void) | undefined;

  bind(requestApply: () => void): void {
    this.#requestApply = requestApply;
  }

  requestApply(): void {
    this.#requestApply?.();
  }
}

/**
 * One rtnetlink client and one interface monitor for the whole dataplane: the routing managers,
 * the endpoint manager and the host-IP manager all see the same, live view of the interfaces
 * and their addresses (no `ip` process, no polling). The routing managers ask for an apply
 * through the loop when an interface comes up (`kick`, bound by the loop through `closer`).
 */
function interfaces(config: ConfigValues, log: Log): {
  netlink: RtnlClient;
  ifaces: IfaceMonitor;
  closer: Manager;
  kick: ApplyKick;
} {
  const netlink = RtnlClient.open({ timeoutMs: config.NetlinkTimeoutSecs * 1000 });
  const ifaces = new IfaceMonitor({ netlink, log, events: kernelIfaceEvents(log) });
  ifaces.start();
  const kick = new ApplyKick();
  const closer: Manager = {
    name: "interfaces",
    onUpdate() {},
    completeDeferredWork: () => Promise.resolve(),
    setRequestApply: (requestApply) => kick.bind(requestApply),
    async close() {
      await ifaces.close();
      netlink.close();
    },
  };
  return { netlink, ifaces, closer, kick };
}

/** The nftables manager of a list built by `buildManagers`. */
export function nftablesManagerOf(managers: readonly Manager[]): NftablesManager {
  const m = managers.find((x): x is NftablesManager => x instanceof NftablesManager);
  if (m === undefined) throw new TypeError("Cannot find the nftables manager in the list");
  return m;
}
