/**
 * The family sets of the previous render, for the next one of the same IP version and config: a
 * calc set is rebuilt only when the input holds another object for it (the render state never
 * mutates one it handed out), and patched instead when the input says how it changed from the
 * object it had (`RenderInput.ipSetChanges`); a fixed set is rebuilt only when its members
 * changed. A patched set remembers the splices that made it from its predecessor (one step back
 * only), so the backend can patch its own rendering of the set the same way.
 *
 * @module
 */
import type { IPSetType } from "../../proto/messages.ts";
import { GenerationCache } from "./generation_cache.ts";
import type { IPSetChange, RenderIPSet } from "./render_input.ts";
import type { IPVersion } from "./rule_model.ts";
import {
  buildFamilySet,
  type FamilySet,
  type MemberOp,
  patchFamilySet,
  type RulesetIPSet,
} from "./set_members.ts";

/** How a family set was made from the one before it. */
export interface FamilySetPatch {
  readonly from: RulesetIPSet;
  /** Splices of `from.members`, in order. */
  readonly ops: readonly MemberOp[];
}

/** Family sets by the input objects they were built from. */
export class IPSetCache {
  readonly #calc = new GenerationCache<RenderIPSet, FamilySet>();
  readonly #fixed = new GenerationCache<string, RulesetIPSet>();
  readonly #patches = new WeakMap<RulesetIPSet, FamilySetPatch>();

  /** The family set of calc set `id`; `change` says how `set` differs from an earlier object. */
  calcSet(
    id: string,
    set: RenderIPSet,
    version: IPVersion,
    change?: IPSetChange,
  ): RulesetIPSet {
    return this.#calc.get(
      set,
      () =>
        this.#patched(id, version, change) ?? buildFamilySet(id, set.type, set.members, version),
      (f) => f.set.id === id,
    ).set;
  }

  #patched(id: string, version: IPVersion, change: IPSetChange | undefined): FamilySet | undefined {
    if (change === undefined) return undefined;
    const prev = this.#calc.peek(change.from);
    if (prev === undefined || prev.set.id !== id) return undefined;
    const patched = patchFamilySet(prev, change, version);
    if (patched === undefined || patched.result === prev) return patched?.result;
    this.#patches.delete(prev.set);
    this.#patches.set(patched.result.set, { from: prev.set, ops: patched.ops });
    return patched.result;
  }

  /** How `set` was patched from its predecessor, if it was. */
  patchOf(set: RulesetIPSet): FamilySetPatch | undefined {
    return this.#patches.get(set);
  }

  /** A fixed set (`all-ipam-pools`, `this-host`, ...) with these members. */
  fixedSet(
    id: string,
    type: IPSetType,
    members: readonly string[],
    version: IPVersion,
  ): RulesetIPSet {
    return this.#fixed.get(
      `${id}\0${type}\0${members.join("\0")}`,
      () => buildFamilySet(id, type, members, version).set,
    );
  }

  nextGeneration(): void {
    this.#calc.nextGeneration();
    this.#fixed.nextGeneration();
  }

  clear(): void {
    this.#calc.clear();
    this.#fixed.clear();
  }
}
