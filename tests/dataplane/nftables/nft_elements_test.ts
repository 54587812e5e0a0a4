import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import {
  dropCoveredPrefixes,
  normaliseElement,
} from "../../../src/dataplane/nftables/nft_elements.ts";
import { cidrContains, parseCIDR } from "../../../src/lib/ip.ts";

/** The definition: sorted by prefix (stable), an element is dropped when a kept one covers it. */
function coveredByDefinition(elements: readonly string[]): string[] {
  const parsed = elements.map((e, i) => ({ i, c: e.includes(" . ") ? undefined : parseCIDR(e) }));
  const cidrs = parsed.filter((p) => p.c !== undefined).sort((a, b) => a.c!.prefix - b.c!.prefix);
  const kept: NonNullable<(typeof parsed)[number]["c"]>[] = [];
  const dropped = new Set<number>();
  for (const p of cidrs) {
    if (kept.some((k) => cidrContains(k, p.c!))) dropped.add(p.i);
    else kept.push(p.c!);
  }
  return elements.filter((_, i) => !dropped.has(i));
}

Deno.test("normaliseElement writes full-length prefixes bare and protocol numbers as names", () => {
  deepEqual(
    [
      "10.0.0.1/32",
      "10.0.0.0/24",
      "10.0.0.1/24",
      "010.0.0.1",
      "10.0.0.1/08",
      "fd00:0::1/128",
      "FD00::/64",
      "10.0.0.1-10.0.0.9",
      "10.0.0.1/32 . 17 . 53",
      " 10.0.0.2 . tcp . 8080",
      "0.0.0.0/0",
    ].map(normaliseElement),
    [
      "10.0.0.1",
      "10.0.0.0/24",
      "10.0.0.1/24",
      "010.0.0.1",
      "10.0.0.1/08",
      "fd00::1",
      "fd00::/64",
      "10.0.0.1-10.0.0.9",
      "10.0.0.1 . udp . 53",
      "10.0.0.2 . tcp . 8080",
      "0.0.0.0/0",
    ],
  );
});

Deno.test("dropCoveredPrefixes drops covered prefixes and later duplicates of a network", () => {
  deepEqual(
    dropCoveredPrefixes([
      "10.0.0.1",
      "10.0.0.0/24",
      "10.0.0.7/24",
      "10.1.0.0/16",
      "10.1.2.0/24",
      "fd00::/64",
      "fd00::5",
      "fd01::5",
      "128.0.0.0/1",
      "192.168.0.1",
      "10.0.0.1 . tcp . 80",
    ]),
    ["10.0.0.0/24", "10.1.0.0/16", "fd00::/64", "fd01::5", "128.0.0.0/1", "10.0.0.1 . tcp . 80"],
  );
});

Deno.test("dropCoveredPrefixes returns a set of bare addresses unchanged", () => {
  const hosts = Array.from({ length: 500 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
  deepEqual(dropCoveredPrefixes(hosts), hosts);
  equal(dropCoveredPrefixes([]).length, 0);
});

const v4Arb = fc.tuple(
  fc.constantFrom(0, 10, 192),
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0, 1, 128, 255),
  fc.constantFrom(undefined, 0, 1, 8, 16, 24, 25, 31, 32),
).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}${p === undefined ? "" : `/${p}`}`);
const v6Arb = fc.tuple(
  fc.constantFrom("fd00", "fd01", "2001"),
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom(undefined, 0, 16, 32, 64, 127, 128),
).map(([h, x, p]) => `${h}::${x}${p === undefined ? "" : `/${p}`}`);

Deno.test("dropCoveredPrefixes keeps exactly what the pairwise definition keeps (property)", () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.oneof(v4Arb, v6Arb), { maxLength: 40 }), (elements) => {
      deepEqual(dropCoveredPrefixes(elements), coveredByDefinition(elements));
    }),
    { numRuns: 500 },
  );
});
