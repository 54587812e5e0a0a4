/**
 * KubernetesSyncer through failures, against the FAKE API server: dropped watches, bookmarks,
 * 410 Gone relists (as an ERROR event and as an HTTP status) and an outage.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import type { SyncRecorder } from "./sync_recorder.ts";
import { view } from "./sync_recorder.ts";
import type { FakeKubeApiServer } from "../tools/fake_kube_apiserver.ts";
import {
  namespace,
  pod,
  stateOf,
  statuses,
  waitUntil,
  WATCHED_TYPES,
  wepPath,
  withFakeCluster,
} from "./kubernetes_harness.ts";

const PODS = "/api/v1/pods";

function podRequests(server: FakeKubeApiServer, watch: boolean) {
  return server.requests.filter((r) => r.path === PODS && (r.query["watch"] === "true") === watch);
}

/** Two pods in "prod", the syncer in sync and watching every type; the recorder emptied. */
async function twoPods(
  h: { server: FakeKubeApiServer; rec: SyncRecorder; start: () => Promise<unknown> },
): Promise<void> {
  h.server.apply(namespace("prod"));
  h.server.apply(pod("prod", "keep", { ip: "10.65.0.10" }));
  h.server.apply(pod("prod", "gone", { ip: "10.65.0.11" }));
  await h.start();
  await waitUntil("every type is watched", () => h.server.openWatches === WATCHED_TYPES);
  h.rec.take();
}

/** Drop every watch and hold the re-watches until all types have asked again. */
async function dropAndHold(server: FakeKubeApiServer): Promise<void> {
  const before = server.requests.filter((r) => r.query["watch"] === "true").length;
  server.holdWatches();
  server.dropWatches();
  await waitUntil(
    "every type to watch again",
    () =>
      server.requests.filter((r) => r.query["watch"] === "true").length === before + WATCHED_TYPES,
  );
}

/** Release held watches and wait until the syncer is in sync and watching every type again. */
async function releaseAndSettle(server: FakeKubeApiServer, rec: SyncRecorder): Promise<void> {
  server.releaseWatches();
  await waitUntil(
    "in-sync with every type watched",
    () => server.openWatches === WATCHED_TYPES && statuses(rec).at(-1) === "in-sync",
  );
}

Deno.test("KubernetesSyncer re-watches a dropped watch from the last resourceVersion and loses no event", async () => {
  await withFakeCluster({}, async (h) => {
    const { server, rec } = h;
    await twoPods(h);
    const lastPodRv = server.resourceVersion;
    await dropAndHold(server);
    server.apply(pod("prod", "new", { ip: "10.65.0.12" }));
    server.remove("v1", "Pod", "gone", "prod");
    server.apply(pod("prod", "keep", { ip: "10.65.0.13" }));
    await releaseAndSettle(server, rec);
    await waitUntil("the three events", () => {
      const state = stateOf(rec);
      const keep = state.get(wepPath("node-a", "prod", "keep")) as { ipv4Nets: string[] };
      return state.has(wepPath("node-a", "prod", "new")) &&
        !state.has(wepPath("node-a", "prod", "gone")) && keep.ipv4Nets[0] === "10.65.0.13/32";
    });

    const seen = view(rec.take()).flatMap((b) =>
      (b as [string, unknown][]).map(([p, v]) => [p, v === null ? null : "set"])
    );
    deepEqual(seen, [
      [wepPath("node-a", "prod", "new"), "set"],
      [wepPath("node-a", "prod", "gone"), null],
      [wepPath("node-a", "prod", "keep"), "set"],
    ]);
    equal(podRequests(server, false).length, 1, "no relist");
    equal(podRequests(server, true).at(-1)?.query["resourceVersion"], lastPodRv);
    equal(podRequests(server, true).at(-1)?.query["allowWatchBookmarks"], "true");
  });
});

