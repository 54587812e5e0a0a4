import { deepEqual } from "node:assert/strict";
import { Config } from "../../src/config/config.ts";
import { routeTableIndices, validateConfig } from "../../src/config/validate.ts";

function check(c: Config) {
  return validateConfig(c.values, (n) => c.resolved(n).source).map((i) => [
    i.param,
    i.source,
    i.reason,
    i.fatal,
  ]);
}

Deno.test("validateConfig accepts the defaults with a hostname", () => {
  deepEqual(check(new Config({ hostname: "n" })), []);
});

Deno.test("validateConfig needs a hostname", () => {
  deepEqual(check(new Config()), [[
    "FelixHostname",
    "default",
    "FelixHostname must be set (the OS hostname was not available)",
    true,
  ]]);
});

Deno.test("validateConfig needs all Typha TLS settings together", () => {
  const c = new Config({ hostname: "n" });
  c.updateFrom("environment", { TyphaCN: "typha-server" });
  deepEqual(check(c), [[
    "TyphaCAFile",
    "default",
    "Typha TLS needs TyphaKeyFile, TyphaCertFile, TyphaCAFile and TyphaCN or TyphaURISAN together",
    true,
  ]]);
  c.updateFrom("environment", {
    TyphaCN: "typha-server",
    TyphaKeyFile: "/k",
    TyphaCertFile: "/c",
    TyphaCAFile: "/ca",
  });
  deepEqual(check(c), []);
});

Deno.test("validateConfig needs etcd endpoints or address, and a file for the file datastore", () => {
  const c = new Config({ hostname: "n" });
  c.updateFrom("environment", { EtcdAddr: "none", DatastoreType: "etcdv3" });
  deepEqual(check(c), [[
    "EtcdEndpoints",
    "default",
    "The etcdv3 datastore needs EtcdEndpoints or EtcdAddr and EtcdScheme",
    true,
  ]]);
  c.updateFrom("environment", { DatastoreType: "file" });
  deepEqual(check(c), [[
    "DatastoreFile",
    "default",
    "The file datastore needs DatastoreFile (or --datastore-file)",
    true,
  ]]);
});

Deno.test("routeTableIndices prefers RouteTableRanges, then RouteTableRange, then 1-250", () => {
  const c = new Config({ hostname: "n" });
  deepEqual(routeTableIndices(c.values).length, 250);
  c.updateFrom("environment", { RouteTableRange: "10-12" });
  deepEqual(routeTableIndices(c.values), [10, 11, 12]);
  c.updateFrom("environment", { RouteTableRange: "10-12", RouteTableRanges: "1-2,252-257" });
  deepEqual(routeTableIndices(c.values), [1, 2, 252, 256, 257]);
});
