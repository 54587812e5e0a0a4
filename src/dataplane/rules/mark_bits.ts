/**
 * The packet-mark bits the rules use, allocated lowest-first from the configured mask
 * (`NftablesMarkMask`, default `0xffff0000`) in upstream's order: accept, pass, drop, scratch0,
 * scratch1; the remaining bits form the endpoint-mark block (reference/rules-rendering.md §3).
 *
 * @module
 */

/** The allocated mark bits. */
export interface MarkBits {
  readonly accept: number;
  readonly pass: number;
  readonly drop: number;
  readonly scratch0: number;
  readonly scratch1: number;
  /** The bits left after the five single bits (IPVS endpoint marks; unused in nft mode). */
  readonly endpoint: number;
  /** accept | pass | scratch0 | scratch1: what the static chains clear on entry. */
  readonly allCalico: number;
}

const NEEDED = 5;

/**
 * Allocates the bits from `mask`. Throws a RangeError when the mask has fewer than five bits,
 * as upstream refuses to start then.
 */
export function allocateMarkBits(mask: number): MarkBits {
  const bits: number[] = [];
  let rest = mask >>> 0;
  for (let bit = 0; bit < 32 && bits.length < NEEDED; bit++) {
    const value = (1 << bit) >>> 0;
    if ((rest & value) !== 0) {
      bits.push(value);
      rest = (rest & ~value) >>> 0;
    }
  }
  const [accept, pass, drop, scratch0, scratch1] = bits;
  if (
    accept === undefined || pass === undefined || drop === undefined ||
    scratch0 === undefined || scratch1 === undefined
  ) {
    throw new RangeError(
      `Cannot allocate mark bits from mask "0x${(mask >>> 0).toString(16)}": ` +
        `it needs at least ${NEEDED} bits; widen NftablesMarkMask`,
    );
  }
  return {
    accept,
    pass,
    drop,
    scratch0,
    scratch1,
    endpoint: rest,
    allCalico: (accept | pass | scratch0 | scratch1) >>> 0,
  };
}
