/**
 * libnftables through Deno FFI (reference/native-access.md §1): one `nft_ctx` per process, with
 * buffered output and error, output flags (JSON, HANDLE) and dry run. Every command runs through
 * one queue, so the context is never used by two calls at once; `run` uses a `nonblocking: true`
 * binding of `nft_run_cmd_from_buffer`, so a big transaction does not stall the event loop.
 *
 * The library is loaded on first use (`openLibnftables()`), never at import: `felix --once`
 * without `--apply` works where libnftables is absent. The context keeps the network namespace
 * that was current on the calling thread when it was created (create it on the agent's thread).
 *
 * @module
 */

/** The library's soname (Debian package libnftables1). */
export const LIBNFTABLES = "libnftables.so.1";

/** `nft_ctx_output_set_flags` bits used here. */
export const NFT_OUTPUT = { HANDLE: 1 << 3, JSON: 1 << 4, ECHO: 1 << 5, TERSE: 1 << 11 } as const;

const SYMBOLS = {
  nft_ctx_new: { parameters: ["u32"], result: "pointer" },
  nft_ctx_free: { parameters: ["pointer"], result: "void" },
  nft_ctx_buffer_output: { parameters: ["pointer"], result: "i32" },
  nft_ctx_buffer_error: { parameters: ["pointer"], result: "i32" },
  nft_ctx_get_output_buffer: { parameters: ["pointer"], result: "pointer" },
  nft_ctx_get_error_buffer: { parameters: ["pointer"], result: "pointer" },
  nft_ctx_output_get_flags: { parameters: ["pointer"], result: "u32" },
  nft_ctx_output_set_flags: { parameters: ["pointer", "u32"], result: "void" },
  nft_ctx_set_dry_run: { parameters: ["pointer", "bool"], result: "void" },
  nft_run_cmd_from_buffer: { parameters: ["pointer", "buffer"], result: "i32" },
  nft_run_cmd_from_buffer_nb: {
    name: "nft_run_cmd_from_buffer",
    parameters: ["pointer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>;

/** How to run one command buffer. */
export interface NftRunOptions {
  /** Output (and accept input) as JSON. */
  readonly json?: boolean;
  /** Print object handles in the output. */
  readonly handle?: boolean;
  /** Check the commands without committing them. */
  readonly dryRun?: boolean;
}

/** What one command buffer produced: `ok` is rc 0; texts are copied out of libnftables. */
export interface NftRunResult {
  readonly ok: boolean;
  readonly output: string;
  readonly error: string;
}

/** libnftables could not be loaded or a context could not be made. */
export class LibnftablesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LibnftablesError";
  }
}

const encoder = new TextEncoder();

function cString(text: string): Uint8Array<ArrayBuffer> {
  const bytes = encoder.encode(text);
  const out = new Uint8Array(new ArrayBuffer(bytes.length + 1));
  out.set(bytes);
  return out;
}

function readCString(p: Deno.PointerValue): string {
  return p === null ? "" : Deno.UnsafePointerView.getCString(p);
}

/** One libnftables context; every use goes through a queue. */
export class Libnftables {
  readonly #lib: Lib;
  #ctx: Deno.PointerValue;
  readonly #baseFlags: number;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #closed = false;

  private constructor(lib: Lib) {
    this.#lib = lib;
    this.#ctx = lib.symbols.nft_ctx_new(0);
    if (this.#ctx === null) {
      lib.close();
      throw new LibnftablesError("Cannot create an nftables context: nft_ctx_new returned NULL");
    }
    lib.symbols.nft_ctx_buffer_output(this.#ctx);
    lib.symbols.nft_ctx_buffer_error(this.#ctx);
    this.#baseFlags = lib.symbols.nft_ctx_output_get_flags(this.#ctx);
  }

  /** Load the library and make a context in the calling thread's network namespace. */
  static open(path: string = LIBNFTABLES): Libnftables {
    let lib: Lib;
    try {
      lib = Deno.dlopen(path, SYMBOLS);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new LibnftablesError(
        `Cannot load "${path}": ${why}. Install libnftables1 (Debian) to program nftables`,
      );
    }
    return new Libnftables(lib);
  }

  /** Run a command buffer (one transaction) off the JS thread; queued behind earlier calls. */
  run(commands: string, options: NftRunOptions = {}): Promise<NftRunResult> {
    this.#pending++;
    const next = this.#queue.then(() => this.#runNow(commands, options));
    const done = next.finally(() => this.#pending--);
    this.#queue = done.catch(() => {});
    return done;
  }

  /** Run a small command on the JS thread (blocks it); refuses while a queued call is pending. */
  runSync(commands: string, options: NftRunOptions = {}): NftRunResult {
    this.#checkOpen();
    if (this.#pending > 0) {
      throw new LibnftablesError("Cannot run a command while another is in flight: use run()");
    }
    this.#setOptions(options);
    const rc = this.#lib.symbols.nft_run_cmd_from_buffer(this.#ctx, cString(commands));
    return this.#collect(rc);
  }

  async #runNow(commands: string, options: NftRunOptions): Promise<NftRunResult> {
    this.#checkOpen();
    this.#setOptions(options);
    const rc = await this.#lib.symbols.nft_run_cmd_from_buffer_nb(this.#ctx, cString(commands));
    return this.#collect(rc);
  }

  #setOptions(options: NftRunOptions): void {
    const s = this.#lib.symbols;
    let flags = this.#baseFlags;
    if (options.json === true) flags |= NFT_OUTPUT.JSON;
    if (options.handle === true) flags |= NFT_OUTPUT.HANDLE;
    s.nft_ctx_output_set_flags(this.#ctx, flags);
    s.nft_ctx_set_dry_run(this.#ctx, options.dryRun === true);
  }

  #collect(rc: number): NftRunResult {
    const s = this.#lib.symbols;
    // Both buffers are rewound by the get and valid only until the next run: copy them now.
    const output = readCString(s.nft_ctx_get_output_buffer(this.#ctx));
    const error = readCString(s.nft_ctx_get_error_buffer(this.#ctx));
    return { ok: rc === 0, output, error };
  }

  #checkOpen(): void {
    if (this.#closed) throw new LibnftablesError("Cannot use a closed nftables context");
  }

  /** Free the context and unload the library once queued calls are done. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#queue;
    this.#closed = true;
    this.#lib.symbols.nft_ctx_free(this.#ctx);
    this.#ctx = null;
    this.#lib.close();
  }
}
