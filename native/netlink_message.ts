/**
 * Netlink message framing: `nlmsghdr` encode/decode, splitting a receive buffer into messages,
 * and the error/ACK message with its extended-ACK string. Pure.
 *
 * @module
 */
import { align4, AttrSet, readU32 } from "./netlink_attrs.ts";
import { NLM_F, NLMSGERR_ATTR, SIZE } from "./netlink_consts.ts";

/** One netlink message: its header fields and payload (after the 16-byte header). */
export interface NlMessage {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  readonly payload: Uint8Array;
}

/** A whole message: header plus payload. */
export function encodeMessage(
  type: number,
  flags: number,
  seq: number,
  payload: Uint8Array,
  pid = 0,
): Uint8Array<ArrayBuffer> {
  const len = SIZE.NLMSGHDR + payload.length;
  const out = new Uint8Array(align4(len));
  const v = new DataView(out.buffer);
  v.setUint32(0, len, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, seq >>> 0, true);
  v.setUint32(12, pid >>> 0, true);
  out.set(payload, SIZE.NLMSGHDR);
  return out;
}

/** Split a datagram into its messages; a truncated message throws. */
export function decodeMessages(buf: Uint8Array): NlMessage[] {
  const out: NlMessage[] = [];
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off + SIZE.NLMSGHDR <= buf.length) {
    const len = v.getUint32(off, true);
    if (len < SIZE.NLMSGHDR || off + len > buf.length) {
      throw new RangeError(
        `Cannot parse netlink message at offset ${off}: length ${len} overruns ${buf.length}`,
      );
    }
    out.push({
      type: v.getUint16(off + 4, true),
      flags: v.getUint16(off + 6, true),
      seq: v.getUint32(off + 8, true),
      pid: v.getUint32(off + 12, true),
      payload: buf.subarray(off + SIZE.NLMSGHDR, off + len),
    });
    off += align4(len);
  }
  return out;
}

/** A decoded `NLMSG_ERROR`: `errno` 0 is an ACK. */
export interface NlErrorInfo {
  /** The positive errno (0 for an ACK). */
  readonly errno: number;
  /** The extended-ACK message, when the kernel gave one. */
  readonly message?: string;
  /** The extended-ACK offset of the offending attribute in the request. */
  readonly offset?: number;
  /** The sequence number of the request this answers. */
  readonly requestSeq: number;
  /** The type of the request this answers. */
  readonly requestType: number;
}

/** Decode the payload of an `NLMSG_ERROR` message (`flags` are its header flags). */
export function decodeError(payload: Uint8Array, flags: number): NlErrorInfo {
  if (payload.length < SIZE.NLMSGERR) {
    throw new RangeError(`Cannot parse netlink error: ${payload.length} bytes, need 20`);
  }
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const errno = -v.getInt32(0, true);
  const requestType = v.getUint16(8, true);
  const requestSeq = readU32(payload, 12);
  // Without CAPPED the whole request follows the error code; TLVs come after it.
  const origLen = readU32(payload, 4);
  const tlvStart = (flags & NLM_F.CAPPED) !== 0 ? SIZE.NLMSGERR : 4 + align4(origLen);
  const info: { -readonly [K in keyof NlErrorInfo]: NlErrorInfo[K] } = {
    errno,
    requestSeq,
    requestType,
  };
  if ((flags & NLM_F.ACK_TLVS) !== 0 && tlvStart < payload.length) {
    const attrs = new AttrSet(payload.subarray(tlvStart));
    const message = attrs.string(NLMSGERR_ATTR.MSG);
    const offset = attrs.u32(NLMSGERR_ATTR.OFFS);
    if (message !== undefined) info.message = message;
    if (offset !== undefined) info.offset = offset;
  }
  return info;
}

/** Encode an `NLMSG_ERROR` payload (tests and the fake kernel): capped, with an optional text. */
export function encodeError(
  errno: number,
  requestType: number,
  requestSeq: number,
  message?: string,
): { payload: Uint8Array; flags: number } {
  const text = message === undefined ? undefined : new TextEncoder().encode(message);
  const tlvLen = text === undefined ? 0 : align4(4 + text.length + 1);
  const payload = new Uint8Array(SIZE.NLMSGERR + tlvLen);
  const v = new DataView(payload.buffer);
  v.setInt32(0, -errno, true);
  v.setUint32(4, SIZE.NLMSGHDR, true);
  v.setUint16(8, requestType, true);
  v.setUint32(12, requestSeq, true);
  if (text !== undefined) {
    v.setUint16(SIZE.NLMSGERR, 4 + text.length + 1, true);
    v.setUint16(SIZE.NLMSGERR + 2, NLMSGERR_ATTR.MSG, true);
    payload.set(text, SIZE.NLMSGERR + 4);
  }
  return { payload, flags: NLM_F.CAPPED | (text === undefined ? 0 : NLM_F.ACK_TLVS) };
}

/** Names of the kernel errnos rtnetlink commonly returns, for messages. */
const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  16: "EBUSY",
  17: "EEXIST",
  19: "ENODEV",
  22: "EINVAL",
  34: "ERANGE",
  95: "EOPNOTSUPP",
  100: "ENETDOWN",
  101: "ENETUNREACH",
  105: "ENOBUFS",
};

/** `EEXIST` style name of an errno, or `errno N`. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno ${errno}`;
}

/** A request the kernel refused: the errno and, when given, the extended-ACK text. */
export class NetlinkError extends Error {
  readonly errno: number;
  readonly kernelMessage: string | undefined;

  constructor(what: string, info: Pick<NlErrorInfo, "errno" | "message">) {
    const detail = info.message === undefined || info.message === ""
      ? errnoName(info.errno)
      : `${errnoName(info.errno)}: ${info.message}`;
    super(`Cannot ${what}: ${detail}`);
    this.name = "NetlinkError";
    this.errno = info.errno;
    this.kernelMessage = info.message;
  }
}
