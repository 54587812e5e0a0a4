import { deepEqual, equal, ok } from "node:assert/strict";
import { Config, type FileChecks, RESTART_EXIT_CODE } from "../../src/config/config.ts";
import { envToRaw } from "../../src/config/loaders.ts";

function config(): Config {
  return new Config({ hostname: "node1" });
}

Deno.test("Config resolves each parameter from the highest source that sets it", () => {
  const c = config();
  c.updateFrom("datastore-global", {
    LogSeverityScreen: "FATAL",
    BPFEnabled: "true",
    MaxIpsetSize: "100",
    VXLANPort: "1",
    HealthPort: "1",
    VXLANVNI: "1",
  });
  c.updateFrom("datastore-selector", { VXLANVNI: "2", HealthPort: "2", VXLANPort: "2" });
  c.updateFrom("datastore-per-host", {
    LogSeverityScreen: "ERROR",
    BPFEnabled: "false",
    MaxIpsetSize: "200",
    VXLANPort: "3",
  });
  c.updateFrom("config-file", {
    LogSeverityScreen: "WARNING",
    BPFEnabled: "true",
    MaxIpsetSize: "300",
  });
  c.updateFrom("environment", { logseverityscreen: "DEBUG", bpfenabled: "false" });
  c.updateFrom("internal-override", { LogSeverityScreen: "TRACE" });
  const v = c.values;
  deepEqual(
    [
      v.LogSeverityScreen,
      v.BPFEnabled,
      v.MaxIpsetSize,
      v.VXLANPort,
      v.HealthPort,
      v.VXLANVNI,
      v.XDPEnabled,
    ],
    ["TRACE", false, 300, 3, 2, 2, true],
  );
  deepEqual(
    ([
      "LogSeverityScreen",
      "BPFEnabled",
      "MaxIpsetSize",
      "VXLANPort",
      "HealthPort",
      "VXLANVNI",
      "XDPEnabled",
    ] as const)
      .map((n) => c.resolved(n).source),
    [
      "internal-override",
      "environment",
      "config-file",
      "datastore-per-host",
      "datastore-selector",
      "datastore-selector",
      "default",
    ],
  );
  deepEqual(c.issues, []);
});

Deno.test("Config uses the default, not a lower source's value, when the winning value is invalid", () => {
  const c = config();
  c.updateFrom("config-file", { LogSeverityScreen: "DEBUG", NATPortRange: "1000:2000" });
  const change = c.updateFrom("environment", { LOGSEVERITYSCREEN: "loud", natportrange: "x" });
  equal(c.values.LogSeverityScreen, "INFO");
  equal(c.values.NATPortRange, undefined);
  deepEqual(c.resolved("LogSeverityScreen"), {
    value: "INFO",
    source: "environment",
    raw: "loud",
    valid: false,
  });
  deepEqual(change.issues, [
    {
      param: "LogSeverityScreen",
      source: "environment",
      raw: "loud",
      reason: 'Expected one of TRACE, DEBUG, INFO, WARNING, ERROR, FATAL; using the default "INFO"',
      fatal: false,
    },
    {
      param: "NATPortRange",
      source: "environment",
      raw: "x",
      reason: "Expected a port or a port range N:M (0-65535, N <= M); using the default (unset)",
      fatal: false,
    },
  ]);
  equal(change.fatal, false);
  deepEqual(change.changed, ["LogSeverityScreen", "NATPortRange"]);
});

Deno.test("Config reports an invalid die-on-fail value as fatal", () => {
  const c = config();
  c.updateFrom("datastore-global", { FailsafeInboundHostPorts: "tcp:1" });
  const change = c.updateFrom("datastore-per-host", { FailsafeInboundHostPorts: "sctp:22" });
  ok(change.fatal);
  deepEqual(change.issues, [{
    param: "FailsafeInboundHostPorts",
    source: "datastore-per-host",
    raw: "sctp:22",
    reason:
      'Expected a list of ports: "sctp:22" has protocol "sctp"; only tcp and udp are accepted; the parameter is die-on-fail',
    fatal: true,
  }]);
  equal(c.values.FailsafeInboundHostPorts.length, 9);
});

