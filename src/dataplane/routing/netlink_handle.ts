/**
 * The netlink operations the routing reconcilers use (STYLE rule 9): four dumps and change
 * requests, one at a time or pipelined. `native/netlink.ts`'s `RtnlClient` is the real one;
 * `fake_netlink.ts` is a stateful fake kernel for unit tests. Calls are synchronous: rtnetlink
 * answers inside the syscall (about 30 µs a route), so a reconciler never awaits the kernel.
 *
 * @module
 */
import type {
  AddrMsg,
  LinkMsg,
  NeighMsg,
  NetlinkError,
  RouteMsg,
  RtnlRequest,
} from "../../../native/netlink_codec.ts";

export type { AddrMsg, LinkMsg, NeighMsg, NetlinkError, RouteMsg, RtnlRequest };

/** rtnetlink, as the reconcilers see it. */
export interface NetlinkHandle {
  listLinks(): LinkMsg[];
  /** Addresses of a family (AF_INET 2, AF_INET6 10; 0 for both). */
  listAddrs(family: number): AddrMsg[];
  /** Routes of a family, every table. */
  listRoutes(family: number): RouteMsg[];
  /** Neighbours of a family (AF_BRIDGE 7: FDB entries). */
  listNeighs(family: number): NeighMsg[];
  /** One change; throws a `NetlinkError` (with `errno`) when the kernel refuses it. */
  exec(req: RtnlRequest): void;
  /** Many changes; per request, undefined when done or the refusal. */
  execBatch(reqs: readonly RtnlRequest[]): (NetlinkError | undefined)[];
}

/** The errno of a failed netlink call, if it carries one. */
export function errnoOf(e: unknown): number | undefined {
  const errno = (e as { errno?: unknown } | null)?.errno;
  return typeof errno === "number" ? errno : undefined;
}

/** Errnos the reconcilers treat specially. */
export const ERRNO = {
  ENOENT: 2,
  ESRCH: 3,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  EOPNOTSUPP: 95,
  ENETDOWN: 100,
  ENETUNREACH: 101,
} as const;
