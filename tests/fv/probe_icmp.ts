/**
 * ICMP echo (v4 type 8, v6 type 128) and ICMPv4 timestamp (type 13) probes over raw sockets
 * through libc FFI. Used by `probe.ts`, which runs as root inside a test namespace: raw sockets
 * need no `ping_group_range` and can send any ICMP type, so policies on ICMP types can be
 * exercised with types other than echo.
 *
 * @module
 */

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const IPPROTO_ICMP = 1;
const IPPROTO_ICMPV6 = 58;
const POLLIN = 1;
const MSG_DONTWAIT = 0x40;

const libc = Deno.dlopen("libc.so.6", {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  sendto: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"],
    result: "isize",
  },
  recvfrom: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "buffer"],
    result: "isize",
  },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
});

/** The ICMP request types the probe can send. */
export type IcmpRequestType = 8 | 13 | 128;

/** What an ICMP probe saw. */
export type IcmpOutcome = "ok" | "timeout" | "error";

let nextIdent = (Deno.pid * 7919) & 0xffff;

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function parseV4(text: string): Uint8Array {
  const parts = text.split(".").map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new TypeError(`Cannot parse IPv4 address "${text}"`);
  }
  return new Uint8Array(parts);
}

function parseV6(text: string): Uint8Array {
  const [head = "", tail] = text.split("::");
  const h = head === "" ? [] : head.split(":");
  const t = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(fill).fill("0"), ...t];
  if (groups.length !== 8) throw new TypeError(`Cannot parse IPv6 address "${text}"`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

function sockaddr(ip: string): Uint8Array {
  if (ip.includes(":")) {
    const sa = new Uint8Array(28);
    new DataView(sa.buffer).setUint16(0, AF_INET6, true);
    sa.set(parseV6(ip), 8);
    return sa;
  }
  const sa = new Uint8Array(16);
  new DataView(sa.buffer).setUint16(0, AF_INET, true);
  sa.set(parseV4(ip), 4);
  return sa;
}

function request(type: IcmpRequestType, ident: number): Uint8Array {
  const msg = new Uint8Array(type === 13 ? 20 : 16);
  const dv = new DataView(msg.buffer);
  msg[0] = type;
  dv.setUint16(4, ident);
  dv.setUint16(6, 1);
  if (type !== 128) dv.setUint16(2, checksum(msg)); // the kernel sums ICMPv6 itself
  return msg;
}

const REPLY_TYPE: Readonly<Record<IcmpRequestType, number>> = { 8: 0, 13: 14, 128: 129 };

/** Whether `pkt` (as read from the raw socket) is the reply to our request. */
function isReply(pkt: Uint8Array, v6: boolean, type: IcmpRequestType, ident: number): boolean {
  const off = v6 ? 0 : (pkt[0]! & 0x0f) * 4;
  if (pkt.length < off + 8) return false;
  const gotIdent = (pkt[off + 4]! << 8) | pkt[off + 5]!;
  return pkt[off] === REPLY_TYPE[type] && gotIdent === ident;
}

function sameSource(from: Uint8Array, target: Uint8Array, v6: boolean): boolean {
  const got = v6 ? from.subarray(8, 24) : from.subarray(4, 8);
  return got.every((b, i) => b === target[i]);
}

async function awaitReply(
  fd: number,
  dst: Uint8Array,
  v6: boolean,
  type: IcmpRequestType,
  ident: number,
  deadline: number,
): Promise<IcmpOutcome> {
  const pfd = new Uint8Array(8);
  const buf = new Uint8Array(2048);
  const from = new Uint8Array(28);
  const fromLen = new Uint8Array(4);
  for (;;) {
    const left = Math.ceil(deadline - performance.now());
    if (left <= 0) return "timeout";
    new DataView(pfd.buffer).setInt32(0, fd, true);
    new DataView(pfd.buffer).setInt16(4, POLLIN, true);
    const ready = await libc.symbols.poll(pfd, 1n, left);
    if (ready < 0) return "error";
    if (ready === 0) return "timeout";
    for (;;) {
      new DataView(fromLen.buffer).setUint32(0, from.length, true);
      const n = Number(
        libc.symbols.recvfrom(fd, buf, BigInt(buf.length), MSG_DONTWAIT, from, fromLen),
      );
      if (n <= 0) break;
      const pkt = buf.subarray(0, n);
      if (sameSource(from, dst, v6) && isReply(pkt, v6, type, ident)) return "ok";
    }
  }
}

/** Send one ICMP request of `type` to `ip` and wait up to `timeoutMs` for its reply. */
export async function icmpProbe(
  ip: string,
  type: IcmpRequestType,
  timeoutMs: number,
): Promise<IcmpOutcome> {
  const v6 = ip.includes(":");
  if (v6 !== (type === 128)) throw new TypeError(`ICMP type ${type} does not fit address "${ip}"`);
  const fd = libc.symbols.socket(
    v6 ? AF_INET6 : AF_INET,
    SOCK_RAW | SOCK_CLOEXEC,
    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
  );
  if (fd < 0) return "error";
  try {
    nextIdent = (nextIdent + 1) & 0xffff;
    const ident = nextIdent;
    const sa = sockaddr(ip);
    const msg = request(type, ident);
    const deadline = performance.now() + timeoutMs;
    const sent = libc.symbols.sendto(fd, msg, BigInt(msg.length), 0, sa, sa.length);
    if (Number(sent) < 0) return "error";
    const dst = v6 ? sa.subarray(8, 24) : sa.subarray(4, 8);
    return await awaitReply(fd, dst, v6, type, ident, deadline);
  } finally {
    libc.symbols.close(fd);
  }
}
