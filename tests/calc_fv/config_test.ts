/**
 * Scenarios: the datastore's configuration (FelixConfiguration `default` and `node.<host>`,
 * ClusterInformation, this node's Calico annotations) reaches the dataplane as one ConfigUpdate,
 * per-host values over global ones; other hosts' values are ignored.
 */
import { deepEqual } from "node:assert/strict";
import { scenarioTest } from "./harness.ts";
import { clusterInformation, k8sNode } from "./resources.ts";

const HOST = "node-1";
const felixConfiguration = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "FelixConfiguration",
  metadata: { name },
  spec,
});
const INFO = { clusterGUID: "c0ffee", clusterType: "k8s,kdd", calicoVersion: "v3.31.3" };

scenarioTest({
  name: "configuration: per-host over global, other hosts ignored",
  hostname: HOST,
  states: [
    {
      name: "global, per-host for this node and another, this node's VXLAN address",
      resources: [
        clusterInformation({ ...INFO, datastoreReady: true }),
        felixConfiguration("default", { logSeverityScreen: "Info", vxlanEnabled: true }),
        felixConfiguration("node.node-1", { logSeverityScreen: "Debug" }),
        felixConfiguration("node.node-2", { logSeverityScreen: "Warning", bpfEnabled: true }),
        k8sNode("node-1", { ipv4: "192.168.0.1/24", vxlanV4: "10.65.0.1" }),
        k8sNode("node-2", { ipv4: "192.168.0.2/24", vxlanV4: "10.65.0.65" }),
      ],
      check: (s) => {
        deepEqual(s.config, {
          type: "ConfigUpdate",
          config: {
            CalicoVersion: "v3.31.3",
            ClusterGUID: "c0ffee",
            ClusterType: "k8s,kdd",
            IPv4VXLANTunnelAddr: "10.65.0.1",
            LogSeverityScreen: "Debug",
            VXLANEnabled: "true",
          },
          sourceToRawConfig: {
            DatastoreGlobal: {
              CalicoVersion: "v3.31.3",
              ClusterGUID: "c0ffee",
              ClusterType: "k8s,kdd",
              LogSeverityScreen: "Info",
              VXLANEnabled: "true",
            },
            DatastorePerHost: { IPv4VXLANTunnelAddr: "10.65.0.1", LogSeverityScreen: "Debug" },
          },
        });
      },
    },
    {
      name: "the per-host configuration and the node's tunnel address removed",
      resources: [
        clusterInformation({ ...INFO, calicoVersion: "v3.31.4" }),
        felixConfiguration("default", { logSeverityScreen: "Info" }),
        k8sNode("node-1", { ipv4: "192.168.0.1/24" }),
      ],
      check: (s) => {
        deepEqual(s.config?.config, {
          CalicoVersion: "v3.31.4",
          ClusterGUID: "c0ffee",
          ClusterType: "k8s,kdd",
          LogSeverityScreen: "Info",
        });
        deepEqual(s.config?.sourceToRawConfig["DatastorePerHost"], {});
      },
    },
  ],
});

scenarioTest({
  name: "configuration: an empty datastore still sends one empty ConfigUpdate",
  hostname: HOST,
  builtIns: false,
  states: [
    {
      name: "nothing at all",
      resources: [],
      check: (s) => {
        deepEqual(s.config, {
          type: "ConfigUpdate",
          config: {},
          sourceToRawConfig: { DatastoreGlobal: {}, DatastorePerHost: {} },
        });
        deepEqual(s.inSync, true);
        deepEqual(s.encapsulation, {
          type: "EncapsulationUpdate",
          ipipEnabled: false,
          vxlanEnabled: false,
          vxlanEnabledV6: false,
          noEncapEnabled: false,
        });
      },
    },
  ],
});
