/**
 * Writing `/proc/sys` values (STYLE rule 9): `ProcSysctl` writes the files, `MemorySysctl` is the
 * stateful fake for tests (its interfaces appear and vanish, and it can be told to fail).
 * A path of an interface that does not exist fails with `Deno.errors.NotFound`.
 *
 * @module
 */

/** Writes sysctl values by path (`/proc/sys/net/ipv4/conf/cali1/proxy_arp`). */
export interface SysctlWriter {
  /** Write `value`; rejects with `Deno.errors.NotFound` when the path does not exist. */
  write(path: string, value: string): Promise<void>;
  /** Whether a directory such as `/proc/sys/net/ipv6` exists. */
  exists(path: string): Promise<boolean>;
}

/** The real `/proc/sys` (of the network namespace the process runs in). */
export class ProcSysctl implements SysctlWriter {
  async write(path: string, value: string): Promise<void> {
    // A missing path means a missing interface: never create it.
    await Deno.writeTextFile(path, value, { create: false });
  }

  async exists(path: string): Promise<boolean> {
    try {
      await Deno.stat(path);
      return true;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    }
  }
}

/** A fake `/proc/sys`: interfaces exist when added; values are recorded in write order. */
export class MemorySysctl implements SysctlWriter {
  readonly values = new Map<string, string>();
  readonly writes: string[] = [];
  readonly #ifaces = new Set<string>();
  #ipv6 = true;
  #failNext: Error | undefined;

  /** Make interface `name` exist (its conf/neigh directories appear). */
  addInterface(name: string): void {
    this.#ifaces.add(name);
  }

  /** Make interface `name` vanish. */
  removeInterface(name: string): void {
    this.#ifaces.delete(name);
  }

  /** Turn the whole `/proc/sys/net/ipv6` tree off (IPv6 disabled in the kernel). */
  disableIPv6(): void {
    this.#ipv6 = false;
  }

  /** Fail the next write with `error`. */
  failNext(error: Error): void {
    this.#failNext = error;
  }

  #present(path: string): boolean {
    const m = path.match(/^\/proc\/sys\/net\/(ipv4|ipv6)\/(?:conf|neigh)\/([^/]+)/);
    if (m === null) return true;
    if (m[1] === "ipv6" && !this.#ipv6) return false;
    return m[2] === "all" || m[2] === "default" || this.#ifaces.has(m[2]!);
  }

  write(path: string, value: string): Promise<void> {
    const err = this.#failNext;
    this.#failNext = undefined;
    if (err !== undefined) return Promise.reject(err);
    if (!this.#present(path)) {
      return Promise.reject(new Deno.errors.NotFound(`No such file or directory: ${path}`));
    }
    this.values.set(path, value);
    this.writes.push(`${path}=${value}`);
    return Promise.resolve();
  }

  exists(path: string): Promise<boolean> {
    if (path.startsWith("/proc/sys/net/ipv6")) return Promise.resolve(this.#ipv6);
    return Promise.resolve(true);
  }
}
