import { deepEqual, equal } from "node:assert/strict";
import { Config } from "../../src/config/config.ts";
import { datastoreFileOverrides } from "../../src/config/overrides.ts";

Deno.test("datastoreFileOverrides sets DatastoreType=file and DatastoreFile, or nothing", () => {
  deepEqual(datastoreFileOverrides(undefined), {});
  deepEqual(datastoreFileOverrides("/r.yaml"), { DatastoreType: "file", DatastoreFile: "/r.yaml" });
});

Deno.test("datastoreFileOverrides beat the environment as the internal-override source", () => {
  const c = new Config({ hostname: "n" });
  c.updateFrom("environment", { datastoretype: "kubernetes", datastorefile: "/env.yaml" });
  c.updateFrom("internal-override", datastoreFileOverrides("/r.yaml"));
  equal(c.values.DatastoreType, "file");
  equal(c.values.DatastoreFile, "/r.yaml");
  equal(c.resolved("DatastoreType").source, "internal-override");
  equal(c.resolved("DatastoreFile").source, "internal-override");
});
