/**
 * Records active policies and profiles into the render state (upstream's policy manager). No
 * I/O: the nftables manager renders their chains.
 *
 * @module
 */
import { policyIdString, type ToDataplane } from "../../proto/messages.ts";
import type { Manager } from "./manager.ts";
import type { RenderState } from "./render_state.ts";

/** Policies and profiles. */
export class PolicyManager implements Manager {
  readonly name = "policies";
  readonly #state: RenderState;

  constructor(options: { readonly state: RenderState }) {
    this.#state = options.state;
  }

  onUpdate(msg: ToDataplane): void {
    switch (msg.type) {
      case "ActivePolicyUpdate":
        this.#state.setPolicy(policyIdString(msg.id), msg.policy);
        return;
      case "ActivePolicyRemove":
        this.#state.setPolicy(policyIdString(msg.id), undefined);
        return;
      case "ActiveProfileUpdate":
        this.#state.setProfile(msg.id, {
          inboundRules: msg.inboundRules,
          outboundRules: msg.outboundRules,
        });
        return;
      case "ActiveProfileRemove":
        this.#state.setProfile(msg.id, undefined);
        return;
    }
  }

  completeDeferredWork(): Promise<void> {
    return Promise.resolve();
  }
}
