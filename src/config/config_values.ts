/**
 * The typed view of a resolved configuration: one field per parameter of `PARAM_ROWS`, holding
 * its parsed value. Durations are seconds (also for the `...Millis` parameter, whose raw value
 * is in milliseconds); lists are arrays; `NumRange | undefined` and `boolean | undefined` are
 * unset when the parameter is.
 *
 * Generated once by `tests/tools/gen_config_params.ts`; keep it in step with `param_rows.ts`
 * (`param_table.ts` fails to compile when the names differ).
 *
 * @module
 */
import type { IfaceMatcher, NumRange, ProtoPort } from "./param_types.ts";

/** Every parameter's parsed value. */
export interface ConfigValues {
  readonly UseInternalDataplaneDriver: boolean;
  readonly DataplaneDriver: string;
  readonly DataplaneWatchdogTimeout: number;
  readonly WireguardEnabled: boolean;
  readonly WireguardEnabledV6: boolean;
  readonly WireguardListeningPort: number;
  readonly WireguardListeningPortV6: number;
  readonly WireguardRoutingRulePriority: number;
  readonly WireguardInterfaceName: string;
  readonly WireguardInterfaceNameV6: string;
  readonly WireguardMTU: number;
  readonly WireguardMTUV6: number;
  readonly WireguardHostEncryptionEnabled: boolean;
  readonly WireguardPersistentKeepAlive: number;
  readonly WireguardThreadingEnabled: boolean;
  readonly NFTablesMode: "Enabled" | "Disabled" | "Auto" | "";
  readonly NFTablesFlowTableOffload: "All" | "Disabled" | "";
  readonly NFTablesFlowTableDataIfacePattern: string;
  readonly BPFEnabled: boolean;
  readonly BPFOverlayHostSourceIP: "TunnelAddress" | "HostAddress";
  readonly BPFDisableUnprivileged: boolean;
  readonly BPFJITHardening: "Auto" | "Strict";
  readonly BPFLogLevel: "off" | "info" | "debug";
  readonly BPFConntrackLogLevel: "off" | "debug";
  readonly BPFConntrackCleanupMode: "Auto" | "Userspace" | "BPFProgram" | "";
  readonly BPFConntrackTimeouts: Readonly<Record<string, string>>;
  readonly BPFIPFragTimeout: number;
  readonly BPFLogFilters: Readonly<Record<string, string>>;
  readonly BPFCTLBLogFilter: "all" | "";
  readonly BPFDataIfacePattern: string;
  readonly BPFL3IfacePattern: string;
  readonly BPFConnectTimeLoadBalancingEnabled: boolean;
  readonly BPFConnectTimeLoadBalancing: "TCP" | "Enabled" | "Disabled";
  readonly BPFHostNetworkedNATWithoutCTLB: "Enabled" | "Disabled";
  readonly BPFExternalServiceMode: "tunnel" | "dsr";
  readonly BPFDSROptoutCIDRs: readonly string[];
  readonly BPFKubeProxyIptablesCleanupEnabled: boolean;
  readonly BPFKubeProxyMinSyncPeriod: number;
  readonly BPFKubeProxyHealthzPort: number;
  readonly BPFExtToServiceConnmark: number;
  readonly BPFPSNATPorts: NumRange | undefined;
  readonly BPFMapSizeNATFrontend: number;
  readonly BPFMapSizeNATBackend: number;
  readonly BPFMapSizeNATAffinity: number;
  readonly BPFMapSizeRoute: number;
  readonly BPFMapSizeConntrack: number;
  readonly BPFMapSizePerCPUConntrack: number;
  readonly BPFMapSizeConntrackScaling: "Disabled" | "DoubleIfFull";
  readonly BPFMapSizeConntrackCleanupQueue: number;
  readonly BPFMapSizeIPSets: number;
  readonly BPFMapSizeIfState: number;
  readonly BPFHostConntrackBypass: boolean;
  readonly BPFIPFragmentReassemblyEnabled: boolean;
  readonly BPFEnforceRPF: "Disabled" | "Strict" | "Loose";
  readonly BPFPolicyDebugEnabled: boolean;
  readonly BPFForceTrackPacketsFromIfaces: readonly string[];
  readonly BPFDisableGROForIfaces: string;
  readonly BPFExcludeCIDRsFromNAT: readonly string[];
  readonly BPFRedirectToPeer: "Disabled" | "Enabled" | "L2Only";
  readonly BPFAttachType: "Netkit" | "TCX" | "TC";
  readonly BPFExportBufferSizeMB: number;
  readonly BPFProfiling: "Disabled" | "Enabled";
  readonly IstioAmbientMode: "Disabled" | "Enabled" | "";
  readonly IstioDSCPMark: number;
  readonly CgroupV2Path: string;
  readonly DebugBPFCgroupV2: string;
  readonly DatastoreType: "kubernetes" | "etcdv3" | "file";
  readonly DatastoreFile: string;
  readonly FelixHostname: string;
  readonly EtcdAddr: string;
  readonly EtcdScheme: "http" | "https" | "";
  readonly EtcdKeyFile: string;
  readonly EtcdCertFile: string;
  readonly EtcdCaFile: string;
  readonly EtcdEndpoints: readonly string[];
  readonly TyphaAddr: string;
  readonly TyphaK8sServiceName: string;
  readonly TyphaK8sNamespace: string;
  readonly TyphaReadTimeout: number;
  readonly TyphaWriteTimeout: number;
  readonly TyphaKeyFile: string;
  readonly TyphaCertFile: string;
  readonly TyphaCAFile: string;
  readonly TyphaCN: string;
  readonly TyphaURISAN: string;
  readonly Ipv6Support: boolean;
  readonly IptablesBackend: "legacy" | "nft" | "auto" | "";
  readonly RouteRefreshInterval: number;
  readonly InterfaceRefreshInterval: number;
  readonly DeviceRouteSourceAddress: string;
  readonly DeviceRouteSourceAddressIPv6: string;
  readonly DeviceRouteProtocol: number;
  readonly RemoveExternalRoutes: boolean;
  readonly ProgramClusterRoutes:
    | "Enabled"
    | "Disabled"
    | "EnabledIPIPOnly"
    | "EnabledNoEncapOnly"
    | "";
  readonly IPForwarding: "Enabled" | "Disabled" | "";
  readonly IptablesRefreshInterval: number;
  readonly IptablesPostWriteCheckIntervalSecs: number;
  readonly IptablesLockProbeIntervalMillis: number;
  readonly FeatureDetectOverride: Readonly<Record<string, string>>;
  readonly FeatureGates: Readonly<Record<string, string>>;
  readonly IpsetsRefreshInterval: number;
  readonly MaxIpsetSize: number;
  readonly XDPRefreshInterval: number;
  readonly PolicySyncPathPrefix: string;
  readonly NetlinkTimeoutSecs: number;
  readonly MetadataAddr: string;
  readonly MetadataPort: number;
  readonly OpenstackRegion: string;
  readonly InterfacePrefix: readonly string[];
  readonly InterfaceExclude: readonly IfaceMatcher[];
  readonly ChainInsertMode: "insert" | "append";
  readonly DefaultEndpointToHostAction: "DROP" | "RETURN" | "ACCEPT";
  readonly IptablesFilterAllowAction: "ACCEPT" | "RETURN";
  readonly IptablesMangleAllowAction: "ACCEPT" | "RETURN";
  readonly IptablesFilterDenyAction: "DROP" | "REJECT";
  readonly LogPrefix: string;
  readonly LogActionRateLimit: string;
  readonly LogActionRateLimitBurst: number;
  readonly LogFilePath: string;
  readonly LogSeverityFile: "TRACE" | "DEBUG" | "INFO" | "WARNING" | "ERROR" | "FATAL" | "";
  readonly LogSeverityScreen: "TRACE" | "DEBUG" | "INFO" | "WARNING" | "ERROR" | "FATAL" | "";
  readonly LogSeveritySys: "TRACE" | "DEBUG" | "INFO" | "WARNING" | "ERROR" | "FATAL" | "";
  readonly LogDebugFilenameRegex: string;
  readonly VXLANEnabled: boolean | undefined;
  readonly VXLANPort: number;
  readonly VXLANVNI: number;
  readonly VXLANMTU: number;
  readonly VXLANMTUV6: number;
  readonly IPv4VXLANTunnelAddr: string;
  readonly IPv6VXLANTunnelAddr: string;
  readonly VXLANTunnelMACAddr: string;
  readonly VXLANTunnelMACAddrV6: string;
  readonly IpInIpEnabled: boolean | undefined;
  readonly IpInIpMtu: number;
  readonly IpInIpTunnelAddr: string;
  readonly FloatingIPs: "Enabled" | "Disabled" | "";
  readonly LocalSubnetL2Reachability: "Disabled" | "PodsAndLoadBalancers" | "";
  readonly LocalSubnetL2ReachabilityRefreshInterval: number;
  readonly WindowsManageFirewallRules: "Enabled" | "Disabled" | "";
  readonly AllowVXLANPacketsFromWorkloads: boolean;
  readonly AllowIPIPPacketsFromWorkloads: boolean;
  readonly AWSSrcDstCheck: "DoNothing" | "Enable" | "Disable";
  readonly ServiceLoopPrevention: "Drop" | "Reject" | "Disabled" | "";
  readonly WorkloadSourceSpoofing: "Disabled" | "Any" | "";
  readonly ReportingIntervalSecs: number;
  readonly ReportingTTLSecs: number;
  readonly EndpointReportingEnabled: boolean;
  readonly EndpointReportingDelaySecs: number;
  readonly EndpointStatusPathPrefix: string;
  readonly IptablesMarkMask: number;
  readonly DisableConntrackInvalidCheck: boolean;
  readonly HealthEnabled: boolean;
  readonly HealthPort: number;
  readonly HealthHost: string;
  readonly HealthTimeoutOverrides: Readonly<Record<string, number>>;
  readonly PrometheusMetricsEnabled: boolean;
  readonly PrometheusMetricsHost: string;
  readonly PrometheusMetricsPort: number;
  readonly PrometheusGoMetricsEnabled: boolean;
  readonly PrometheusProcessMetricsEnabled: boolean;
  readonly PrometheusWireGuardMetricsEnabled: boolean;
  readonly PrometheusMetricsCAFile: string;
  readonly PrometheusMetricsCertFile: string;
  readonly PrometheusMetricsKeyFile: string;
  readonly PrometheusMetricsClientAuth:
    | "RequireAndVerifyClientCert"
    | "RequireAnyClientCert"
    | "VerifyClientCertIfGiven"
    | "NoClientCert"
    | "";
  readonly FailsafeInboundHostPorts: readonly ProtoPort[];
  readonly FailsafeOutboundHostPorts: readonly ProtoPort[];
  readonly FlowLogsFlushInterval: number;
  readonly FlowLogsCollectorDebugTrace: boolean;
  readonly FlowLogsGoldmaneServer: string;
  readonly FlowLogsLocalReporter: "Enabled" | "Disabled" | "";
  readonly FlowLogsPolicyEvaluationMode: "None" | "Continuous";
  readonly KubeNodePortRanges: readonly NumRange[];
  readonly NATPortRange: NumRange | undefined;
  readonly NATOutgoingAddress: string;
  readonly NATOutgoingExclusions: "IPPoolsOnly" | "IPPoolsAndHostIPs" | "";
  readonly UsageReportingEnabled: boolean;
  readonly UsageReportingInitialDelaySecs: number;
  readonly UsageReportingIntervalSecs: number;
  readonly ClusterGUID: string;
  readonly ClusterType: string;
  readonly CalicoVersion: string;
  readonly ExternalNodesCIDRList: readonly string[];
  readonly DebugMemoryProfilePath: string;
  readonly DebugCPUProfilePath: string;
  readonly DebugDisableLogDropping: boolean;
  readonly DebugSimulateCalcGraphHangAfter: number;
  readonly DebugSimulateDataplaneHangAfter: number;
  readonly DebugSimulateDataplaneApplyDelay: number;
  readonly DebugPanicAfter: number;
  readonly DebugSimulateDataRace: boolean;
  readonly DebugHost: string;
  readonly DebugPort: number;
  readonly RouteSource: "WorkloadIPs" | "CalicoIPAM" | "";
  readonly RouteTableRange: NumRange | undefined;
  readonly RouteTableRanges: readonly NumRange[];
  readonly RouteSyncDisabled: boolean;
  readonly IPv4NormalRoutePriority: number;
  readonly IPv4ElevatedRoutePriority: number;
  readonly IPv6NormalRoutePriority: number;
  readonly IPv6ElevatedRoutePriority: number;
  readonly LiveMigrationRouteConvergenceTime: number;
  readonly IptablesNATOutgoingInterfaceFilter: string;
  readonly SidecarAccelerationEnabled: boolean;
  readonly XDPEnabled: boolean;
  readonly GenericXDPEnabled: boolean;
  readonly Variant: string;
  readonly GoGCThreshold: number;
  readonly GoMemoryLimitMB: number;
  readonly GoMaxProcs: number;
  readonly MTUIfacePattern: string;
  readonly NftablesRefreshInterval: number;
  readonly NftablesFilterAllowAction: "ACCEPT" | "RETURN";
  readonly NftablesMangleAllowAction: "ACCEPT" | "RETURN";
  readonly NftablesFilterDenyAction: "DROP" | "REJECT";
  readonly NftablesMarkMask: number;
  readonly RequireMTUFile: boolean;
  readonly BPFMaglevMaxEndpointsPerService: number;
  readonly BPFMaglevMaxServices: number;
}
