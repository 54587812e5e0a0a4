import { deepEqual, equal, ok } from "node:assert/strict";
import { paramByName, paramByYamlField, PARAMS } from "../../src/config/param_table.ts";
import { parseParamValue } from "../../src/config/parse_value.ts";
import { Config } from "../../src/config/config.ts";

Deno.test("PARAMS holds the 218 upstream parameters plus DatastoreFile, uniquely named", () => {
  equal(PARAMS.length, 219);
  equal(new Set(PARAMS.map((p) => p.name.toLowerCase())).size, 219);
  equal(PARAMS[0]!.name, "UseInternalDataplaneDriver");
  equal(PARAMS.at(-1)!.name, "BPFMaglevMaxServices");
});

Deno.test("PARAMS: every one of the 219 defaults parses", () => {
  for (const p of PARAMS) {
    if (p.defaultRaw === "") continue;
    const r = parseParamValue(p.type, p.defaultRaw, false);
    ok(r.ok, `${p.name} default "${p.defaultRaw}": ${r.ok ? "" : r.reason}`);
  }
  equal(PARAMS.filter((p) => p.defaultRaw === "").length, 54);
  equal(PARAMS.filter((p) => p.defaultRaw !== "").length, 165);
});

Deno.test("paramByName finds parameters in any case", () => {
  equal(paramByName("logseverityscreen")?.name, "LogSeverityScreen");
  equal(paramByName("BPFENABLED")?.name, "BPFEnabled");
  equal(paramByName("NoSuchParam"), undefined);
});

Deno.test("DatastoreType gains the file type and DatastoreFile is a local-only path", () => {
  deepEqual(paramByName("DatastoreType")?.type, {
    kind: "enum",
    values: ["kubernetes", "etcdv3", "file"],
  });
  const f = paramByName("DatastoreFile")!;
  equal(f.typeText, "path");
  equal(f.defaultRaw, "");
  deepEqual(f.flags, ["local-only", "restart-on-change"]);
  ok(f.localOnly && f.restartOnChange);
  equal(f.yamlField, undefined);
  equal(
    f.description,
    "Path of the YAML/JSON file holding the cluster's resources when DatastoreType is file",
  );
});

Deno.test("PARAMS flags restart-on-change on all but the four no-restart parameters", () => {
  deepEqual(PARAMS.filter((p) => !p.restartOnChange).map((p) => p.name).sort(), [
    "CalicoVersion",
    "ClusterGUID",
    "ClusterType",
    "HealthTimeoutOverrides",
  ]);
  deepEqual(PARAMS.filter((p) => p.localOnly).length, 20);
  deepEqual(PARAMS.filter((p) => p.dieOnFail).length, 22);
});

Deno.test("paramByYamlField maps YAML names including the listed exceptions", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["bpfEnabled", "BPFEnabled"],
    ["logSeverityScreen", "LogSeverityScreen"],
    ["ipipEnabled", "IpInIpEnabled"],
    ["ipipMTU", "IpInIpMtu"],
    ["ipv6Support", "Ipv6Support"],
    ["iptablesPostWriteCheckInterval", "IptablesPostWriteCheckIntervalSecs"],
    ["iptablesLockProbeInterval", "IptablesLockProbeIntervalMillis"],
    ["netlinkTimeout", "NetlinkTimeoutSecs"],
    ["reportingInterval", "ReportingIntervalSecs"],
    ["reportingTTL", "ReportingTTLSecs"],
    ["endpointReportingDelay", "EndpointReportingDelaySecs"],
    ["usageReportingInitialDelay", "UsageReportingInitialDelaySecs"],
    ["usageReportingInterval", "UsageReportingIntervalSecs"],
    ["externalNodesList", "ExternalNodesCIDRList"],
    ["bpfConntrackMode", "BPFConntrackCleanupMode"],
    ["wireguardKeepAlive", "WireguardPersistentKeepAlive"],
  ];
  for (const [yaml, name] of cases) equal(paramByYamlField(yaml)?.name, name, yaml);
  equal(paramByYamlField("nodeSelector"), undefined);
  equal(paramByYamlField("debugPanicAfter"), undefined);
  equal(PARAMS.filter((p) => p.yamlField === undefined).length, 32);
});

Deno.test("PARAMS notes defaults that are not raw values as the zero value", () => {
  const host = paramByName("FelixHostname")!;
  equal(host.defaultText, "<os hostname, lower-cased>");
  equal(host.defaultRaw, "");
  equal(paramByName("IpInIpEnabled")!.defaultRaw, "");
  equal(paramByName("DebugCPUProfilePath")!.defaultRaw, "/tmp/felix-cpu-<timestamp>.pprof");
});

Deno.test("Config parses all 219 defaults into typed values", () => {
  const v = new Config({ hostname: "node-a" }).values;
  equal(Object.keys(v).length, 219);
  deepEqual(v.FailsafeInboundHostPorts.slice(0, 2), [
    { protocol: "tcp", port: 22 },
    { protocol: "udp", port: 68 },
  ]);
  equal(v.FailsafeOutboundHostPorts.length, 9);
  deepEqual(v.BPFConntrackTimeouts, {
    CreationGracePeriod: "10s",
    TCPSynSent: "20s",
    TCPEstablished: "1h",
    TCPFinsSeen: "Auto",
    TCPResetSeen: "40s",
    UDPTimeout: "60s",
    GenericTimeout: "10m",
    ICMPTimeout: "5s",
  });
  deepEqual(
    [v.IptablesMarkMask, v.NftablesMarkMask, v.IptablesLockProbeIntervalMillis, v.IstioDSCPMark],
    [4294901760, 4294901760, 0.05, 23],
  );
  deepEqual(v.InterfaceExclude, [{ kind: "name", name: "kube-ipvs0" }]);
  deepEqual(v.InterfacePrefix, ["cali"]);
  deepEqual(v.BPFPSNATPorts, { min: 20000, max: 29999 });
  deepEqual(v.KubeNodePortRanges, [{ min: 30000, max: 32767 }]);
  deepEqual([v.IpInIpEnabled, v.VXLANEnabled, v.NATPortRange, v.RouteTableRange], [
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
  deepEqual([v.DatastoreType, v.DatastoreFile, v.FelixHostname, v.LogFilePath], [
    "etcdv3",
    "",
    "node-a",
    "/var/log/calico/felix.log",
  ]);
  deepEqual([v.HealthPort, v.DataplaneWatchdogTimeout, v.UseInternalDataplaneDriver], [
    9099,
    90,
    true,
  ]);
  deepEqual([v.BPFCTLBLogFilter, v.EtcdEndpoints, v.HealthTimeoutOverrides], ["", [], {}]);
});
