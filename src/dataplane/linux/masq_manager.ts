/**
 * Records IP pools into the render state (upstream's masquerade manager): the renderer turns
 * them into the `network-ip-pools` and `masq-ipam-pools` sets and the `cali-nat-outgoing` rule.
 *
 * @module
 */
import type { ToDataplane } from "../../proto/messages.ts";
import type { Manager } from "./manager.ts";
import type { RenderState } from "./render_state.ts";

/** IP pools for natOutgoing. */
export class MasqManager implements Manager {
  readonly name = "masquerade";
  readonly #state: RenderState;

  constructor(options: { readonly state: RenderState }) {
    this.#state = options.state;
  }

  onUpdate(msg: ToDataplane): void {
    if (msg.type === "IPAMPoolUpdate") this.#state.setIPPool(msg.id, msg.pool);
    else if (msg.type === "IPAMPoolRemove") this.#state.setIPPool(msg.id, undefined);
  }

  completeDeferredWork(): Promise<void> {
    return Promise.resolve();
  }
}
