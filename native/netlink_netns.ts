/**
 * Run synchronous code in a named network namespace (`/var/run/netns/<name>`) on the calling
 * thread, and come back (reference/native-access.md §1). Sockets created inside stay bound to
 * that namespace after the return, so `withNetns(ns, () => RtnlClient.open())` gives a client
 * for `ns`. The function must be synchronous: an `await` inside would let other tasks run in
 * the wrong namespace.
 *
 * @module
 */
import { cString, type Libc, LIBC_CONST as C, openLibc } from "./libc.ts";

function openNs(libc: Libc, path: string): number {
  const fd = libc.symbols.open(cString(path), C.O_RDONLY | C.O_CLOEXEC);
  if (fd < 0) {
    throw new Error(`Cannot open network namespace "${path}": errno ${libc.errno()}`);
  }
  return fd;
}

function enter(libc: Libc, fd: number, what: string): void {
  if (libc.symbols.setns(fd, C.CLONE_NEWNET) < 0) {
    throw new Error(`Cannot enter network namespace "${what}": errno ${libc.errno()}`);
  }
}

/** Call `fn` inside network namespace `name` and restore the thread's namespace after. */
export function withNetns<T>(name: string, fn: () => T): T {
  const libc = openLibc();
  const saved = openNs(libc, "/proc/thread-self/ns/net");
  try {
    const target = openNs(libc, `/var/run/netns/${name}`);
    try {
      enter(libc, target, name);
    } finally {
      libc.symbols.close(target);
    }
    try {
      return fn();
    } finally {
      enter(libc, saved, "/proc/thread-self/ns/net");
    }
  } finally {
    libc.symbols.close(saved);
    libc.close();
  }
}
