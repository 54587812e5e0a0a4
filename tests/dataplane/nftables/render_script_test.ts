import { equal } from "node:assert/strict";
import type { NftTable } from "../../../src/dataplane/nftables/nft_model.ts";
import {
  renderReplaceScript,
  renderTableText,
} from "../../../src/dataplane/nftables/render_script.ts";
import { nftCheck } from "./nft_check.ts";

const TABLE: NftTable = {
  family: "ip6",
  name: "calico",
  sets: new Map([
    ["cali60s-a", {
      name: "cali60s-a",
      type: "ipv6_addr",
      flags: ["interval"],
      elements: ["fd00::/64", "fd01::1/128"],
    }],
    ["cali60this-host", { name: "cali60this-host", type: "ipv6_addr", flags: [], elements: [] }],
  ]),
  maps: new Map([
    ["filter-cali-to-wl-dispatch", {
      name: "filter-cali-to-wl-dispatch",
      type: "ifname : verdict",
      elements: new Map([['"cali1"', "goto filter-cali-tw-cali1"]]),
    }],
  ]),
  chains: new Map([
    ["filter-FORWARD", {
      name: "filter-FORWARD",
      base: { type: "filter", hook: "forward", priority: 0, policy: "accept" },
      rules: [{ body: "counter jump filter-cali-to-wl-dispatch", hash: "AAAAAAAAAAAAAAAA" }],
    }],
    ["filter-cali-to-wl-dispatch", {
      name: "filter-cali-to-wl-dispatch",
      rules: [
        { body: "oifname vmap @filter-cali-to-wl-dispatch", hash: "BBBBBBBBBBBBBBBB" },
        { body: "counter drop", hash: "CCCCCCCCCCCCCCCC", comment: "Unknown interface" },
      ],
    }],
    ["filter-cali-tw-cali1", {
      name: "filter-cali-tw-cali1",
      rules: [{ body: "ip6 saddr @cali60s-a counter accept", hash: "DDDDDDDDDDDDDDDD" }],
    }],
  ]),
};

const TEXT = `table ip6 calico {
\tset cali60s-a {
\t\ttype ipv6_addr
\t\tflags interval
\t\telements = {
\t\t\tfd00::/64,
\t\t\tfd01::1/128,
\t\t}
\t}
\tset cali60this-host {
\t\ttype ipv6_addr
\t}
\tmap filter-cali-to-wl-dispatch {
\t\ttype ifname : verdict
\t\telements = {
\t\t\t"cali1" : goto filter-cali-tw-cali1,
\t\t}
\t}
\tchain filter-FORWARD {
\t\ttype filter hook forward priority 0; policy accept;
\t\tcounter jump filter-cali-to-wl-dispatch comment "cali:AAAAAAAAAAAAAAAA;"
\t}
\tchain filter-cali-to-wl-dispatch {
\t\toifname vmap @filter-cali-to-wl-dispatch comment "cali:BBBBBBBBBBBBBBBB;"
\t\tcounter drop comment "cali:CCCCCCCCCCCCCCCC; Unknown interface"
\t}
\tchain filter-cali-tw-cali1 {
\t\tip6 saddr @cali60s-a counter accept comment "cali:DDDDDDDDDDDDDDDD;"
\t}
}
`;

Deno.test("renderTableText writes sets, maps, then chains with hooks and hash comments", () => {
  equal(renderTableText(TABLE), TEXT);
});

Deno.test("renderReplaceScript adds, deletes and recreates the table in one script", async () => {
  const script = renderReplaceScript(TABLE);
  equal(script, `add table ip6 calico\ndelete table ip6 calico\n${TEXT}`);
  const result = await nftCheck(script);
  equal(result.stderr, "");
  equal(result.ok, true);
});
