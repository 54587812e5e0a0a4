/**
 * The reconciler's window on nftables (STYLE rule 9): run a script as one transaction, list one
 * table as JSON. `LibnftablesExecutor` is the real one (libnftables through `native/`); the
 * stateful fake for unit tests is `FakeNftExecutor` (fake_nft_executor.ts).
 *
 * @module
 */
import { Libnftables } from "../../../native/nftables.ts";
import type { NftFamily } from "./nft_model.ts";

/** nft refused a transaction; nothing of it was applied. `message` is nft's own error text. */
export class NftCommandError extends Error {
  /** How many commands the refused transaction had. */
  readonly commands: number;

  constructor(message: string, commands: number) {
    super(message);
    this.name = "NftCommandError";
    this.commands = commands;
  }
}

/** Runs nft scripts. Implementations serialise calls. */
export interface NftExecutor {
  /** Run `script` (commands, one per line) as one atomic transaction; throws `NftCommandError`. */
  run(script: string): Promise<void>;
  /** The JSON listing (`list table <family> <table>`), or undefined when the table is absent. */
  listTable(family: NftFamily, table: string): Promise<string | undefined>;
  /** Release the context. */
  close(): Promise<void>;
}

/** nft's words for a missing object. */
const NOT_FOUND = /No such file or directory/;

function countCommands(script: string): number {
  return script.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#")).length;
}

/** Shortens nft's error text to its first lines (a big script echoes long lines back). */
export function nftErrorText(raw: string): string {
  const lines = raw.trim().split("\n").map((l) => l.length > 300 ? `${l.slice(0, 300)}...` : l);
  const text = lines.slice(0, 9).join("\n");
  return text === "" ? "nft failed without an error message" : text;
}

/** The real executor: one libnftables context, opened on first use. */
export class LibnftablesExecutor implements NftExecutor {
  #lib: Libnftables | undefined;
  readonly #open: () => Libnftables;

  /** `open` makes the context (default: `Libnftables.open()` in the caller's netns). */
  constructor(options: { readonly open?: () => Libnftables } = {}) {
    this.#open = options.open ?? (() => Libnftables.open());
  }

  #ctx(): Libnftables {
    this.#lib ??= this.#open();
    return this.#lib;
  }

  async run(script: string): Promise<void> {
    const r = await this.#ctx().run(script);
    if (!r.ok) throw new NftCommandError(nftErrorText(r.error), countCommands(script));
  }

  async listTable(family: NftFamily, table: string): Promise<string | undefined> {
    const r = await this.#ctx().run(`list table ${family} ${table}`, { json: true });
    if (r.ok) return r.output;
    if (NOT_FOUND.test(r.error)) return undefined;
    throw new NftCommandError(nftErrorText(r.error), 1);
  }

  async close(): Promise<void> {
    const lib = this.#lib;
    this.#lib = undefined;
    await lib?.close();
  }
}
