/**
 * MTU rules (reference/bpf-routing.md §6.2): the host MTU is the smallest MTU of the up links
 * whose names match `MTUIfacePattern` (1460 when none match); each encapsulation's device MTU is
 * its configured value, or the host MTU less its overhead; the pod MTU (written for the CNI
 * plugin) is the smallest MTU of the enabled encapsulations, or the host MTU. Pure.
 *
 * @module
 */

/** Per-packet overhead of each encapsulation, in bytes. */
export const MTU_OVERHEAD = {
  ipip: 20,
  vxlan: 50,
  vxlanV6: 70,
  wireguard: 60,
  wireguardV6: 80,
} as const;

/** The host MTU when no interface matches the pattern. */
export const DEFAULT_HOST_MTU = 1460;

/** A link as MTU detection sees it. */
export interface MtuLink {
  readonly name: string;
  readonly mtu: number;
  readonly up: boolean;
}

/** The smallest MTU of the up links matching `pattern`, or `DEFAULT_HOST_MTU`. */
export function detectHostMTU(links: Iterable<MtuLink>, pattern: RegExp): number {
  let smallest = 0;
  for (const l of links) {
    if (!l.up || l.mtu <= 0 || !pattern.test(l.name)) continue;
    if (smallest === 0 || l.mtu < smallest) smallest = l.mtu;
  }
  return smallest === 0 ? DEFAULT_HOST_MTU : smallest;
}

/** An encapsulation's device MTU: `configured` when set (> 0), else host MTU less overhead. */
export function encapMTU(hostMTU: number, configured: number, overhead: number): number {
  return configured > 0 ? configured : hostMTU - overhead;
}

/** Which encapsulations are on, with their configured MTUs (0 = auto). */
export interface EncapMTUs {
  readonly hostMTU: number;
  readonly vxlan?: number;
  readonly vxlanV6?: number;
  readonly ipip?: number;
  readonly wireguard?: number;
  readonly wireguardV6?: number;
}

/** The pod MTU: the smallest MTU among the enabled encapsulations, else the host MTU. */
export function podMTU(e: EncapMTUs): number {
  const mtus: number[] = [];
  const add = (configured: number | undefined, overhead: number) => {
    if (configured !== undefined) mtus.push(encapMTU(e.hostMTU, configured, overhead));
  };
  add(e.vxlan, MTU_OVERHEAD.vxlan);
  add(e.vxlanV6, MTU_OVERHEAD.vxlanV6);
  add(e.ipip, MTU_OVERHEAD.ipip);
  add(e.wireguard, MTU_OVERHEAD.wireguard);
  add(e.wireguardV6, MTU_OVERHEAD.wireguardV6);
  return mtus.length === 0 ? e.hostMTU : Math.min(...mtus);
}

/** `MTUIfacePattern` as a RegExp; an invalid pattern falls back to the upstream default. */
export function mtuIfacePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return /^((en|wl|ww|sl|ib)[Pcopsvx].*|(eth|wlan|wwan).*)/;
  }
}
