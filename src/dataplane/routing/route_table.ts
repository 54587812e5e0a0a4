/**
 * The route table reconciler (reference/bpf-routing.md §6.4, STYLE rule 7): route classes hand
 * it the targets they want per interface (`setRoutes`); `apply()` reads the kernel back when
 * needed, picks one winner per CIDR, and makes the smallest change: deletes of our routes that
 * nobody wants, then replaces of wanted routes that differ. Only routes `isOwnedRoute` accepts
 * are ever deleted.
 *
 * - A full resync (first apply, `markForResync`, any interface change, an ENODEV) dumps links
 *   and the table's routes. Interface changes are rare next to route work, and a dump of 5,000
 *   routes takes about 10 ms, so there is no partial resync.
 * - Routes through a missing or down interface are not programmed; while such a CIDR has no
 *   usable candidate its kernel routes are left alone (no flap when a veth bounces).
 * - An unwanted route through a workload interface seen less than `gracePeriodMs` ago is kept
 *   until the grace period ends (the CNI plugin may add it before Felix hears of the endpoint).
 *
 * @module
 */
import { familyOf } from "../../../native/netlink_codec.ts";
import { deepEqual } from "../../lib/deep_equal.ts";
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import { isLinkUp } from "./link_device.ts";
import { ERRNO, errnoOf, type NetlinkHandle, type RouteMsg } from "./netlink_handle.ts";
import { isOwnedRoute, isWorkloadIface, type OwnershipRules } from "./route_ownership.ts";
import {
  describeRoute,
  needsIface,
  normalMetric,
  routeKey,
  sameRoute,
  targetToRouteMsg,
} from "./route_target.ts";
import { ROUTE_CLASS_RANK, type RouteClass, type RouteTarget } from "./routes_renderer.ts";

/** Options of `RouteTable`. */
export interface RouteTableOptions {
  readonly netlink: NetlinkHandle;
  readonly family: 4 | 6;
  /** Table id (default 254, main). */
  readonly table?: number;
  readonly ownership: OwnershipRules;
  /** Default 10 s. */
  readonly gracePeriodMs?: number;
  /** Clock in milliseconds (tests inject one). */
  readonly now?: () => number;
  readonly log?: Log;
}

/** What one `apply()` did. */
export interface RouteApplyResult {
  readonly replaced: number;
  readonly deleted: number;
  /** When the earliest deletion held back by the grace period becomes due, if any. */
  readonly graceDueAt: number | undefined;
}

interface Candidate {
  readonly cls: RouteClass;
  readonly iface: string;
  readonly target: RouteTarget;
}

interface Link {
  readonly index: number;
  readonly up: boolean;
}

/** Some route changes failed; the rest were made. The failed CIDRs stay dirty. */
export class RouteTableError extends Error {
  readonly failures: readonly Error[];

  constructor(table: number, family: 4 | 6, failures: readonly Error[]) {
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : "";
    super(
      `Cannot program ${failures.length} IPv${family} route change(s) in table ${table}: ` +
        `${failures[0]?.message ?? "unknown error"}${more}; will retry`,
    );
    this.name = "RouteTableError";
    this.failures = failures;
  }
}

type Plan = { deletes: RouteMsg[]; replaces: RouteMsg[]; graceDueAt: number | undefined };

/** One routing table of one IP family. */
export class RouteTable {
  readonly #nl: NetlinkHandle;
  readonly #family: 4 | 6;
  readonly #table: number;
  readonly #rules: OwnershipRules;
  readonly #graceMs: number;
  readonly #now: () => number;
  readonly #log: Log;
  readonly #byOwner = new Map<string, Map<string, RouteTarget>>();
  readonly #candidates = new Map<string, Map<string, Candidate>>();
  readonly #kernel = new Map<string, Map<string, RouteMsg>>();
  readonly #dirty = new Set<string>();
  #links = new Map<string, Link>();
  #names = new Map<number, string>();
  readonly #firstSeen = new Map<string, number>();
  #resync = true;
  #replacedTotal = 0;
  #deletedTotal = 0;

