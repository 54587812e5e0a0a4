/** Run inside a fresh network namespace by nftables_ffi_test.ts; prints what it saw as JSON. */
import { Libnftables, LibnftablesError } from "../../native/nftables.ts";

const nft = Libnftables.open();
const seen: Record<string, unknown> = {};

const dry = await nft.run("add table ip dry", { dryRun: true });
seen.dryRun = [dry.ok, (await nft.run("list tables")).output];

const lines = ["add table ip big", "add chain ip big c"];
for (let i = 0; i < 5000; i++) {
  lines.push(`add rule ip big c ip saddr 10.${i >> 8}.${i & 255}.1 counter accept`);
}
let ticks = 0;
const timer = setInterval(() => ticks++, 1);
const pending = nft.run(lines.join("\n"));
try {
  nft.runSync("list tables");
  seen.syncWhilePending = "ran";
} catch (e) {
  seen.syncWhilePending = e instanceof LibnftablesError ? e.message : String(e);
}
const big = await pending;
clearInterval(timer);
seen.bigApply = big.ok;
seen.loopTicked = ticks > 0;

const json = await nft.run("list table ip big", { json: true });
const doc = JSON.parse(json.output);
seen.jsonRules = doc.nftables.filter((o: Record<string, unknown>) => "rule" in o).length;
seen.handles = (await nft.run("list chain ip big c", { handle: true })).output.includes("# handle");
seen.syncAfter = nft.runSync("list tables").output;
const bad = await nft.run("add rule ip big nosuch counter accept");
seen.error = [bad.ok, bad.error.split("\n")[0]];
await nft.close();
try {
  nft.runSync("list tables");
} catch (e) {
  seen.closed = e instanceof Error ? e.message : String(e);
}
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(seen) + "\n"));
