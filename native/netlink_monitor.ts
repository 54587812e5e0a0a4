/**
 * A multicast rtnetlink monitor that never blocks the event loop (reference/native-access.md §3):
 * a `nonblocking: true` `poll` on the netlink fd and an eventfd waits on a Deno pool thread; when
 * the netlink fd is readable, the JS thread drains it with `MSG_DONTWAIT`, decodes the messages
 * and hands them to `onMessages`. `close()` writes the eventfd, which wakes the poll, so the
 * process can exit (a pending blocking `recv` would keep it alive).
 *
 * A receive-queue overrun (ENOBUFS: the kernel dropped messages) calls `onOverrun`; the listener
 * must then re-read the state it tracks with a dump.
 *
 * @module
 */
import { type Libc, LIBC_CONST as C, openLibc } from "./libc.ts";
import { decodeRtnl, type RtnlMessage } from "./netlink_codec.ts";
import { NetlinkSocket, NetlinkSocketError } from "./netlink_socket.ts";

/** Options of `NetlinkMonitor.open`. */
export interface NetlinkMonitorOptions {
  /** `RTNLGRP_*` groups to join. */
  readonly groups: readonly number[];
  /** Messages of one drained batch, in kernel order. */
  readonly onMessages: (msgs: readonly RtnlMessage[]) => void;
  /** Messages were lost: re-read the state. */
  readonly onOverrun?: () => void;
  /** The monitor stopped on an error. */
  readonly onError?: (e: Error) => void;
  readonly libc?: Libc;
}

const POLLFD_BYTES = 8;
/** Failed polls in a row before the monitor gives up (a closed descriptor would spin). */
const MAX_POLL_FAILURES = 100;

/** A running monitor; `close()` stops it. */
export class NetlinkMonitor {
  readonly #libc: Libc;
  readonly #ownsLibc: boolean;
  readonly #sock: NetlinkSocket;
  readonly #eventFd: number;
  readonly #opts: NetlinkMonitorOptions;
  readonly #loop: Promise<void>;
  #closing = false;

  private constructor(opts: NetlinkMonitorOptions, libc: Libc, ownsLibc: boolean) {
    this.#opts = opts;
    this.#libc = libc;
    this.#ownsLibc = ownsLibc;
    this.#sock = NetlinkSocket.open({
      groups: opts.groups,
      nonblocking: true,
      receiveBufferBytes: 8 << 20,
      libc,
    });
    this.#eventFd = libc.symbols.eventfd(0, C.EFD_CLOEXEC | C.EFD_NONBLOCK);
    if (this.#eventFd < 0) {
      const errno = libc.errno();
      this.#sock.close();
      throw new NetlinkSocketError("create the monitor's eventfd", errno);
    }
    this.#loop = this.#run();
  }

  /** Join the groups (in the calling thread's network namespace) and start delivering. */
  static open(opts: NetlinkMonitorOptions): NetlinkMonitor {
    const libc = opts.libc ?? openLibc();
    try {
      return new NetlinkMonitor(opts, libc, opts.libc === undefined);
    } catch (e) {
      if (opts.libc === undefined) libc.close();
      throw e;
    }
  }

  async #run(): Promise<void> {
    const fds = new Uint8Array(2 * POLLFD_BYTES);
    const v = new DataView(fds.buffer);
    let failures = 0;
    try {
      for (;;) {
        v.setInt32(0, this.#sock.fd, true);
        v.setInt16(4, C.POLLIN, true);
        v.setInt16(6, 0, true);
        v.setInt32(8, this.#eventFd, true);
        v.setInt16(12, C.POLLIN, true);
        v.setInt16(14, 0, true);
        const n = await this.#libc.symbols.pollNb(fds, 2n, -1);
        if (this.#closing || (v.getInt16(14, true) & C.POLLIN) !== 0) return;
        // EINTR on the pool thread (errno is not readable there); anything lasting is an error.
        if (n < 0 && ++failures < MAX_POLL_FAILURES) continue;
        if (n < 0) throw new NetlinkSocketError("poll (failing repeatedly)", -1);
        failures = 0;
        const revents = v.getInt16(6, true);
        if ((revents & C.POLLNVAL) !== 0) throw new NetlinkSocketError("poll (closed)", -1);
        if ((revents & (C.POLLIN | C.POLLERR)) !== 0) this.#drain();
      }
    } catch (e) {
      if (!this.#closing) this.#opts.onError?.(e instanceof Error ? e : new Error(String(e)));
    }
  }

  #drain(): void {
    const batch: RtnlMessage[] = [];
    for (;;) {
      let msgs;
      try {
        msgs = this.#sock.receive(true);
      } catch (e) {
        if (e instanceof NetlinkSocketError && e.errno === C.ENOBUFS) {
          if (batch.length > 0) this.#opts.onMessages(batch.splice(0));
          this.#opts.onOverrun?.();
          continue;
        }
        throw e;
      }
      if (msgs === undefined) break;
      for (const m of msgs) {
        const decoded = decodeRtnl(m);
        if (decoded !== undefined) batch.push(decoded);
      }
    }
    if (batch.length > 0) this.#opts.onMessages(batch);
  }

  /** Stop: wake the poll, wait for the loop to end, close the descriptors. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing) return await this.#loop;
    this.#closing = true;
    const one = new Uint8Array(8);
    new DataView(one.buffer).setBigUint64(0, 1n, true);
    this.#libc.symbols.write(this.#eventFd, one, 8n);
    await this.#loop;
    this.#libc.symbols.close(this.#eventFd);
    this.#sock.close();
    if (this.#ownsLibc) this.#libc.close();
  }
}
