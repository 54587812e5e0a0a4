import { deepEqual } from "node:assert/strict";
import { canUseNetns, denoIn, withNetns } from "./netns.ts";

const SCENARIO = new URL("./nft_reconciler_scenario.ts", import.meta.url).pathname;

Deno.test({
  name:
    "NftReconciler over libnftables repairs a deleted table, a flushed chain and an intruder, leaving a foreign table alone",
  ignore: !canUseNetns(),
  async fn() {
    const out = await withNetns(`fnftr${Deno.pid}`, (ns) => denoIn(ns, SCENARIO));
    if (out.code !== 0) throw new Error(`The scenario failed (exit ${out.code}):\n${out.stderr}`);
    const seen = JSON.parse(out.stdout);
    const none = {
      commands: 0,
      readBack: true,
      tableCreated: undefined,
      chainsRewritten: undefined,
      chainsDeleted: undefined,
      elementsAdded: undefined,
    };
    deepEqual(seen.first4, {
      commands: 21,
      readBack: true,
      tableCreated: true,
      chainsRewritten: 0,
      chainsDeleted: 0,
      elementsAdded: 5,
    });
    deepEqual([seen.first6.commands, seen.first6.elementsAdded], [18, 3]);
    deepEqual(seen.cleanResync4, {
      ...none,
      tableCreated: false,
      chainsRewritten: 0,
      chainsDeleted: 0,
      elementsAdded: 0,
    });
    deepEqual(seen.cleanResync6, {
      ...none,
      tableCreated: false,
      chainsRewritten: 0,
      chainsDeleted: 0,
      elementsAdded: 0,
    });
    deepEqual(seen.afterDeletedTable, { ...seen.first4 });
    deepEqual(seen.afterFlushedChain, {
      commands: 4,
      readBack: true,
      tableCreated: false,
      chainsRewritten: 1,
      chainsDeleted: 0,
      elementsAdded: 0,
    });
    deepEqual(seen.afterForeign, {
      commands: 2,
      readBack: true,
      tableCreated: false,
      chainsRewritten: 0,
      chainsDeleted: 1,
      elementsAdded: 0,
    });
    deepEqual(seen.tables, ["table ip calico", "table ip foreign", "table ip6 calico"]);
    deepEqual(seen.foreignRules, true);
    deepEqual(seen.fwChain, [
      'ct state established,related counter packets 0 bytes 0 accept comment "cali:f0;"',
      'counter packets 0 bytes 0 jump filter-cali-po-np/a comment "cali:f1;"',
      'counter packets 0 bytes 0 drop comment "cali:f2; Drop if no profiles matched"',
    ]);
    deepEqual(
      seen.badScript,
      "NftCommandError: Error: Could not process rule: No such file or directory",
    );
    deepEqual(seen.removed6, { commands: 1, readBack: false });
  },
});
