import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { CidrMap } from "../../src/lib/cidr_map.ts";
import { cidrContains, normaliseCIDR, parseCIDR } from "../../src/lib/ip.ts";

Deno.test("normaliseCIDR masks host bits and gives bare IPs a full prefix", () => {
  equal(normaliseCIDR("10.1.2.3/8"), "10.0.0.0/8");
  equal(normaliseCIDR("10.1.2.3"), "10.1.2.3/32");
  equal(normaliseCIDR("FD00::1"), "fd00::1/128");
  equal(normaliseCIDR("10.0.0.0/33"), undefined);
});

Deno.test("CidrMap stores by canonical CIDR and rejects what does not parse", () => {
  const m = new CidrMap<string>();
  equal(m.set("10.1.2.3/8", "a"), true);
  equal(m.get("10.0.0.0/8"), "a");
  equal(m.has("10.9.9.9/8"), true);
  equal(m.set("bogus", "b"), false);
  equal(m.size, 1);
  equal(m.delete("10.0.0.0/16"), false);
  equal(m.delete("10.0.0.0/8"), true);
  equal(m.size, 0);
  equal(m.get("10.0.0.0/8"), undefined);
});

Deno.test("CidrMap.longestMatch finds the longest stored prefix containing a CIDR", () => {
  const m = new CidrMap<string>();
  m.set("10.0.0.0/8", "pool");
  m.set("10.65.1.0/26", "block");
  m.set("fd00::/48", "v6");
  deepEqual(m.longestMatch("10.65.1.5/32"), ["10.65.1.0/26", "block"]);
  deepEqual(m.longestMatch("10.65.1.0/26"), ["10.65.1.0/26", "block"]);
  deepEqual(m.longestMatch("10.65.1.0/24"), ["10.0.0.0/8", "pool"]);
  deepEqual(m.longestMatch("fd00::5"), ["fd00::/48", "v6"]);
  equal(m.longestMatch("11.0.0.1"), undefined);
  equal(m.longestMatch("::ffff:10.65.1.5"), undefined);
});

Deno.test("CidrMap.within lists stored CIDRs inside a CIDR, itself included", () => {
  const m = new CidrMap<number>();
  for (const [i, c] of ["10.0.0.0/8", "10.65.1.0/26", "10.65.1.5/32", "11.0.0.1/32"].entries()) {
    m.set(c, i);
  }
  deepEqual([...m.within("10.65.0.0/16")].sort(), [["10.65.1.0/26", 1], ["10.65.1.5/32", 2]]);
  deepEqual([...m.within("10.0.0.0/8")].map(([c]) => c).sort(), [
    "10.0.0.0/8",
    "10.65.1.0/26",
    "10.65.1.5/32",
  ]);
  deepEqual([...m.entries()].length, 4);
});

Deno.test("CidrMap.longestMatch agrees with a linear scan on random v4 tables", () => {
  const cidr = fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }))
    .map(([n, p]) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${p}`);
  fc.assert(fc.property(fc.array(cidr, { maxLength: 30 }), cidr, (stored, probe) => {
    const m = new CidrMap<string>();
    for (const c of stored) m.set(c, c);
    const p = parseCIDR(probe)!;
    const best = stored.map((c) => parseCIDR(c)!).filter((c) => cidrContains(c, p))
      .sort((a, b) => b.prefix - a.prefix)[0];
    equal(
      m.longestMatch(probe)?.[0],
      best === undefined ? undefined : normaliseCIDR(
        `${best.bytes.join(".")}/${best.prefix}`,
      ),
    );
  }));
});
