/**
 * Which interface each local host endpoint applies to (upstream's endpoint manager resolution):
 * `interfaceName: "*"` is every interface; a named interface is used as given; an endpoint with
 * only expected IPs applies to each interface holding one of those addresses. One endpoint per
 * interface: a named match beats an address match, then the lowest endpoint id wins.
 *
 * @module
 */
import { compareStrings } from "../../lib/order.ts";
import type { HostEndpoint } from "../../proto/messages.ts";
import type { RenderHostEndpoint } from "../rules/render_input.ts";
import type { InterfaceAddrs } from "./interface_addrs.ts";

/** Whether some endpoint needs the host's addresses to be resolved. */
export function needsAddresses(heps: ReadonlyMap<string, HostEndpoint>): boolean {
  for (const h of heps.values()) if (h.name === "") return true;
  return false;
}

interface Claim {
  readonly id: string;
  readonly named: boolean;
}

function better(a: Claim, b: Claim): boolean {
  if (a.named !== b.named) return a.named;
  return a.id < b.id;
}

/**
 * Resolve every endpoint. Keys are endpoint ids; an endpoint that applies to several interfaces
 * gets `<id>/<iface>` keys for the second and later ones (interfaces in name order).
 */
export function resolveHostEndpoints(
  heps: ReadonlyMap<string, HostEndpoint>,
  ifaces: readonly InterfaceAddrs[],
): Map<string, RenderHostEndpoint> {
  const winners = new Map<string, Claim>();
  const claim = (iface: string, c: Claim) => {
    const prior = winners.get(iface);
    if (prior === undefined || better(c, prior)) winners.set(iface, c);
  };
  const sorted = [...ifaces].sort((a, b) => compareStrings(a.name, b.name));
  for (const [id, h] of heps) {
    if (h.name !== "") {
      claim(h.name, { id, named: true });
      continue;
    }
    const expected = new Set([...h.expectedIPv4Addrs, ...h.expectedIPv6Addrs]);
    for (const i of sorted) {
      if (i.addrs.some((a) => expected.has(a))) claim(i.name, { id, named: false });
    }
  }
  const out = new Map<string, RenderHostEndpoint>();
  const names = [...winners.keys()].sort();
  for (const iface of names) {
    const { id } = winners.get(iface)!;
    const key = out.has(id) ? `${id}/${iface}` : id;
    out.set(key, { endpoint: heps.get(id)!, interfaceName: iface });
  }
  return out;
}
