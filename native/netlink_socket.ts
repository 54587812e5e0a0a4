/**
 * An `AF_NETLINK`/`NETLINK_ROUTE` socket over libc FFI (reference/native-access.md §3), with
 * extended ACKs on. Requests are synchronous on the calling thread: rtnetlink handles a request
 * inside `sendto`, so its answer is queued before `recv` runs (about 30 µs a route). `batch`
 * pipelines many requests in one `sendto` and collects one ACK each.
 *
 * The socket belongs to the network namespace of the thread that opened it.
 *
 * @module
 */
import { type Libc, LIBC_CONST as C, openLibc } from "./libc.ts";
import { NLM_F, NLMSG } from "./netlink_consts.ts";
import {
  decodeError,
  decodeMessages,
  encodeMessage,
  NetlinkError,
  type NlMessage,
} from "./netlink_message.ts";

/** Options of `NetlinkSocket.open`. */
export interface NetlinkSocketOptions {
  /** Multicast groups (`RTNLGRP_*`) to join. */
  readonly groups?: readonly number[];
  /** Open the socket non-blocking (monitors). */
  readonly nonblocking?: boolean;
  /** Receive buffer size to request (SO_RCVBUFFORCE, else SO_RCVBUF). */
  readonly receiveBufferBytes?: number;
  /** A libc handle to use; otherwise the socket opens (and closes) its own. */
  readonly libc?: Libc;
  /** Give up waiting for an answer after this long (default 10 s, `NetlinkTimeoutSecs`). */
  readonly timeoutMs?: number;
}

/** One request of a batch. */
export interface NlRequest {
  readonly type: number;
  readonly flags: number;
  readonly payload: Uint8Array;
}

/** A socket call failed (not a kernel answer). */
export class NetlinkSocketError extends Error {
  readonly errno: number;
  constructor(call: string, errno: number) {
    super(`Cannot ${call} on the netlink socket: errno ${errno}`);
    this.name = "NetlinkSocketError";
    this.errno = errno;
  }
}

const RECV_BYTES = 1 << 20;
const BATCH_CHUNK = 128;

