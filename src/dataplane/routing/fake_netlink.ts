/**
 * A stateful fake kernel behind `NetlinkHandle` (STYLE rule 9) for unit tests of the routing
 * reconcilers: links (with the kinds it is told it supports), addresses, routes, neighbours and
 * FDB entries, with the kernel's answers for the cases the reconcilers meet (EEXIST on add,
 * ESRCH on deleting a missing route, ENODEV for an unknown link, ENETDOWN for a route through a
 * down link, "Unknown device type" for an unsupported kind; a link going down or away takes its
 * routes with it). `failNext` makes the next matching request fail; `requests` records every
 * change request with its outcome.
 *
 * @module
 */
import { describeRequest, NetlinkError } from "../../../native/netlink_codec.ts";
import type {
  AddrMsg,
  LinkMsg,
  NeighMsg,
  NetlinkHandle,
  RouteMsg,
  RtnlRequest,
} from "./netlink_handle.ts";
import { compareStrings } from "../../lib/order.ts";
import { ERRNO } from "./netlink_handle.ts";

/** A failure to inject. */
export interface InjectedFailure {
  readonly errno: number;
  readonly message?: string;
  /** Only requests this accepts fail (default: the next request of any kind). */
  readonly match?: (req: RtnlRequest) => boolean;
}

/** One recorded change request. */
export interface RecordedRequest {
  readonly req: RtnlRequest;
  /** The errno it failed with, or 0. */
  readonly errno: number;
}

/** Options of `FakeNetlink`. */
export interface FakeNetlinkOptions {
  /** Link kinds `add` accepts (default veth, vxlan, dummy). */
  readonly supportedKinds?: readonly string[];
}

const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;
const IFF_LOWER_UP = 0x10000;
const LINK_UP = IFF_UP | IFF_RUNNING | IFF_LOWER_UP;

function fail(req: RtnlRequest, errno: number, message?: string): never {
  throw new NetlinkError(
    describeRequest(req),
    message === undefined ? { errno } : { errno, message },
  );
}

/** The fake kernel. */
export class FakeNetlink implements NetlinkHandle {
  readonly #kinds: ReadonlySet<string>;
  readonly #links = new Map<number, LinkMsg>();
  #addrs: AddrMsg[] = [];
  readonly #routes = new Map<string, RouteMsg>();
  readonly #neighs = new Map<string, NeighMsg>();
  readonly #failures: InjectedFailure[] = [];
  #nextIndex = 2;
  /** Every change request, in order, with its outcome. */
  readonly requests: RecordedRequest[] = [];
  /** Number of dumps served, per kind. */
  readonly dumps = { link: 0, addr: 0, route: 0, neigh: 0 };

  constructor(options: FakeNetlinkOptions = {}) {
    this.#kinds = new Set(options.supportedKinds ?? ["veth", "vxlan", "dummy"]);
    this.#links.set(1, { index: 1, flags: 0x8 | LINK_UP, name: "lo", mtu: 65536, linkType: 772 });
  }

  // ---- test helpers: direct state changes, not recorded as requests ----

  /** Create a link directly (up unless `up: false`); returns it. */
  addLink(name: string, opts: Partial<LinkMsg> & { up?: boolean } = {}): LinkMsg {
    const { up, ...rest } = opts;
    const link: LinkMsg = {
      linkType: 1,
      mtu: 1500,
      ...rest,
      index: this.#nextIndex++,
      name,
      flags: up === false ? 0 : LINK_UP,
    };
    this.#links.set(link.index, link);
    return link;
  }

  /** Set a link admin+oper up or down, as `ip link set` would (down drops its routes). */
  setLinkUp(name: string, up: boolean): void {
    const l = this.linkByName(name);
    if (l === undefined) throw new Error(`No fake link "${name}"`);
    this.#links.set(l.index, { ...l, flags: up ? l.flags | LINK_UP : l.flags & ~LINK_UP });
    if (!up) this.#dropRoutesVia(l.index);
  }

  /** Delete a link directly (its routes, addresses and neighbours go too). */
  removeLink(name: string): void {
    const l = this.linkByName(name);
    if (l !== undefined) this.#deleteLink(l.index);
  }

