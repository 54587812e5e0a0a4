/**
 * SHA-224 (FIPS 180-4: SHA-256's compression with its own initial value, cut to 28 bytes) for the
 * rule hashes. A full render hashes every rule of both tables, tens of thousands of short
 * messages; `node:crypto` costs about 1.8 µs per rule-sized message, mostly call overhead, this
 * reuses its buffers and costs about 0.7 µs (`tests/bench/sha224_bench.ts`, docs/PERFORMANCE.md).
 * Checked against `node:crypto` by tests.
 *
 * @module
 */

/** The first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = new Uint32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

/** SHA-224's initial hash value. */
const IV = [
  0xc1059ed8,
  0x367cd507,
  0x3070dd17,
  0xf70e5939,
  0xffc00b31,
  0x68581511,
  0x64f98fa7,
  0xbefa4fa4,
];

const ENCODER = new TextEncoder();

/** A SHA-224 hasher with reusable buffers; one message at a time. */
export class Sha224 {
  readonly #w = new Uint32Array(64);
  readonly #h = new Uint32Array(8);
  #buf = new Uint8Array(1024);

  /** SHA-224 of `prefix` followed by the UTF-8 bytes of `text`, written into `out` (28 bytes). */
  digest(prefix: Uint8Array | undefined, text: string, out: Uint8Array): void {
    const pre = prefix?.length ?? 0;
    const need = pre + text.length * 3 + 72;
    if (this.#buf.length < need) this.#buf = new Uint8Array(need * 2);
    const buf = this.#buf;
    if (prefix !== undefined) buf.set(prefix, 0);
    const n = pre + ENCODER.encodeInto(text, buf.subarray(pre)).written;
    // Padding: 0x80, zeros, and the bit length as a 64-bit big-endian number.
    const total = (((n + 8) >> 6) + 1) << 6;
    buf[n] = 0x80;
    buf.fill(0, n + 1, total - 8);
    const bits = n * 8;
    writeU32(buf, total - 8, Math.floor(bits / 0x100000000));
    writeU32(buf, total - 4, bits >>> 0);
    this.#h.set(IV);
    for (let off = 0; off < total; off += 64) this.#block(buf, off);
    for (let i = 0; i < 7; i++) writeU32(out, i * 4, this.#h[i]!);
  }

  #block(buf: Uint8Array, off: number): void {
    const w = this.#w;
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4;
      w[i] = (buf[j]! << 24) | (buf[j + 1]! << 16) | (buf[j + 2]! << 8) | buf[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    const h = this.#h;
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (k + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
    h[5] = h[5]! + f;
    h[6] = h[6]! + g;
    h[7] = h[7]! + k;
  }
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** base64url of the first 12 bytes of `bytes`: 16 characters, no padding. */
export function base64url12(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < 12; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += B64URL[v >>> 18]! + B64URL[(v >>> 12) & 63]! + B64URL[(v >>> 6) & 63]! + B64URL[v & 63]!;
  }
  return s;
}
