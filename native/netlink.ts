/**
 * `RtnlClient`: typed rtnetlink operations over a `NetlinkSocket` (dumps of links, addresses,
 * routes and neighbours; add/replace/set/delete requests, one at a time or pipelined). This is
 * the real implementation of the dataplane's netlink handle; `src/dataplane/routing/` holds the
 * interface and a stateful fake.
 *
 * @module
 */
import { type Libc, LIBC_CONST } from "./libc.ts";
import {
  type AddrMsg,
  decodeAddr,
  decodeLink,
  decodeNeigh,
  decodeRoute,
  describeRequest,
  DUMP_FLAGS,
  type DumpKind,
  dumpRequest,
  type LinkMsg,
  type NeighMsg,
  type NetlinkError,
  type NlMessage,
  requestMessage,
  type RouteMsg,
  type RtnlRequest,
} from "./netlink_codec.ts";
import { NetlinkSocket } from "./netlink_socket.ts";

/** Options of `RtnlClient.open`. */
export interface RtnlClientOptions {
  readonly libc?: Libc;
  /** `NetlinkTimeoutSecs` in milliseconds (default 10 s). */
  readonly timeoutMs?: number;
}

const DUMP_RETRIES = 3;

/** Typed rtnetlink requests on one socket. */
export class RtnlClient {
  readonly #sock: NetlinkSocket;

  constructor(sock: NetlinkSocket) {
    this.#sock = sock;
  }

  /** A client on a new socket in the calling thread's network namespace. */
  static open(opts: RtnlClientOptions = {}): RtnlClient {
    return new RtnlClient(
      NetlinkSocket.open({
        receiveBufferBytes: 4 << 20,
        ...(opts.libc === undefined ? {} : { libc: opts.libc }),
        ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      }),
    );
  }

  #dump(kind: DumpKind, family: number): NlMessage[] {
    const { type, payload } = dumpRequest(kind, family);
    for (let attempt = 1;; attempt++) {
      try {
        return this.#sock.request({ type, flags: DUMP_FLAGS, payload }, `dump ${kind}s`);
      } catch (e) {
        // A dump interrupted by a concurrent change is retried, as iproute2 does.
        if (attempt >= DUMP_RETRIES || (e as NetlinkError).errno !== LIBC_CONST.EINTR) throw e;
      }
    }
  }

  /** Every link. */
  listLinks(): LinkMsg[] {
    return this.#dump("link", 0).map((m) => decodeLink(m.payload));
  }

  /** Every address of `family` (AF_INET / AF_INET6; 0 for both). */
  listAddrs(family: number): AddrMsg[] {
    return this.#dump("addr", family).map((m) => decodeAddr(m.payload));
  }

  /** Every route of `family`, all tables. */
  listRoutes(family: number): RouteMsg[] {
    return this.#dump("route", family).map((m) => decodeRoute(m.payload));
  }

  /** Every neighbour (or, with AF_BRIDGE, FDB entry) of `family`. */
  listNeighs(family: number): NeighMsg[] {
    return this.#dump("neigh", family).map((m) => decodeNeigh(m.payload));
  }

  /** One change; a refusal throws `NetlinkError`. */
  exec(req: RtnlRequest): void {
    this.#sock.request(requestMessage(req), describeRequest(req));
  }

  /** Many changes pipelined; per request, undefined or the refusal. */
  execBatch(reqs: readonly RtnlRequest[]): (NetlinkError | undefined)[] {
    return this.#sock.batch(reqs.map(requestMessage), (i) => describeRequest(reqs[i]!));
  }

  /** Close the socket. */
  close(): void {
    this.#sock.close();
  }
}
