/**
 * The last manager of the list: renders the recorded state into the `ip calico` and
 * `ip6 calico` tables and hands them to one reconciler per table. It re-renders only when the
 * render state changed (or a resync or a failure asks for it); the reconcilers then apply the
 * smallest change. It also records `EncapsulationUpdate`, which decides the IPIP/VXLAN rules when
 * the config leaves them on auto.
 *
 * @module
 */
import type { ConfigValues } from "../../config/config_values.ts";
import type { Log } from "../../lib/log.ts";
import { NULL_LOG } from "../../lib/log.ts";
import type { ToDataplane } from "../../proto/messages.ts";
import type { NftExecutor } from "../nftables/nft_executor.ts";
import { NftReconciler, type ReconcileResult } from "../nftables/nft_reconciler.ts";
import { NftRenderer, type RenderedTables } from "../nftables/nft_renderer.ts";
import { type RenderInput, rulesConfigFrom } from "../rules/render_input.ts";
import type { Manager } from "./manager.ts";
import type { RenderState } from "./render_state.ts";

/** Options of `NftablesManager`. */
export interface NftablesManagerOptions {
  readonly state: RenderState;
  /** The parameters `rulesConfigFrom` reads (again on every `EncapsulationUpdate`). */
  readonly config: ConfigValues;
  readonly executor: NftExecutor;
  /**
   * The renderer (default: an incremental `NftRenderer`, which re-renders only what changed
   * since its last render and equals `renderTables`).
   */
  readonly render?: (input: RenderInput) => RenderedTables;
  readonly log?: Log;
  /** Failed transactions in a row before a table is rebuilt whole (default 3). */
  readonly rebuildAfterFailures?: number;
}

/** What the last apply did. */
export interface NftApplyReport {
  readonly renderMs: number;
  readonly results: readonly ReconcileResult[];
}

/** Renders and reconciles our nftables tables. */
export class NftablesManager implements Manager {
  readonly name = "nftables";
  readonly #state: RenderState;
  readonly #config: ConfigValues;
  readonly #executor: NftExecutor;
  readonly #render: (input: RenderInput) => RenderedTables;
  readonly #log: Log;
  readonly #ip: NftReconciler;
  readonly #ip6: NftReconciler;
  #rendered: { version: number; tables: RenderedTables } | undefined;
  #programmedVersion = -1;
  #resyncDue = false;
  #last: NftApplyReport | undefined;

  constructor(options: NftablesManagerOptions) {
    this.#state = options.state;
    this.#config = options.config;
    this.#executor = options.executor;
    const renderer = new NftRenderer();
    this.#render = options.render ?? ((input) => renderer.render(input));
    this.#log = options.log ?? NULL_LOG;
    const common = {
      executor: options.executor,
      log: this.#log,
      ...(options.rebuildAfterFailures === undefined
        ? {}
        : { rebuildAfterFailures: options.rebuildAfterFailures }),
    };
    this.#ip = new NftReconciler({ ...common, family: "ip" });
    this.#ip6 = new NftReconciler({ ...common, family: "ip6" });
  }

  onUpdate(msg: ToDataplane): void {
    if (msg.type !== "EncapsulationUpdate") return;
    this.#state.setConfig(rulesConfigFrom(this.#config, msg));
  }

  /** The tables last rendered (after the first apply). */
  get tables(): RenderedTables | undefined {
    return this.#rendered?.tables;
  }

  /** What the last apply that did something reported. */
  get lastReport(): NftApplyReport | undefined {
    return this.#last;
  }

  /** Render the recorded state now, without I/O (`felix --once` without `--apply`). */
  renderNow(): RenderedTables {
    const version = this.#state.version;
    if (this.#rendered?.version !== version) {
      this.#rendered = { version, tables: this.#render(this.#state.snapshot()) };
    }
    return this.#rendered.tables;
  }

  async completeDeferredWork(): Promise<void> {
    const version = this.#state.version;
    if (version === this.#programmedVersion && !this.#resyncDue) return;
    const start = performance.now();
    const { ip, ip6 } = this.renderNow();
    const renderMs = performance.now() - start;
    // A failure keeps the programmed version stale, so the loop's retry comes back here.
    const results = [await this.#ip.apply(ip), await this.#ip6.apply(ip6)];
    this.#programmedVersion = version;
    this.#resyncDue = false;
    this.#last = { renderMs, results };
  }

  markForResync(): void {
    this.#resyncDue = true;
    this.#ip.markForResync();
    this.#ip6.markForResync();
  }

  async close(): Promise<void> {
    await this.#executor.close();
  }
}