  constructor(options: RouteTableOptions) {
    this.#nl = options.netlink;
    this.#family = options.family;
    this.#table = options.table ?? 254;
    this.#rules = options.ownership;
    this.#graceMs = options.gracePeriodMs ?? 10_000;
    this.#now = options.now ?? (() => performance.now());
    this.#log = options.log ?? NULL_LOG;
  }

  /** Routes programmed and deleted since construction. */
  get totals(): { readonly replaced: number; readonly deleted: number } {
    return { replaced: this.#replacedTotal, deleted: this.#deletedTotal };
  }

  /** Replace the whole set of targets `cls` wants through `iface` (`NO_IFACE` for none). */
  setRoutes(cls: RouteClass, iface: string, targets: readonly RouteTarget[]): void {
    const owner = `${cls}\u0000${iface}`;
    const old = this.#byOwner.get(owner) ?? new Map<string, RouteTarget>();
    const next = new Map(targets.map((t) => [t.cidr, t]));
    for (const cidr of old.keys()) {
      if (next.has(cidr)) continue;
      this.#candidates.get(cidr)?.delete(owner);
      if (this.#candidates.get(cidr)?.size === 0) this.#candidates.delete(cidr);
      this.#dirty.add(cidr);
    }
    for (const [cidr, t] of next) {
      const before = old.get(cidr);
      if (before !== undefined && deepEqual(before, t)) continue;
      let byOwner = this.#candidates.get(cidr);
      if (byOwner === undefined) this.#candidates.set(cidr, byOwner = new Map());
      byOwner.set(owner, { cls, iface, target: t });
      this.#dirty.add(cidr);
    }
    if (next.size === 0) this.#byOwner.delete(owner);
    else this.#byOwner.set(owner, next);
  }

  /** Re-read links and routes at the next apply. */
  markForResync(): void {
    this.#resync = true;
  }

  /** Whether an apply has something to do. */
  get dirty(): boolean {
    return this.#resync || this.#dirty.size > 0;
  }

  /** Bring the kernel in line; throws `RouteTableError` after trying every change. */
  apply(): RouteApplyResult {
    if (this.#resync) this.#readKernel();
    const plan = this.#plan();
    const failures: Error[] = [];
    const deleted = this.#execute("delete", plan.deletes, failures);
    const replaced = this.#execute("replace", plan.replaces, failures);
    this.#deletedTotal += deleted;
    this.#replacedTotal += replaced;
    if (failures.length > 0) throw new RouteTableError(this.#table, this.#family, failures);
    return { replaced, deleted, graceDueAt: plan.graceDueAt };
  }

  #readKernel(): void {
    const links = new Map<string, Link>();
    const names = new Map<number, string>();
    const now = this.#now();
    for (const l of this.#nl.listLinks()) {
      if (l.name === undefined) continue;
      links.set(l.name, { index: l.index, up: isLinkUp(l) });
      names.set(l.index, l.name);
      if (!this.#firstSeen.has(l.name)) this.#firstSeen.set(l.name, now);
    }
    for (const name of this.#firstSeen.keys()) if (!links.has(name)) this.#firstSeen.delete(name);
    this.#links = links;
    this.#names = names;
    this.#kernel.clear();
    for (const r of this.#nl.listRoutes(familyOf(this.#family))) {
      if (r.table !== this.#table) continue;
      if (!isOwnedRoute(r, this.#ifname(r), this.#rules)) continue;
      this.#remember(r);
    }
    for (const cidr of this.#candidates.keys()) this.#dirty.add(cidr);
    for (const cidr of this.#kernel.keys()) this.#dirty.add(cidr);
    this.#resync = false;
  }

  #ifname(r: RouteMsg): string {
    return r.oif === undefined ? "" : this.#names.get(r.oif) ?? "";
  }

  #cidrOf(r: RouteMsg): string {
    const zero = this.#family === 6 ? "::" : "0.0.0.0";
    return `${r.dst ?? zero}/${r.dstLen}`;
  }

  #keyOf(r: RouteMsg): string {
    return routeKey(this.#cidrOf(r), normalMetric(this.#family, r.priority));
  }

  #remember(r: RouteMsg): void {
    const cidr = this.#cidrOf(r);
    let m = this.#kernel.get(cidr);
    if (m === undefined) this.#kernel.set(cidr, m = new Map());
    m.set(this.#keyOf(r), r);
  }

  #forget(r: RouteMsg): void {
    const cidr = this.#cidrOf(r);
    const m = this.#kernel.get(cidr);
    m?.delete(this.#keyOf(r));
    if (m?.size === 0) this.#kernel.delete(cidr);
  }

  /** The winning candidate of a CIDR, or "blocked" when every candidate's interface is unusable. */
  #winner(cidr: string): Candidate | "blocked" | undefined {
    const cands = this.#candidates.get(cidr);
    if (cands === undefined || cands.size === 0) return undefined;
    let best: Candidate | undefined;
    for (const c of cands.values()) {
      if (needsIface(c.target.type) && this.#links.get(c.iface)?.up !== true) continue;
      if (best === undefined || this.#better(c, best)) best = c;
    }
    return best ?? "blocked";
  }

  #better(a: Candidate, b: Candidate): boolean {
    const ra = ROUTE_CLASS_RANK[a.cls];
    const rb = ROUTE_CLASS_RANK[b.cls];
    if (ra !== rb) return ra < rb;
    const ia = this.#links.get(a.iface)?.index ?? 0;
    const ib = this.#links.get(b.iface)?.index ?? 0;
    return ia !== ib ? ia > ib : a.iface < b.iface;
  }

  #plan(): Plan {
    const plan: Plan = { deletes: [], replaces: [], graceDueAt: undefined };
    const ctx = { table: this.#table, deviceRouteProtocol: this.#rules.deviceRouteProtocol };
    for (const cidr of this.#dirty) {
      const win = this.#winner(cidr);
      if (win === "blocked") {
        this.#dirty.delete(cidr);
        continue;
      }
      const want = win === undefined
        ? undefined
        : targetToRouteMsg(win.target, this.#links.get(win.iface)?.index ?? 0, ctx);
      const wantKey = want === undefined ? undefined : this.#keyOf(want);
      let pending = false;
      for (const [key, r] of this.#kernel.get(cidr) ?? []) {
        if (key === wantKey) continue;
        const due = this.#graceDue(r);
        if (due === undefined) plan.deletes.push(r);
        else {
          pending = true;
          plan.graceDueAt = Math.min(plan.graceDueAt ?? due, due);
        }
      }
      const have = wantKey === undefined ? undefined : this.#kernel.get(cidr)?.get(wantKey);
      if (want !== undefined && (have === undefined || !sameRoute(have, want))) {
        plan.replaces.push(want);
      }
      if (!pending) this.#dirty.delete(cidr);
    }
    return plan;
  }

  /** When deleting `r` becomes allowed, or undefined if it is allowed now. */
  #graceDue(r: RouteMsg): number | undefined {
    const name = this.#ifname(r);
    if (!isWorkloadIface(name, this.#rules.workloadPrefixes)) return undefined;
    const due = (this.#firstSeen.get(name) ?? -Infinity) + this.#graceMs;
    return due > this.#now() ? due : undefined;
  }

  #execute(action: "delete" | "replace", routes: RouteMsg[], failures: Error[]): number {
    if (routes.length === 0) return 0;
    const results = this.#nl.execBatch(
      routes.map((route) => ({ action, obj: { kind: "route", route } })),
    );
    let done = 0;
    results.forEach((err, i) => {
      const r = routes[i]!;
      const errno = errnoOf(err);
      if (err === undefined || (action === "delete" && errno === ERRNO.ESRCH)) {
        if (action === "delete") this.#forget(r);
        else this.#remember(r);
        done++;
        this.#log.debug(action === "delete" ? "Deleted route" : "Programmed route", {
          route: describeRoute(r, this.#ifname(r)),
        });
        return;
      }
      this.#dirty.add(this.#cidrOf(r));
      if (errno === ERRNO.ENODEV || errno === ERRNO.ENETDOWN) this.#resync = true;
      failures.push(err ?? new Error(`Cannot ${action} route ${describeRoute(r)}`));
    });
    return done;
  }
}
