/**
 * The libc symbols the rtnetlink code needs (reference/native-access.md §3): sockets, `poll`,
 * `eventfd`, `setns`, and `errno`. Opened on demand with `openLibc()`, never at import, so a
 * module that only encodes netlink messages never loads a library.
 *
 * Every call here is synchronous on the calling thread except `pollNb`, a `nonblocking: true`
 * twin of `poll` that runs on a Deno blocking-pool thread (the netns caveats of §1 apply: create
 * sockets on the thread that is in the right namespace).
 *
 * @module
 */

/** glibc's soname. */
export const LIBC = "libc.so.6";

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  sendto: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"],
    result: "isize",
  },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  pollNb: { name: "poll", parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  setns: { parameters: ["i32", "i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded library. */
export type LibcSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** Constants of the calls above (x86_64/aarch64 Linux values). */
export const LIBC_CONST = {
  AF_NETLINK: 16,
  SOCK_RAW: 3,
  SOCK_CLOEXEC: 0o2000000,
  SOCK_NONBLOCK: 0o4000,
  SOL_SOCKET: 1,
  SO_SNDBUF: 7,
  SO_RCVBUF: 8,
  SO_RCVTIMEO: 20,
  SO_SNDBUFFORCE: 32,
  SO_RCVBUFFORCE: 33,
  SOL_NETLINK: 270,
  NETLINK_ADD_MEMBERSHIP: 1,
  NETLINK_CAP_ACK: 10,
  NETLINK_EXT_ACK: 11,
  NETLINK_GET_STRICT_CHK: 12,
  MSG_DONTWAIT: 0x40,
  MSG_TRUNC: 0x20,
  POLLIN: 0x1,
  POLLERR: 0x8,
  POLLHUP: 0x10,
  POLLNVAL: 0x20,
  EFD_CLOEXEC: 0o2000000,
  EFD_NONBLOCK: 0o4000,
  O_RDONLY: 0,
  O_CLOEXEC: 0o2000000,
  CLONE_NEWNET: 0x40000000,
  EAGAIN: 11,
  EINTR: 4,
  ENOBUFS: 105,
} as const;

/** An open libc handle. */
export interface Libc {
  readonly symbols: LibcSymbols;
  /** The calling thread's `errno` (read it right after the failing call). */
  errno(): number;
  close(): void;
}

/** Load libc. Each call opens a handle (dlopen is reference-counted); close it when done. */
export function openLibc(): Libc {
  const lib = Deno.dlopen(LIBC, SYMBOLS);
  const sym = lib.symbols;
  return {
    symbols: sym,
    errno(): number {
      const p = sym.__errno_location();
      return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32(0);
    },
    close(): void {
      lib.close();
    },
  };
}

/** A NUL-terminated copy of `s` for `char *` parameters. */
export function cString(s: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}
