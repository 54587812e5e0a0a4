/**
 * Run inside a fresh network namespace by nft_reconciler_netns_test.ts: programs real tables
 * through libnftables, tampers with them through the `nft` CLI, resyncs, and prints what it saw
 * as one JSON document on stdout.
 */
import { LibnftablesExecutor } from "../../src/dataplane/nftables/nft_executor.ts";
import {
  NftReconciler,
  type ReconcileResult,
} from "../../src/dataplane/nftables/nft_reconciler.ts";
import {
  DISPATCH_INPUT,
  DISPATCH_MAP,
  DISPATCH_RULES,
  rule,
  table,
  type TableParts,
} from "../dataplane/linux/nft_fixtures.ts";

function parts(v: 4 | 6): TableParts {
  const ip = v === 4 ? "ip" : "ip6";
  const set = `cali${v}0s-a`;
  const named = v === 4
    ? {
      [`cali40n-b`]: {
        type: "ipv4_addr . inet_proto . inet_service",
        flags: [],
        elements: ["10.0.0.1 . tcp . 8080", "10.0.0.2 . 17 . 53"],
      },
    }
    : {};
  const namedRule = v === 4
    ? [rule("p2", "ip daddr . meta l4proto . th dport @cali40n-b counter accept")]
    : [];
  return {
    base: DISPATCH_INPUT,
    chains: {
      "filter-cali-from-wl-dispatch": DISPATCH_RULES,
      "filter-cali-fw-cali1": [
        rule("f0", "ct state related,established counter accept"),
        rule("f1", "counter jump filter-cali-po-np/a"),
        rule("f2", "counter drop", "Drop if no profiles matched"),
      ],
      "filter-cali-po-np/a": [
        rule("p1", `${ip} daddr @${set} tcp dport { 80 } counter accept`),
        ...namedRule,
      ],
      "filter-cali-pri-kns.prod": [rule("k1", "continue", "Profile kns.prod ingress")],
    },
    sets: {
      [set]: {
        type: v === 4 ? "ipv4_addr" : "ipv6_addr",
        elements: v === 4 ? ["10.0.0.1/32", "10.1.0.0/16"] : ["fd00::1/128", "FD00:1::/64"],
      },
      ...named,
    },
    maps: DISPATCH_MAP,
  };
}

async function nft(script: string): Promise<string> {
  const out = await new Deno.Command("nft", { args: [script], stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  if (!out.success) throw new Error(`nft "${script}" failed: ${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout);
}

function brief(r: ReconcileResult): Record<string, unknown> {
  return {
    commands: r.commands,
    readBack: r.readBack,
    tableCreated: r.summary?.tableCreated,
    chainsRewritten: r.summary?.chainsRewritten,
    chainsDeleted: r.summary?.chainsDeleted,
    elementsAdded: r.summary?.elementsAdded,
  };
}

const executor = new LibnftablesExecutor();
const r4 = new NftReconciler({ executor, family: "ip" });
const r6 = new NftReconciler({ executor, family: "ip6" });
const t4 = table(parts(4));
const t6 = table(parts(6), "ip6");
const seen: Record<string, unknown> = {};

seen.first4 = brief(await r4.apply(t4));
seen.first6 = brief(await r6.apply(t6));
r4.markForResync();
r6.markForResync();
seen.cleanResync4 = brief(await r4.apply(t4));
seen.cleanResync6 = brief(await r6.apply(t6));

await nft("delete table ip calico");
r4.markForResync();
seen.afterDeletedTable = brief(await r4.apply(t4));

await nft("flush chain ip calico filter-cali-fw-cali1");
r4.markForResync();
seen.afterFlushedChain = brief(await r4.apply(t4));

await nft("add table ip foreign; add chain ip foreign c; add rule ip foreign c counter accept");
await nft("add chain ip calico intruder");
r4.markForResync();
seen.afterForeign = brief(await r4.apply(t4));
seen.tables = (await nft("list tables")).trim().split("\n").sort();
seen.foreignRules = (await nft("list chain ip foreign c")).includes(
  "counter packets 0 bytes 0 accept",
);
seen.fwChain = (await nft("list chain ip calico filter-cali-fw-cali1")).split("\n")
  .map((l) => l.trim()).filter((l) => l.includes("comment"));

try {
  await executor.run("add rule ip calico no-such-chain counter accept\n");
  seen.badScript = "accepted";
} catch (e) {
  seen.badScript = e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : String(e);
}
seen.removed6 = brief(await r6.apply(undefined));
await executor.close();
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(seen) + "\n"));
