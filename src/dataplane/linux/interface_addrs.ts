/**
 * The host's interfaces and their addresses (STYLE rule 9): `IpCommandAddresses` asks
 * `ip -j addr show` (a netlink dump through iproute2; TODO: switch to the routing stage's
 * rtnetlink address dump once it lands), `StaticAddresses` is the fake.
 *
 * @module
 */

/** One interface and its addresses (bare IPs, both families). */
export interface InterfaceAddrs {
  readonly name: string;
  readonly addrs: readonly string[];
}

/** Lists interfaces with their addresses. */
export interface AddressSource {
  list(): Promise<readonly InterfaceAddrs[]>;
}

interface IpAddrJson {
  readonly ifname?: string;
  readonly addr_info?: readonly { readonly local?: string; readonly family?: string }[];
}

/** Parse `ip -j addr show` output. */
export function parseIpAddrJson(text: string): InterfaceAddrs[] {
  const doc = JSON.parse(text) as readonly IpAddrJson[];
  if (!Array.isArray(doc)) throw new TypeError("Cannot read `ip -j addr` output: not an array");
  return doc.filter((i) => typeof i.ifname === "string").map((i: IpAddrJson) => ({
    name: i.ifname!,
    addrs: (i.addr_info ?? []).flatMap((a) => a.local === undefined ? [] : [a.local]),
  }));
}

/** Runs `ip -j addr show` in the process's network namespace. */
export class IpCommandAddresses implements AddressSource {
  async list(): Promise<readonly InterfaceAddrs[]> {
    const out = await new Deno.Command("ip", {
      args: ["-j", "addr", "show"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    if (!out.success) {
      throw new Error(
        `Cannot list the host's addresses: "ip -j addr show" said ${dec.decode(out.stderr).trim()}`,
      );
    }
    return parseIpAddrJson(dec.decode(out.stdout));
  }
}

/** A fixed list of interfaces (tests; `--once` without I/O). */
export class StaticAddresses implements AddressSource {
  interfaces: readonly InterfaceAddrs[];
  /** How many times `list` was called. */
  calls = 0;

  constructor(interfaces: readonly InterfaceAddrs[] = []) {
    this.interfaces = interfaces;
  }

  list(): Promise<readonly InterfaceAddrs[]> {
    this.calls++;
    return Promise.resolve(this.interfaces);
  }
}
