import { equal } from "node:assert/strict";
import { renderTables } from "../../../src/dataplane/nftables/nft_renderer.ts";
import { renderReplaceScript } from "../../../src/dataplane/nftables/render_script.ts";
import { richInput } from "../rules/rich_input.ts";
import { nftCheck } from "./nft_check.ts";

Deno.test("renderReplaceScript of a rich IPv4 table (every rule field, every HEP kind) passes nft -c", async () => {
  const result = await nftCheck(renderReplaceScript(renderTables(richInput()).ip));
  equal(result.stderr, "");
  equal(result.ok, true);
});

Deno.test("renderReplaceScript of a rich IPv6 table passes nft -c", async () => {
  const ip6 = renderTables(richInput()).ip6;
  equal(ip6?.family, "ip6");
  const result = await nftCheck(renderReplaceScript(ip6!));
  equal(result.stderr, "");
  equal(result.ok, true);
});

Deno.test("nftCheck rejects a broken script (the check can fail)", async () => {
  const result = await nftCheck("table ip calico-check { chain c { nonsense } }\n");
  equal(result.ok, false);
});
