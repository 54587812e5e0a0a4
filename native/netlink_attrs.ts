/**
 * Netlink attribute (TLV) encoding and decoding, and the byte forms of addresses: `NlWriter`
 * appends fixed headers, attributes and nests to a growing buffer; `parseAttrs` splits a payload
 * into attributes. Little-endian host order, 4-byte alignment, as the kernel lays them out. Pure.
 *
 * @module
 */
import { formatIP, parseIP } from "../src/lib/ip.ts";

/** Round `n` up to the netlink alignment (4). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The nested / byte-order flag bits of an attribute type. */
const NLA_TYPE_MASK = 0x3fff;

/** Builds netlink payloads. */
export class NlWriter {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  #reserve(n: number): number {
    const at = this.#len;
    if (at + n > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, at + n));
      next.set(this.#buf.subarray(0, at));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    this.#len += n;
    return at;
  }

  u8(v: number): this {
    this.#view.setUint8(this.#reserve(1), v);
    return this;
  }
  u16(v: number): this {
    this.#view.setUint16(this.#reserve(2), v, true);
    return this;
  }
  u32(v: number): this {
    this.#view.setUint32(this.#reserve(4), v >>> 0, true);
    return this;
  }
  i32(v: number): this {
    this.#view.setInt32(this.#reserve(4), v, true);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.#buf.set(b, this.#reserve(b.length));
    return this;
  }
  /** Zero bytes up to the next 4-byte boundary. */
  pad(): this {
    const n = align4(this.#len) - this.#len;
    this.#buf.fill(0, this.#reserve(n), this.#len);
    return this;
  }
  /** Overwrite a u32 already written (lengths of headers and nests). */
  setU32(offset: number, v: number): void {
    this.#view.setUint32(offset, v >>> 0, true);
  }

  /** An attribute with a raw payload. */
  attr(type: number, payload: Uint8Array): this {
    this.u16(4 + payload.length).u16(type).bytes(payload);
    return this.pad();
  }
  attrU8(type: number, v: number): this {
    return this.u16(5).u16(type).u8(v & 0xff).pad();
  }
  attrU16(type: number, v: number): this {
    return this.u16(6).u16(type).u16(v).pad();
  }
  /** A 16-bit attribute in network byte order (ports). */
  attrBe16(type: number, v: number): this {
    return this.u16(6).u16(type).u8((v >> 8) & 0xff).u8(v & 0xff).pad();
  }
  attrU32(type: number, v: number): this {
    return this.u16(8).u16(type).u32(v);
  }
  /** A NUL-terminated string attribute. */
  attrString(type: number, s: string): this {
    const text = ENCODER.encode(s);
    this.u16(4 + text.length + 1).u16(type).bytes(text).u8(0);
    return this.pad();
  }
  /** A nested attribute whose content `fill` writes. */
  nest(type: number, fill: (w: this) => void): this {
    const at = this.#len;
    this.u16(0).u16(type);
    fill(this);
    this.#view.setUint16(at, this.#len - at, true);
    return this.pad();
  }

  /** A copy of the bytes written. */
  finish(): Uint8Array<ArrayBuffer> {
    return this.#buf.slice(0, this.#len);
  }
}

/** One attribute: its type (flag bits cleared) and payload. */
export interface NlAttr {
  readonly type: number;
  readonly data: Uint8Array;
}

/** Split `buf` into attributes; a truncated trailing attribute throws. */
export function parseAttrs(buf: Uint8Array): NlAttr[] {
  const out: NlAttr[] = [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off + 4 <= buf.length) {
    const len = view.getUint16(off, true);
    const type = view.getUint16(off + 2, true) & NLA_TYPE_MASK;
    if (len < 4 || off + len > buf.length) {
      throw new RangeError(
        `Cannot parse netlink attribute at offset ${off}: length ${len} overruns ${buf.length}`,
      );
    }
    out.push({ type, data: buf.subarray(off + 4, off + len) });
    off += align4(len);
  }
  return out;
}

