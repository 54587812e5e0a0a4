import { deepEqual, throws } from "node:assert/strict";
import { Libnftables, LibnftablesError } from "../../native/nftables.ts";
import { canUseNetns, denoIn, withNetns } from "./netns.ts";

const SCENARIO = new URL("./nftables_ffi_scenario.ts", import.meta.url).pathname;

Deno.test("Libnftables.open names the library and what to install when it cannot load", () => {
  throws(
    () => Libnftables.open("libnftables-missing.so.9"),
    (e) =>
      e instanceof LibnftablesError &&
      e.message.startsWith('Cannot load "libnftables-missing.so.9": ') &&
      e.message.endsWith("Install libnftables1 (Debian) to program nftables"),
  );
});

Deno.test({
  name: "Libnftables runs dry runs, queued nonblocking transactions, JSON and handle output",
  ignore: !canUseNetns(),
  async fn() {
    const out = await withNetns(`fnftf${Deno.pid}`, (ns) => denoIn(ns, SCENARIO));
    if (out.code !== 0) throw new Error(`The scenario failed (exit ${out.code}):\n${out.stderr}`);
    deepEqual(JSON.parse(out.stdout), {
      dryRun: [true, ""],
      syncWhilePending: "Cannot run a command while another is in flight: use run()",
      bigApply: true,
      loopTicked: true,
      jsonRules: 5000,
      handles: true,
      syncAfter: "table ip big\n",
      error: [false, "Error: Could not process rule: No such file or directory"],
      closed: "Cannot use a closed nftables context",
    });
  },
});