Deno.test("Config rejects none for a non-zero parameter (fatal when die-on-fail)", () => {
  const c = config();
  const change = c.updateFrom("environment", { InterfacePrefix: "None", MaxIpsetSize: "none" });
  deepEqual(change.issues.map((i) => [i.param, i.reason, i.fatal]), [
    ["MaxIpsetSize", 'This parameter cannot be none; using the default "1048576"', false],
    ["InterfacePrefix", "This parameter cannot be none; the parameter is die-on-fail", true],
  ]);
  deepEqual(c.values.InterfacePrefix, ["cali"]);
});

Deno.test("Config none gives the zero value to parameters that allow it", () => {
  const c = config();
  c.updateFrom("environment", { FailsafeInboundHostPorts: "none", LogFilePath: "NONE" });
  deepEqual(c.values.FailsafeInboundHostPorts, []);
  equal(c.values.LogFilePath, "");
});

Deno.test("Config ignores local-only parameters from the datastore with a warning", () => {
  const c = config();
  c.updateFrom("config-file", { TyphaK8sNamespace: "calico-system" });
  const change = c.updateFrom("datastore-global", {
    DatastoreType: "kubernetes",
    TyphaK8sNamespace: "other",
  });
  c.updateFrom("datastore-per-host", { FelixHostname: "evil" });
  equal(c.values.DatastoreType, "etcdv3");
  equal(c.values.TyphaK8sNamespace, "calico-system");
  equal(c.values.FelixHostname, "node1");
  deepEqual(change.issues, [{
    param: "DatastoreType",
    source: "datastore-global",
    raw: "kubernetes",
    reason: "Local-only parameter cannot be set from the datastore; ignored",
    fatal: false,
  }]);
  deepEqual(c.issues.map((i) => [i.param, i.source]), [
    ["DatastoreType", "datastore-global"],
    ["FelixHostname", "datastore-per-host"],
  ]);
  c.updateFrom("environment", { DatastoreType: "kubernetes" });
  equal(c.values.DatastoreType, "kubernetes");
});

Deno.test("Config ignores empty values and keeps unknown names raw", () => {
  const c = config();
  c.updateFrom("config-file", { LogSeverityScreen: "DEBUG", MyPluginSetting: "low" });
  c.updateFrom("environment", { logseverityscreen: "  ", myplugin_option: "x" });
  equal(c.values.LogSeverityScreen, "DEBUG");
  deepEqual(c.unknownRaw(), { mypluginsetting: "low", myplugin_option: "x" });
  ok(!("myplugin_option" in c.values));
  deepEqual(c.resolvedRaw(), { LogSeverityScreen: "DEBUG" });
  deepEqual(c.rawFrom("environment"), { myplugin_option: "x" });
});

Deno.test("Config reads FELIX_ environment variables in any case via envToRaw", () => {
  const env = envToRaw({
    FELIX_LOGSEVERITYSCREEN: "debug",
    felix_bpfenabled: "true",
    Felix_HealthPort: "9100",
    FELIX_: "ignored",
    PATH: "/bin",
    FELIXHOSTNAME: "x",
  });
  deepEqual(env, { logseverityscreen: "debug", bpfenabled: "true", healthport: "9100" });
  const c = config();
  c.updateFrom("environment", env);
  deepEqual([c.values.LogSeverityScreen, c.values.BPFEnabled, c.values.HealthPort], [
    "DEBUG",
    true,
    9100,
  ]);
});

Deno.test("Config.updateFrom replaces the source's map and lists the changed parameters", () => {
  const c = config();
  deepEqual(c.updateFrom("environment", { BPFEnabled: "true", VXLANPort: "4789" }).changed, [
    "BPFEnabled",
  ]);
  const change = c.updateFrom("environment", { VXLANPort: "5000" });
  deepEqual(change.changed, ["BPFEnabled", "VXLANPort"]);
  equal(c.values.BPFEnabled, false);
  deepEqual(c.updateFrom("environment", { VXLANPort: "5000" }).changed, []);
});