/** Attributes by type (the first of each type wins), with typed readers. */
export class AttrSet {
  readonly #byType = new Map<number, Uint8Array>();

  constructor(buf: Uint8Array) {
    for (const a of parseAttrs(buf)) {
      if (!this.#byType.has(a.type)) this.#byType.set(a.type, a.data);
    }
  }

  has(type: number): boolean {
    return this.#byType.has(type);
  }
  raw(type: number): Uint8Array | undefined {
    return this.#byType.get(type);
  }
  u8(type: number): number | undefined {
    const d = this.#byType.get(type);
    return d === undefined || d.length < 1 ? undefined : d[0]!;
  }
  /** A u8 flag as a boolean (non-zero is true). */
  bool(type: number): boolean | undefined {
    const v = this.u8(type);
    return v === undefined ? undefined : v !== 0;
  }
  u32(type: number): number | undefined {
    const d = this.#byType.get(type);
    return d === undefined || d.length < 4 ? undefined : readU32(d, 0);
  }
  be16(type: number): number | undefined {
    const d = this.#byType.get(type);
    return d === undefined || d.length < 2 ? undefined : (d[0]! << 8) | d[1]!;
  }
  string(type: number): string | undefined {
    const d = this.#byType.get(type);
    if (d === undefined) return undefined;
    const nul = d.indexOf(0);
    return DECODER.decode(nul < 0 ? d : d.subarray(0, nul));
  }
  ip(type: number): string | undefined {
    const d = this.#byType.get(type);
    return d === undefined ? undefined : ipFromBytes(d);
  }
  mac(type: number): string | undefined {
    const d = this.#byType.get(type);
    return d === undefined ? undefined : macFromBytes(d);
  }
  nested(type: number): AttrSet | undefined {
    const d = this.#byType.get(type);
    return d === undefined ? undefined : new AttrSet(d);
  }
}

/**
 * A view of a message payload; throws when it is shorter than its fixed header (`size` bytes).
 * `what` names the message in the error: "a link" gives "Cannot parse a link message: ...".
 */
export function headerView(payload: Uint8Array, size: number, what: string): DataView {
  if (payload.length < size) {
    throw new RangeError(`Cannot parse ${what} message: ${payload.length} bytes, need ${size}`);
  }
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
}

/**
 * The members of `fields` that are not undefined: an attribute missing from a message leaves its
 * field absent in the decoded object (never present and undefined).
 */
export function present<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Read a little-endian u32. */
export function readU32(b: Uint8Array, off: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off, true);
}

/** An address in canonical text from 4 or 16 bytes; other lengths throw. */
export function ipFromBytes(b: Uint8Array): string {
  if (b.length !== 4 && b.length !== 16) {
    throw new RangeError(`Cannot read an IP address from ${b.length} bytes: expected 4 or 16`);
  }
  return formatIP({ family: b.length === 4 ? 4 : 6, bytes: b });
}

/** The bytes of an address; a bad address throws. */
export function ipToBytes(ip: string): Uint8Array {
  const q = DOTTED_QUAD.exec(ip);
  if (q !== null) {
    const b = Uint8Array.of(+q[1]!, +q[2]!, +q[3]!, +q[4]!);
    if (b[0] === +q[1]! && b[1] === +q[2]! && b[2] === +q[3]! && b[3] === +q[4]!) return b;
  }
  const a = parseIP(ip);
  if (a === undefined) throw new TypeError(`Cannot encode IP address "${ip}": not an address`);
  return a.bytes;
}

/** A MAC (or other link-layer address) as lower-case colon-separated hex. */
export function macFromBytes(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
}

/** The bytes of `aa:bb:...` (or `-` separated); a bad address throws. */
export function macToBytes(mac: string): Uint8Array {
  const parts = mac.split(/[:-]/);
  if (parts.length < 1 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) {
    throw new TypeError(`Cannot encode link-layer address "${mac}": expected hex pairs`);
  }
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}