function u32Buf(v: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

/** A netlink route socket. */
export class NetlinkSocket {
  readonly #libc: Libc;
  readonly #ownsLibc: boolean;
  readonly #fd: number;
  readonly #recvBuf = new Uint8Array(RECV_BYTES);
  #seq = Math.floor(Math.random() * 0x7fff_0000);
  #closed = false;

  private constructor(libc: Libc, ownsLibc: boolean, fd: number) {
    this.#libc = libc;
    this.#ownsLibc = ownsLibc;
    this.#fd = fd;
  }

  /** Open, configure and bind a socket in the calling thread's network namespace. */
  static open(opts: NetlinkSocketOptions = {}): NetlinkSocket {
    const libc = opts.libc ?? openLibc();
    const s = libc.symbols;
    const type = C.SOCK_RAW | C.SOCK_CLOEXEC | (opts.nonblocking === true ? C.SOCK_NONBLOCK : 0);
    const fd = s.socket(C.AF_NETLINK, type, 0);
    if (fd < 0) {
      const errno = libc.errno();
      if (opts.libc === undefined) libc.close();
      throw new NetlinkSocketError("create", errno);
    }
    const sock = new NetlinkSocket(libc, opts.libc === undefined, fd);
    try {
      sock.#configure(opts);
    } catch (e) {
      sock.close();
      throw e;
    }
    return sock;
  }

  #configure(opts: NetlinkSocketOptions): void {
    const s = this.#libc.symbols;
    const one = u32Buf(1);
    s.setsockopt(this.#fd, C.SOL_NETLINK, C.NETLINK_EXT_ACK, one, 4);
    s.setsockopt(this.#fd, C.SOL_NETLINK, C.NETLINK_CAP_ACK, one, 4);
    if (opts.receiveBufferBytes !== undefined) {
      const size = u32Buf(opts.receiveBufferBytes);
      if (s.setsockopt(this.#fd, C.SOL_SOCKET, C.SO_RCVBUFFORCE, size, 4) < 0) {
        s.setsockopt(this.#fd, C.SOL_SOCKET, C.SO_RCVBUF, size, 4);
      }
    }
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const tv = new Uint8Array(16);
    const tvView = new DataView(tv.buffer);
    tvView.setBigInt64(0, BigInt(Math.floor(timeoutMs / 1000)), true);
    tvView.setBigInt64(8, BigInt((timeoutMs % 1000) * 1000), true);
    s.setsockopt(this.#fd, C.SOL_SOCKET, C.SO_RCVTIMEO, tv, 16);
    let groups = 0;
    for (const g of opts.groups ?? []) if (g <= 32) groups |= 1 << (g - 1);
    const addr = new Uint8Array(12);
    const v = new DataView(addr.buffer);
    v.setUint16(0, C.AF_NETLINK, true);
    v.setUint32(8, groups >>> 0, true);
    if (s.bind(this.#fd, addr, 12) < 0) throw new NetlinkSocketError("bind", this.#libc.errno());
  }

  /** The file descriptor (for `poll`). */
  get fd(): number {
    return this.#fd;
  }

  /** The libc handle the socket uses. */
  get libc(): Libc {
    return this.#libc;
  }

  #nextSeq(): number {
    this.#seq = (this.#seq + 1) >>> 0;
    return this.#seq;
  }

  /** Send raw bytes to the kernel. */
  send(bytes: Uint8Array<ArrayBuffer>): void {
    const kernel = new Uint8Array(12);
    new DataView(kernel.buffer).setUint16(0, C.AF_NETLINK, true);
    const n = Number(
      this.#libc.symbols.sendto(this.#fd, bytes, BigInt(bytes.length), 0, kernel, 12),
    );
    if (n < 0) throw new NetlinkSocketError("send", this.#libc.errno());
  }

  /**
   * Receive one datagram's messages. With `dontWait`, undefined when nothing is queued. A receive
   * queue overrun throws a `NetlinkSocketError` with errno ENOBUFS (messages were lost).
   */
  receive(dontWait = false): NlMessage[] | undefined {
    const flags = dontWait ? C.MSG_DONTWAIT : 0;
    const buf = this.#recvBuf;
    for (;;) {
      const n = Number(this.#libc.symbols.recv(this.#fd, buf, BigInt(buf.length), flags));
      if (n >= 0) return decodeMessages(buf.slice(0, n));
      const errno = this.#libc.errno();
      // A signal (SIGTERM, SIGHUP) landing on this thread interrupts the wait: wait again.
      if (errno === C.EINTR) continue;
      if (errno === C.EAGAIN && dontWait) return undefined;
      throw new NetlinkSocketError(errno === C.EAGAIN ? "receive (timed out)" : "receive", errno);
    }
  }

  /**
   * Send one request with ACK and wait for its answer: the object messages of a dump (or of an
   * ECHO), nothing for a plain change. A kernel error throws `NetlinkError` naming `what`.
   */
  request(req: NlRequest, what: string): NlMessage[] {
    const seq = this.#nextSeq();
    const isDump = (req.flags & NLM_F.DUMP) === NLM_F.DUMP;
    this.send(encodeMessage(req.type, req.flags | NLM_F.REQUEST | NLM_F.ACK, seq, req.payload));
    const out: NlMessage[] = [];
    for (;;) {
      for (const m of this.receive() ?? []) {
        if (m.seq !== seq) continue;
        if (m.type === NLMSG.ERROR) {
          const err = decodeError(m.payload, m.flags);
          if (err.errno !== 0) throw new NetlinkError(what, err);
          if (!isDump) return out;
        } else if (m.type === NLMSG.DONE) {
          if ((m.flags & NLM_F.DUMP_INTR) !== 0) {
            throw new NetlinkError(what, { errno: C.EINTR, message: "dump was interrupted" });
          }
          return out;
        } else {
          out.push(m);
        }
      }
    }
  }

  /**
   * Send many change requests, `BATCH_CHUNK` per `sendto`, each with its own ACK; the result
   * holds, per request, undefined (done) or the kernel's refusal. The kernel goes on after a
   * refused request, so one failure does not stop the rest.
   */
  batch(reqs: readonly NlRequest[], describe: (i: number) => string): (NetlinkError | undefined)[] {
    const results = new Array<NetlinkError | undefined>(reqs.length).fill(undefined);
    for (let start = 0; start < reqs.length; start += BATCH_CHUNK) {
      const end = Math.min(reqs.length, start + BATCH_CHUNK);
      const bySeq = new Map<number, number>();
      const parts: Uint8Array[] = [];
      for (let i = start; i < end; i++) {
        const r = reqs[i]!;
        const seq = this.#nextSeq();
        bySeq.set(seq, i);
        parts.push(encodeMessage(r.type, r.flags | NLM_F.REQUEST | NLM_F.ACK, seq, r.payload));
      }
      const total = parts.reduce((n, p) => n + p.length, 0);
      const buf = new Uint8Array(total);
      let off = 0;
      for (const p of parts) {
        buf.set(p, off);
        off += p.length;
      }
      this.send(buf);
      this.#collectAcks(bySeq, results, describe);
    }
    return results;
  }

  #collectAcks(
    bySeq: Map<number, number>,
    results: (NetlinkError | undefined)[],
    describe: (i: number) => string,
  ): void {
    while (bySeq.size > 0) {
      for (const m of this.receive() ?? []) {
        const i = bySeq.get(m.seq);
        if (i === undefined || m.type !== NLMSG.ERROR) continue;
        bySeq.delete(m.seq);
        const err = decodeError(m.payload, m.flags);
        if (err.errno !== 0) results[i] = new NetlinkError(describe(i), err);
      }
    }
  }

  /** Close the socket (and the libc handle it opened). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#libc.symbols.close(this.#fd);
    if (this.#ownsLibc) this.#libc.close();
  }
}