Deno.test("KubernetesSyncer resumes a watch from the resourceVersion of the last bookmark", async () => {
  await withFakeCluster({}, async (h) => {
    const { server, rec } = h;
    await twoPods(h);
    server.apply(namespace("other"));
    server.apply(namespace("third"));
    const bookmarkRv = server.resourceVersion;
    server.bookmark();
    // The stream delivers the bookmark before the end of the dropped watch.
    await dropAndHold(server);
    await releaseAndSettle(server, rec);
    equal(podRequests(server, true).at(-1)?.query["resourceVersion"], bookmarkRv);
  });
});

Deno.test("KubernetesSyncer relists on a 410 ERROR event and deletes only the object that vanished", async () => {
  await withFakeCluster({}, async (h) => {
    const { server, rec } = h;
    await twoPods(h);
    await dropAndHold(server);
    server.remove("v1", "Pod", "gone", "prod");
    server.compact();
    await releaseAndSettle(server, rec);

    const events = rec.take();
    deepEqual(
      events.filter((e) => e.type === "updates").flatMap((e) => view([e])),
      [[[wepPath("node-a", "prod", "gone"), null]]],
    );
    const seen = statuses(h.rec);
    equal(seen.at(-1), "in-sync");
    deepEqual(events.find((e) => e.type === "status"), {
      type: "status",
      status: "resync-in-progress",
    });
    equal(podRequests(server, false).length, 2, "the pods were listed again");
    ok(stateOf(rec).has(wepPath("node-a", "prod", "keep")));
  });
});

Deno.test("KubernetesSyncer relists on an HTTP 410 and sends only the vanished and the changed objects", async () => {
  await withFakeCluster({}, async (h) => {
    const { server, rec } = h;
    server.watchGone = "status-410";
    await twoPods(h);
    await dropAndHold(server);
    server.remove("v1", "Pod", "gone", "prod");
    server.apply(pod("prod", "keep", { ip: "10.65.0.20" }));
    server.compact();
    await releaseAndSettle(server, rec);

    const seen = rec.take().filter((e) => e.type === "updates").flatMap((e) => view([e]));
    deepEqual(
      seen.map((b) => (b as [string, unknown][]).map(([p, v]) => [p, v === null ? null : "set"])),
      [[[wepPath("node-a", "prod", "gone"), null], [wepPath("node-a", "prod", "keep"), "set"]]],
    );
  });
});

Deno.test("KubernetesSyncer relists every type whose open watch expires and sends nothing when nothing changed", async () => {
  await withFakeCluster({}, async (h) => {
    const { server, rec } = h;
    await twoPods(h);
    server.expireWatches();
    await waitUntil("the relist", () => podRequests(server, false).length === 2);
    await waitUntil(
      "in-sync with every type watched",
      () => server.openWatches === WATCHED_TYPES && statuses(rec).at(-1) === "in-sync",
    );
    deepEqual(rec.take().filter((e) => e.type !== "status"), []);
  });
});

Deno.test("KubernetesSyncer sends no deletion while the API server fails and catches up after", async () => {
  await withFakeCluster({}, async (h) => {
    const { server, rec } = h;
    await twoPods(h);
    server.failWith = 503;
    server.dropWatches();
    await waitUntil("several failed requests", () => podRequests(server, true).length >= 4);
    server.remove("v1", "Pod", "gone", "prod");
    server.failWith = undefined;
    await waitUntil("the deletion", () => !stateOf(rec).has(wepPath("node-a", "prod", "gone")));
    await waitUntil("every type is watched", () => server.openWatches === WATCHED_TYPES);
    const updates = rec.take().filter((e) => e.type === "updates").flatMap((e) => view([e]));
    deepEqual(updates, [[[wepPath("node-a", "prod", "gone"), null]]]);
    ok(stateOf(rec).has(wepPath("node-a", "prod", "keep")));
    ok(h.log.records.some((r) => r.message === "Kubernetes watch failed; retrying"));
  });
});
