/**
 * Records IP sets (whole sets and member deltas) into the render state (upstream's IP sets
 * manager). In nftables mode the sets live inside our table, so the nftables manager programs
 * them in the same transaction as the rules that use them.
 *
 * @module
 */
import type { ToDataplane } from "../../proto/messages.ts";
import type { Manager } from "./manager.ts";
import type { RenderState } from "./render_state.ts";

/** IP sets by calc id. */
export class IPSetsManager implements Manager {
  readonly name = "ipsets";
  readonly #state: RenderState;

  constructor(options: { readonly state: RenderState }) {
    this.#state = options.state;
  }

  onUpdate(msg: ToDataplane): void {
    switch (msg.type) {
      case "IPSetUpdate":
        this.#state.setIPSet(msg.id, msg.ipSetType, msg.members);
        return;
      case "IPSetDeltaUpdate":
        this.#state.updateIPSet(msg.id, msg.addedMembers, msg.removedMembers);
        return;
      case "IPSetRemove":
        this.#state.deleteIPSet(msg.id);
        return;
    }
  }

  completeDeferredWork(): Promise<void> {
    return Promise.resolve();
  }
}