Deno.test("Config.values is a frozen snapshot that later updates do not touch", () => {
  const c = config();
  const before = c.values;
  c.updateFrom("environment", { LogSeverityScreen: "debug" });
  equal(before.LogSeverityScreen, "INFO");
  equal(c.values.LogSeverityScreen, "DEBUG");
  ok(Object.isFrozen(before));
});

Deno.test("Config takes FelixHostname's default from the hostname option", () => {
  equal(new Config({ hostname: "worker-7" }).values.FelixHostname, "worker-7");
  equal(new Config().values.FelixHostname, "");
  const c = new Config({ hostname: "worker-7" });
  c.updateFrom("environment", { FelixHostname: "other" });
  equal(c.values.FelixHostname, "other");
});

Deno.test("Config requires a restart for restart-on-change changes only after the first in-sync", () => {
  const c = config();
  equal(RESTART_EXIT_CODE, 129);
  let change = c.updateFrom("datastore-global", { LogSeverityScreen: "DEBUG", ClusterGUID: "a" });
  equal(change.restartRequired, false);
  equal(c.restartRequired, false);
  c.markInSync();
  ok(c.inSync);
  change = c.updateFrom("datastore-global", {
    LogSeverityScreen: "DEBUG",
    ClusterGUID: "b",
    ClusterType: "k8s,bgp",
    CalicoVersion: "v3.31.0",
    HealthTimeoutOverrides: "CalculationGraph=60s",
  });
  deepEqual(change.changed, [
    "HealthTimeoutOverrides",
    "ClusterGUID",
    "ClusterType",
    "CalicoVersion",
  ]);
  equal(change.restartRequired, false);
  equal(c.restartRequired, false);
  change = c.updateFrom("datastore-per-host", { IPv4VXLANTunnelAddr: "10.0.0.1" });
  equal(change.restartRequired, true);
  change = c.updateFrom("datastore-per-host", { IPv4VXLANTunnelAddr: "10.0.0.1" });
  equal(change.restartRequired, false);
  equal(c.restartRequired, true);
});

Deno.test("Config: an invalid value replacing an invalid value is no change", () => {
  const c = config();
  c.markInSync();
  c.updateFrom("datastore-global", { VXLANPort: "x" });
  const change = c.updateFrom("datastore-global", { VXLANPort: "y" });
  deepEqual(change.changed, []);
  equal(change.restartRequired, false);
});

function fakeChecks(files: readonly string[]): FileChecks {
  return {
    exists: (p) => files.includes(p),
    findExecutable: (n) => files.find((f) => f.endsWith(`/${n}`)),
  };
}

Deno.test("Config checks paths and executables through the injected FileChecks", () => {
  const c = new Config({
    hostname: "n",
    fileChecks: fakeChecks(["/etc/ca.pem", "/usr/bin/my-driver"]),
  });
  equal(c.values.DataplaneDriver, "calico-iptables-plugin");
  const change = c.updateFrom("environment", {
    EtcdCaFile: "/etc/ca.pem",
    EtcdCertFile: "/etc/missing.pem",
    DataplaneDriver: "my-driver",
  });
  equal(c.values.EtcdCaFile, "/etc/ca.pem");
  equal(c.values.EtcdCertFile, "");
  equal(c.values.DataplaneDriver, "/usr/bin/my-driver");
  deepEqual(change.issues.map((i) => [i.param, i.reason, i.fatal]), [
    ["EtcdCertFile", "File does not exist; using the default (unset)", false],
  ]);
  const missing = c.updateFrom("environment", { DataplaneDriver: "nope" });
  deepEqual(missing.issues.map((i) => [i.param, i.reason, i.fatal]), [
    [
      "DataplaneDriver",
      "Executable not found beside felix or on PATH; the parameter is die-on-fail",
      true,
    ],
  ]);
});

Deno.test("Config redacts raw values of sensitive parameter names in issues", () => {
  const c = new Config({ hostname: "n", fileChecks: fakeChecks([]) });
  const change = c.updateFrom("environment", { TyphaKeyFile: "/secret/path.key" });
  deepEqual(change.issues, [{
    param: "TyphaKeyFile",
    source: "environment",
    raw: "<redacted>",
    reason: "File does not exist; using the default (unset)",
    fatal: false,
  }]);
});
