import { deepEqual, equal } from "node:assert/strict";
import { Config } from "../../src/config/config.ts";
import { felixConfigurationToRaw } from "../../src/config/felix_configuration.ts";

function raw(spec: Record<string, unknown>, annotations: Record<string, string> = {}) {
  return felixConfigurationToRaw(spec, annotations);
}

Deno.test("felixConfigurationToRaw maps YAML fields to parameter names, exceptions included", () => {
  deepEqual(
    raw({
      bpfEnabled: true,
      logSeverityScreen: "Debug",
      ipipEnabled: false,
      ipipMTU: 1440,
      externalNodesList: ["10.0.0.0/8", "192.168.0.0/16"],
      wireguardKeepAlive: "25s",
      nodeSelector: "all()",
    }),
    {
      values: {
        BPFEnabled: "true",
        LogSeverityScreen: "Debug",
        IpInIpEnabled: "false",
        IpInIpMtu: "1440",
        ExternalNodesCIDRList: "10.0.0.0/8,192.168.0.0/16",
        WireguardPersistentKeepAlive: "25",
      },
      issues: [],
    },
  );
});

Deno.test("felixConfigurationToRaw renders durations as seconds, the lock probe as millis", () => {
  deepEqual(
    raw({
      reportingInterval: "90s",
      routeRefreshInterval: "1m30s",
      iptablesRefreshInterval: "500ms",
      iptablesLockProbeInterval: "50ms",
      netlinkTimeout: "7ms",
      ipsetsRefreshInterval: 30,
      xdpRefreshInterval: "soon",
    }).values,
    {
      ReportingIntervalSecs: "90",
      RouteRefreshInterval: "90",
      IptablesRefreshInterval: "0.5",
      IptablesLockProbeIntervalMillis: "50",
      NetlinkTimeoutSecs: "0.007",
      IpsetsRefreshInterval: "30",
      XDPRefreshInterval: "soon",
    },
  );
});

Deno.test("felixConfigurationToRaw renders failsafe ports with IPv6 nets in brackets", () => {
  deepEqual(
    raw({
      failsafeInboundHostPorts: [
        { protocol: "TCP", port: 22 },
        { protocol: "UDP", port: 68 },
        { protocol: "TCP", port: 22, net: "10.0.0.0/8" },
        { protocol: "TCP", port: 22, net: "fd00::/64" },
      ],
      failsafeOutboundHostPorts: [],
    }).values,
    {
      FailsafeInboundHostPorts: "tcp:22,udp:68,tcp:10.0.0.0/8:22,tcp:[fd00::/64]:22",
      FailsafeOutboundHostPorts: "none",
    },
  );
});

Deno.test("felixConfigurationToRaw renders ranges, overrides, timeouts and maps", () => {
  deepEqual(
    raw({
      routeTableRange: { min: 1, max: 250 },
      routeTableRanges: [{ min: 1, max: 250 }, { min: 255, max: 3000 }],
      healthTimeoutOverrides: [
        { name: "InternalDataplaneMainLoop", timeout: "90s" },
        { name: "CalculationGraph", timeout: "500ms" },
      ],
      bpfConntrackTimeouts: { tcpEstablished: "2h", tcpFinsSeen: "Auto", creationGracePeriod: "" },
      bpfLogFilters: { eth0: "tcp port 80", all: "udp" },
      iptablesMarkMask: 0xffff0000,
    }).values,
    {
      RouteTableRange: "1-250",
      RouteTableRanges: "1-250,255-3000",
      HealthTimeoutOverrides: "InternalDataplaneMainLoop=1m30s,CalculationGraph=500ms",
      BPFConntrackTimeouts: "TCPEstablished=2h,TCPFinsSeen=Auto",
      BPFLogFilters: "all=udp,eth0=tcp port 80,",
      IptablesMarkMask: "4294901760",
    },
  );
});

