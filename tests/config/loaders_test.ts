import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { Config } from "../../src/config/config.ts";
import { effectiveDatastoreType } from "../../src/config/datastore_type.ts";
import {
  DEFAULT_CONFIG_FILE,
  loadConfigFile,
  osHostname,
  realFileChecks,
} from "../../src/config/loaders.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "felix_config_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadConfigFile reads a real INI file from disk", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/felix.cfg`;
    await Deno.writeTextFile(path, "[global]\nLogSeverityScreen = DEBUG\nHealthEnabled = true\n");
    const r = await loadConfigFile(path);
    deepEqual(r.values, { LogSeverityScreen: "DEBUG", HealthEnabled: "true" });
    const c = new Config({ hostname: "n" });
    c.updateFrom("config-file", r.values);
    equal(c.values.LogSeverityScreen, "DEBUG");
    equal(c.values.HealthEnabled, true);
  });
});

Deno.test("loadConfigFile treats a missing file as empty and a malformed one as an error", async () => {
  await withTempDir(async (dir) => {
    deepEqual(await loadConfigFile(`${dir}/absent.cfg`), { values: {}, issues: [] });
    const bad = `${dir}/bad.cfg`;
    await Deno.writeTextFile(bad, "# ok\n\nnot a pair\n");
    await rejects(loadConfigFile(bad), {
      name: "ConfigFileError",
      message:
        `Cannot parse config file ${bad}:3: expected "Name = value", "[section]" or a comment, got "not a pair"`,
    });
  });
});

Deno.test("DEFAULT_CONFIG_FILE is /etc/calico/felix.cfg", () => {
  equal(DEFAULT_CONFIG_FILE, "/etc/calico/felix.cfg");
});

Deno.test("osHostname is the OS hostname trimmed and lower-cased", () => {
  equal(osHostname(), Deno.hostname().trim().toLowerCase());
});

Deno.test("realFileChecks sees real files and finds executables on PATH", async () => {
  await withTempDir(async (dir) => {
    const checks = realFileChecks();
    const tool = `${dir}/my-tool`;
    await Deno.writeTextFile(tool, "#!/bin/sh\n");
    equal(checks.exists(tool), true);
    equal(checks.exists(`${dir}/nope`), false);
    equal(checks.findExecutable(tool), undefined);
    await Deno.chmod(tool, 0o755);
    equal(checks.findExecutable(tool), tool);
    const sh = checks.findExecutable("sh");
    ok(sh !== undefined && sh.endsWith("/sh"), String(sh));
    equal(checks.findExecutable("no-such-tool-felix"), undefined);
  });
});

Deno.test("effectiveDatastoreType prefers an explicit DatastoreType, then the client's env", () => {
  const c = new Config({ hostname: "n" });
  equal(effectiveDatastoreType(c, {}), "kubernetes");
  equal(effectiveDatastoreType(c, { ETCD_ENDPOINTS: "http://e:2379" }), "etcdv3");
  equal(effectiveDatastoreType(c, { DATASTORE_TYPE: "etcdv3" }), "etcdv3");
  equal(
    effectiveDatastoreType(c, { DATASTORE_TYPE: "etcdv3", CALICO_DATASTORE_TYPE: "kubernetes" }),
    "kubernetes",
  );
  equal(
    effectiveDatastoreType(c, { DATASTORE_TYPE: "kubernetes", ETCD_ENDPOINTS: "x" }),
    "kubernetes",
  );
  c.updateFrom("config-file", { DatastoreType: "etcdv3" });
  equal(effectiveDatastoreType(c, { DATASTORE_TYPE: "kubernetes" }), "etcdv3");
  c.updateFrom("internal-override", { DatastoreType: "file", DatastoreFile: "/r.yaml" });
  equal(effectiveDatastoreType(c, { DATASTORE_TYPE: "kubernetes" }), "file");
});

Deno.test("effectiveDatastoreType rejects an unknown DATASTORE_TYPE", () => {
  const c = new Config({ hostname: "n" });
  try {
    effectiveDatastoreType(c, { DATASTORE_TYPE: "consul" });
    ok(false, "expected a throw");
  } catch (e) {
    ok(e instanceof TypeError);
    equal(
      e.message,
      'Cannot use datastore type "consul" from DATASTORE_TYPE: expected kubernetes, etcdv3 or file',
    );
  }
});
