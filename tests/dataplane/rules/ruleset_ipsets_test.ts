import { deepEqual } from "node:assert/strict";
import fc from "fast-check";
import { canonicalMember, collapseNets } from "../../../src/dataplane/rules/ruleset_ipsets.ts";
import { type CIDR, cidrContains, formatCIDR, maskCIDR, parseCIDR } from "../../../src/lib/ip.ts";
import type { IPSetType } from "../../../src/proto/messages.ts";

/** The definition, by parsing every member. */
function canonicalByParsing(type: IPSetType, member: string, version: 4 | 6): string | undefined {
  if (type === "ip-and-port") {
    const comma = member.lastIndexOf(",");
    const addr = parseCIDR(member.slice(0, comma), true);
    if (comma < 0 || addr === undefined || addr.family !== version) return undefined;
    if (addr.prefix !== (version === 4 ? 32 : 128)) return undefined;
    return `${formatCIDR(addr).split("/")[0]},${member.slice(comma + 1)}`;
  }
  const cidr = parseCIDR(member, true);
  if (cidr === undefined || cidr.family !== version) return undefined;
  if (type === "net") return formatCIDR(maskCIDR(cidr));
  return cidr.prefix === (version === 4 ? 32 : 128) ? formatCIDR(cidr).split("/")[0] : undefined;
}

/** The definition: sorted by address, then dropped when the last kept one contains it. */
function collapseByParsing(cidrs: readonly string[]): string[] {
  const parsed = cidrs.map((c) => parseCIDR(c, true)).filter((c) => c !== undefined)
    .map((c) => maskCIDR(c!));
  parsed.sort((x, y) => {
    for (let i = 0; i < x.bytes.length; i++) {
      const d = x.bytes[i]! - y.bytes[i]!;
      if (d !== 0) return d;
    }
    return x.prefix - y.prefix;
  });
  const kept: CIDR[] = [];
  for (const c of parsed) {
    const last = kept[kept.length - 1];
    if (last === undefined || !cidrContains(last, c)) kept.push(c);
  }
  return kept.map(formatCIDR);
}

const octet = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(String),
  fc.constantFrom("00", "010", "256", ""),
);
const memberArb = fc.oneof(
  fc.tuple(octet, octet, octet, octet, fc.constantFrom("", "/32", "/24", "/0", "/33", "/032"))
    .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}${p}`),
  fc.constantFrom("fd00::1", "fd00::1/128", "FD00:0::1", "fd00::/64", "::ffff:10.0.0.1", "x"),
);

Deno.test("canonicalMember equals parsing every member, for every type and family (property)", () => {
  fc.assert(
    fc.property(
      memberArb,
      fc.constantFrom<IPSetType>("net", "ip", "ip-and-port"),
      fc.constantFrom<4 | 6>(4, 6),
      (member, type, version) => {
        const m = type === "ip-and-port" ? `${member},tcp:80` : member;
        deepEqual(canonicalMember(type, m, version), canonicalByParsing(type, m, version));
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("collapseNets sorts by address and drops contained nets, hosts only or mixed (property)", () => {
  const host = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
    .map(([c, d]) => `10.0.${c}.${d}/32`);
  const net = fc.constantFrom("10.0.0.0/16", "10.0.3.0/24", "fd00::/64", "fd00::1/128");
  fc.assert(
    fc.property(fc.array(fc.oneof(host, host, net), { maxLength: 30 }), (cidrs) => {
      deepEqual(collapseNets(cidrs), collapseByParsing(cidrs));
    }),
    { numRuns: 500 },
  );
  deepEqual(collapseNets(["10.0.0.10/32", "10.0.0.9/32", "10.0.0.10/32"]), [
    "10.0.0.9/32",
    "10.0.0.10/32",
  ]);
});