Deno.test("felixConfigurationToRaw drops unset, empty and empty-list values", () => {
  deepEqual(
    raw({
      logPrefix: "",
      healthTimeoutOverrides: [],
      bpfDSROptoutCIDRs: [],
      natPortRange: null,
      vxlanEnabled: undefined,
    }),
    { values: {}, issues: [] },
  );
});

Deno.test("felixConfigurationToRaw reports unknown fields and values it cannot render", () => {
  const r = felixConfigurationToRaw(
    {
      noSuchField: 1,
      failsafeInboundHostPorts: ["tcp:22"],
      logPrefix: { a: [1] },
      bpfEnabled: true,
    },
    {},
    "datastore-per-host",
  );
  deepEqual(r.values, { BPFEnabled: "true" });
  deepEqual(r.issues, [
    {
      param: "noSuchField",
      source: "datastore-per-host",
      raw: "1",
      reason: "Unknown FelixConfiguration field; ignored",
      fatal: false,
    },
    {
      param: "FailsafeInboundHostPorts",
      source: "datastore-per-host",
      raw: '["tcp:22"]',
      reason: "Expected a list of {protocol, port, net}; ignored",
      fatal: false,
    },
    {
      param: "LogPrefix",
      source: "datastore-per-host",
      raw: '{"a":[1]}',
      reason: "Expected a map of strings; ignored",
      fatal: false,
    },
  ]);
});

Deno.test("felixConfigurationToRaw lets config.projectcalico.org annotations override fields", () => {
  deepEqual(
    raw(
      { logSeverityScreen: "Info", bpfEnabled: true },
      {
        "config.projectcalico.org/LogSeverityScreen": "Debug",
        "config.projectcalico.org/debugpanicafter": "30",
        "config.projectcalico.org/MyPluginKnob": "7",
        "config.projectcalico.org/BPFEnabled": "",
        "projectcalico.org/BPFEnabled": "false",
      },
    ).values,
    { LogSeverityScreen: "Debug", BPFEnabled: "true", DebugPanicAfter: "30", MyPluginKnob: "7" },
  );
});

Deno.test("felixConfigurationToRaw keeps the kubeNodePortRanges quirk: the rendering fails to parse", () => {
  const r = raw({ kubeNodePortRanges: ["30000:32767", 40000] });
  deepEqual(r.values, { KubeNodePortRanges: "[30000:32767 40000]" });
  const c = new Config({ hostname: "n" });
  const change = c.updateFrom("datastore-global", r.values);
  deepEqual(c.values.KubeNodePortRanges, [{ min: 30000, max: 32767 }]);
  deepEqual(change.issues.map((i) => i.reason), [
    'Expected a list of ports or N:M ranges; "[30000:32767 40000]" is not one; using the default "30000:32767"',
  ]);
});

Deno.test("felixConfigurationToRaw output parses: iptablesMarkMask 0xffff0000 is accepted", () => {
  const c = new Config({ hostname: "n" });
  const r = raw({
    iptablesMarkMask: 0xff00ff00,
    reportingInterval: "1m30s",
    failsafeInboundHostPorts: [{ protocol: "TCP", port: 22, net: "fd00::/64" }],
    routeTableRanges: [{ min: 1, max: 250 }, { min: 255, max: 3000 }],
    iptablesLockProbeInterval: "500ms",
  });
  const change = c.updateFrom("datastore-global", r.values);
  deepEqual(change.issues, []);
  equal(c.values.IptablesMarkMask, 0xff00ff00);
  equal(c.values.ReportingIntervalSecs, 90);
  equal(c.values.IptablesLockProbeIntervalMillis, 0.5);
  deepEqual(c.values.FailsafeInboundHostPorts, [{ protocol: "tcp", net: "fd00::/64", port: 22 }]);
  deepEqual(c.values.RouteTableRanges, [{ min: 1, max: 250 }, { min: 255, max: 3000 }]);
});