  /** Add a route directly (a foreign route, or one a previous agent left). */
  putRoute(route: RouteMsg): void {
    const r = normaliseRoute(route);
    this.#routes.set(routeKeyOf(r), r);
  }

  /** Add an address directly. */
  putAddr(addr: AddrMsg): void {
    this.#addrs.push(addr);
  }

  /** Make the next request that `f.match` accepts fail. */
  failNext(f: InjectedFailure): void {
    this.#failures.push(f);
  }

  linkByName(name: string): LinkMsg | undefined {
    for (const l of this.#links.values()) if (l.name === name) return l;
    return undefined;
  }

  /** Current routes (all families and tables), sorted by key. */
  routes(): RouteMsg[] {
    return [...this.#routes.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, r]) => r);
  }

  neighs(): NeighMsg[] {
    return [...this.#neighs.values()];
  }

  addrs(): AddrMsg[] {
    return [...this.#addrs];
  }

  /** Number of recorded requests per `action kind`, e.g. `{ "replace route": 3 }`. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { req } of this.requests) {
      const k = `${req.action} ${req.obj.kind}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  // ---- NetlinkHandle ----

  listLinks(): LinkMsg[] {
    this.dumps.link++;
    return [...this.#links.values()].sort((a, b) => a.index - b.index);
  }

  listAddrs(family: number): AddrMsg[] {
    this.dumps.addr++;
    return this.#addrs.filter((a) => family === 0 || a.family === family);
  }

  listRoutes(family: number): RouteMsg[] {
    this.dumps.route++;
    return this.routes().filter((r) => family === 0 || r.family === family);
  }

  listNeighs(family: number): NeighMsg[] {
    this.dumps.neigh++;
    return [...this.#neighs.values()].filter((n) => family === 0 || n.family === family);
  }

  exec(req: RtnlRequest): void {
    try {
      this.#injected(req);
      this.#apply(req);
      this.requests.push({ req, errno: 0 });
    } catch (e) {
      this.requests.push({ req, errno: (e as NetlinkError).errno ?? -1 });
      throw e;
    }
  }

  execBatch(reqs: readonly RtnlRequest[]): (NetlinkError | undefined)[] {
    return reqs.map((r) => {
      try {
        this.exec(r);
        return undefined;
      } catch (e) {
        if (e instanceof NetlinkError) return e;
        throw e;
      }
    });
  }

  #injected(req: RtnlRequest): void {
    const i = this.#failures.findIndex((f) => f.match === undefined || f.match(req));
    if (i < 0) return;
    const [f] = this.#failures.splice(i, 1);
    fail(req, f!.errno, f!.message);
  }

  #apply(req: RtnlRequest): void {
    const o = req.obj;
    switch (o.kind) {
      case "link":
        return this.#applyLink(req, o.link);
      case "addr":
        return this.#applyAddr(req, o.addr);
      case "route":
        return this.#applyRoute(req, o.route);
      case "neigh":
        return this.#applyNeigh(req, o.neigh);
    }
  }

  #applyLink(req: RtnlRequest, l: LinkMsg): void {
    if (req.action === "delete") {
      if (!this.#links.has(l.index)) fail(req, ERRNO.ENODEV);
      return this.#deleteLink(l.index);
    }
    const existing = l.index !== 0
      ? this.#links.get(l.index)
      : l.name === undefined
      ? undefined
      : this.linkByName(l.name);
    if (existing === undefined) {
      if (req.action === "set") fail(req, ERRNO.ENODEV);
      if (l.kind === undefined || !this.#kinds.has(l.kind)) {
        fail(req, ERRNO.EOPNOTSUPP, "Unknown device type");
      }
      if (l.name === undefined) fail(req, ERRNO.EINVAL);
      const created = this.addLink(l.name, { ...withoutCreateOnly(l), up: false });
      if (l.vethPeer !== undefined) this.addLink(l.vethPeer.name, { kind: "veth", up: false });
      if ((l.change ?? 0) & IFF_UP) this.setLinkUp(created.name!, (l.flags & IFF_UP) !== 0);
      return;
    }
    if (req.action === "add") fail(req, ERRNO.EEXIST);
    const { index: _i, flags: _f, change, vethPeer: _p, ...attrs } = l;
    this.#links.set(existing.index, { ...existing, ...attrs });
    if (change !== undefined && (change & IFF_UP) !== 0) {
      this.setLinkUp(existing.name!, (l.flags & IFF_UP) !== 0);
    }
  }

  #deleteLink(index: number): void {
    const l = this.#links.get(index);
    this.#links.delete(index);
    if (l?.kind === "veth" && l.link !== undefined) this.#links.delete(l.link);
    this.#dropRoutesVia(index);
    this.#addrs = this.#addrs.filter((a) => a.index !== index);
    for (const [k, n] of this.#neighs) if (n.index === index) this.#neighs.delete(k);
  }

  #dropRoutesVia(index: number): void {
    for (const [k, r] of this.#routes) if (r.oif === index) this.#routes.delete(k);
  }

  #applyAddr(req: RtnlRequest, a: AddrMsg): void {
    const same = (b: AddrMsg) =>
      b.index === a.index && b.family === a.family && (b.local ?? b.address) ===
        (a.local ?? a.address) &&
      b.prefixLen === a.prefixLen;
    const exists = this.#addrs.some(same);
    if (req.action === "delete") {
      if (!exists) fail(req, 99, "Cannot assign requested address");
      this.#addrs = this.#addrs.filter((b) => !same(b));
      return;
    }
    if (!this.#links.has(a.index)) fail(req, ERRNO.ENODEV);
    if (exists && req.action === "add") fail(req, ERRNO.EEXIST);
    this.#addrs = [...this.#addrs.filter((b) => !same(b)), a];
  }

  #applyRoute(req: RtnlRequest, route: RouteMsg): void {
    const r = normaliseRoute(route);
    const key = routeKeyOf(r);
    if (req.action === "delete") {
      if (!this.#routes.delete(key)) fail(req, ERRNO.ESRCH, "No such process");
      return;
    }
    if (r.oif !== undefined) {
      const link = this.#links.get(r.oif);
      if (link === undefined) fail(req, ERRNO.ENODEV);
      if ((link.flags & IFF_UP) === 0) fail(req, ERRNO.ENETDOWN, "Nexthop device is not up");
    }
    if (this.#routes.has(key) && req.action === "add") fail(req, ERRNO.EEXIST);
    this.#routes.set(key, r);
  }

  #applyNeigh(req: RtnlRequest, n: NeighMsg): void {
    if (!this.#links.has(n.index)) fail(req, ERRNO.ENODEV);
    const key = n.family === 7
      ? `${n.family}|${n.index}|${n.lladdr}|${n.dst}`
      : `${n.family}|${n.index}|${n.dst}`;
    if (req.action === "delete") {
      if (!this.#neighs.delete(key)) fail(req, ERRNO.ENOENT);
      return;
    }
    if (this.#neighs.has(key) && req.action === "add") fail(req, ERRNO.EEXIST);
    this.#neighs.set(key, { type: 1, ...n });
  }
}

function withoutCreateOnly(l: LinkMsg): Partial<LinkMsg> {
  const { index: _i, flags: _f, change: _c, vethPeer: _p, netnsFd: _n, name: _name, ...rest } = l;
  return rest;
}

/** What the kernel reports back for a route it was given. */
function normaliseRoute(r: RouteMsg): RouteMsg {
  const v6 = r.family === 10;
  const { priority, ...rest } = r;
  const metric = v6 && (priority ?? 0) === 0 ? 1024 : priority ?? 0;
  const out = { ...rest, srcLen: r.srcLen ?? 0, tos: r.tos ?? 0 };
  return metric === 0 ? out : { ...out, priority: metric };
}

/** The kernel's identity of a route: table, family, destination, TOS and metric. */
function routeKeyOf(r: RouteMsg): string {
  return `${r.table}|${r.family}|${r.dst ?? ""}/${r.dstLen}|${r.tos ?? 0}|${r.priority ?? 0}`;
}
