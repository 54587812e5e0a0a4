/**
 * Owns one nftables table (`ip calico` or `ip6 calico`) and nothing else: takes the desired
 * `NftTable`, computes the smallest change against what it believes the table holds, and applies
 * it as one transaction. The belief comes from the last successful apply; it is re-read from the
 * kernel (a JSON listing of this table only) on the first apply, after `markForResync()` (the
 * periodic resync repairs drift: a deleted table, a flushed chain), and after a failure. After
 * `rebuildAfterFailures` failures in a row the next attempt deletes and re-creates the whole
 * table in one transaction, so even a failed rebuild leaves the old ruleset in place.
 *
 * @module
 */
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import type { NftExecutor } from "./nft_executor.ts";
import { CALICO_TABLE, type NftFamily, type NftTable } from "./nft_model.ts";
import { type PlanSummary, planTable } from "./nft_plan.ts";
import { parseTableListing } from "./nft_readback.ts";
import { NftStateCache, type TableState } from "./nft_state.ts";

/** Options of `NftReconciler`. */
export interface NftReconcilerOptions {
  readonly executor: NftExecutor;
  readonly family: NftFamily;
  /** Default `calico`. */
  readonly table?: string;
  readonly log?: Log;
  /** Failed transactions in a row before the table is rebuilt whole (default 3). */
  readonly rebuildAfterFailures?: number;
}

/** What one `apply` did. */
export interface ReconcileResult {
  /** `ip calico`. */
  readonly table: string;
  readonly summary: PlanSummary | undefined;
  /** Commands in the transaction (0: nothing to change, no transaction). */
  readonly commands: number;
  /** Size of the transaction's text. */
  readonly bytes: number;
  /** Whether the kernel's table was read back first. */
  readonly readBack: boolean;
  /** Whether the table was deleted (no desired table). */
  readonly removed: boolean;
  readonly durationMs: number;
}

/** Reconciles one table. Calls must not overlap (the dataplane loop serialises them). */
export class NftReconciler {
  readonly #executor: NftExecutor;
  readonly #family: NftFamily;
  readonly #table: string;
  readonly #log: Log;
  readonly #rebuildAfter: number;
  /** The table as last programmed or read; undefined = absent. Only valid when `#known`. */
  #believed: TableState | undefined;
  #known = false;
  /** Normalised state per rendered chain, set and map object, reused while they are unchanged. */
  readonly #states = new NftStateCache();
  #failures = 0;
  #applies = 0;

  constructor(options: NftReconcilerOptions) {
    this.#executor = options.executor;
    this.#family = options.family;
    this.#table = options.table ?? CALICO_TABLE;
    this.#log = options.log ?? NULL_LOG;
    this.#rebuildAfter = options.rebuildAfterFailures ?? 3;
  }

  /** `ip calico`. */
  get name(): string {
    return `${this.#family} ${this.#table}`;
  }

  /** Failed transactions in a row. */
  get failures(): number {
    return this.#failures;
  }

  /** Re-read the kernel's table before the next apply. */
  markForResync(): void {
    this.#known = false;
  }

  /** Make the table hold `desired`; `undefined` deletes the table. Throws when nft refuses. */
  async apply(desired: NftTable | undefined): Promise<ReconcileResult> {
    const start = performance.now();
    const readBack = !this.#known;
    try {
      if (readBack) await this.#readBack();
      const r = desired === undefined
        ? await this.#remove()
        : await this.#program(desired, readBack);
      this.#failures = 0;
      this.#applies++;
      return { ...r, readBack, durationMs: performance.now() - start };
    } catch (e) {
      this.#failures++;
      this.#known = false;
      const rebuildNext = this.#failures >= this.#rebuildAfter && desired !== undefined;
      this.#log.warn("Cannot program the nftables table", {
        table: this.name,
        attempt: this.#failures,
        rebuildNext,
        error: e instanceof Error ? e.message : String(e),
      });
      throw e;
    }
  }

  async #readBack(): Promise<void> {
    const json = await this.#executor.listTable(this.#family, this.#table);
    this.#believed = json === undefined ? undefined : parseTableListing(json, this.#table);
    this.#known = true;
  }

  async #remove(): Promise<Omit<ReconcileResult, "readBack" | "durationMs">> {
    if (this.#believed === undefined) return this.#nothing(false);
    const script = `delete table ${this.name}\n`;
    await this.#executor.run(script);
    this.#believed = undefined;
    this.#log.info("Deleted the nftables table", { table: this.name });
    return {
      table: this.name,
      summary: undefined,
      commands: 1,
      bytes: script.length,
      removed: true,
    };
  }

  async #program(
    desired: NftTable,
    readBack: boolean,
  ): Promise<Omit<ReconcileResult, "readBack" | "durationMs">> {
    const state = this.#states.stateOf(desired);
    const rebuild = this.#failures >= this.#rebuildAfter;
    const target = { family: this.#family, table: this.#table };
    const plan = planTable(target, this.#believed, desired, state, rebuild);
    if (plan.commands.length === 0) return this.#nothing(false, plan.summary);
    const script = plan.commands.join("\n") + "\n";
    await this.#executor.run(script);
    this.#believed = state;
    this.#logPlan(plan.summary, { commands: plan.commands.length, bytes: script.length }, readBack);
    return {
      table: this.name,
      summary: plan.summary,
      commands: plan.commands.length,
      bytes: script.length,
      removed: false,
    };
  }

  /** One line per transaction: its size (commands, bytes) and what it did. */
  #logPlan(
    summary: PlanSummary,
    size: { commands: number; bytes: number },
    readBack: boolean,
  ): void {
    const fields = { table: this.name, ...size, ...summary };
    if (summary.rebuilt) this.#log.warn("Rebuilt the nftables table whole", fields);
    else if (readBack && this.#applies > 0 && this.#failures === 0) {
      this.#log.warn("Repaired drift found by the nftables resync", fields);
    } else this.#log.info("Programmed the nftables table", fields);
  }

  #nothing(
    removed: boolean,
    summary?: PlanSummary,
  ): Omit<ReconcileResult, "readBack" | "durationMs"> {
    return { table: this.name, summary, commands: 0, bytes: 0, removed };
  }
}
