/**
 * The host's interfaces and their addresses (STYLE rule 9): the real source is
 * `NetlinkAddresses` (`iface_addresses.ts`, from the shared interface monitor over rtnetlink);
 * `StaticAddresses` is the fake.
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
