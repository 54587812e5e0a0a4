/**
 * Captures real kernel replies for the codec tests: builds a small, fixed topology in a fresh
 * network namespace (veth pair with set MACs, a VXLAN device, addresses, routes, an ARP entry,
 * an FDB entry), then writes each dump's raw messages to `<name>.bin` beside this file, plus an
 * extended-ACK error reply. Re-run by hand after a codec change that needs new captures:
 *
 *   deno run -A tests/native/testdata/capture_netlink.ts
 *
 * @module
 */
import { RtnlClient } from "../../../native/netlink.ts";
import { withNetns } from "../../../native/netlink_netns.ts";
import { NetlinkSocket } from "../../../native/netlink_socket.ts";
import {
  DUMP_FLAGS,
  dumpRequest,
  encodeMessage,
  type NlMessage,
  requestMessage,
  type RouteMsg,
  type RtnlRequest,
} from "../../../native/netlink_codec.ts";
import { AF, NLM_F, NTF, NUD, RT_SCOPE, RTN, RTNH_F } from "../../../native/netlink_consts.ts";
import { addLink, replaceRoute, setUp } from "../rtnl_requests.ts";

const dir = new URL(".", import.meta.url).pathname;
const ns = `nlcap${Deno.pid}`;

function frame(msgs: readonly NlMessage[]): Uint8Array {
  const parts = msgs.map((m) => encodeMessage(m.type, m.flags, m.seq, m.payload, m.pid));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function setup(c: RtnlClient): void {
  const exec = (r: RtnlRequest) => c.exec(r);
  exec(addLink({
    name: "eth0",
    mac: "02:00:00:00:00:01",
    kind: "veth",
    vethPeer: { name: "cali1234567890a" },
  }));
  const links = c.listLinks();
  const eth0 = links.find((l) => l.name === "eth0")!.index;
  const cali = links.find((l) => l.name === "cali1234567890a")!.index;
  exec({
    action: "set",
    obj: { kind: "link", link: { index: cali, flags: 0, mac: "ee:ee:ee:ee:ee:ee" } },
  });
  for (const i of [eth0, cali]) exec(setUp(i));
  exec({
    action: "add",
    obj: {
      kind: "addr",
      addr: {
        family: AF.INET,
        prefixLen: 24,
        index: eth0,
        local: "192.168.77.1",
        address: "192.168.77.1",
      },
    },
  });
  exec(addLink({
    name: "vxlan.calico",
    mac: "66:0a:0b:0c:0d:0e",
    mtu: 1450,
    kind: "vxlan",
    vxlan: { vni: 4096, port: 4789, parentIndex: eth0, local: "192.168.77.1", learning: false },
  }));
  const vx = c.listLinks().find((l) => l.name === "vxlan.calico")!.index;
  exec(setUp(vx));
  exec({
    action: "add",
    obj: {
      kind: "addr",
      addr: { family: AF.INET, prefixLen: 32, index: vx, local: "10.65.0.0", address: "10.65.0.0" },
    },
  });
  const route = (r: Partial<RouteMsg>) => exec(replaceRoute({ protocol: 3, scope: 0, ...r }));
  route({ dst: "10.65.0.5", oif: cali, scope: RT_SCOPE.LINK, priority: 1024 });
  route({ dst: "10.65.0.0", dstLen: 26, protocol: 80, type: RTN.BLACKHOLE });
  route({
    dst: "10.65.1.0",
    dstLen: 26,
    gateway: "10.65.1.0",
    oif: vx,
    flags: RTNH_F.ONLINK,
    mtu: 1450,
  });
  route({
    dst: "10.66.0.0",
    dstLen: 16,
    gateway: "192.168.77.2",
    oif: eth0,
    protocol: 80,
    flags: RTNH_F.ONLINK,
  });
  exec({
    action: "replace",
    obj: {
      kind: "neigh",
      neigh: {
        family: AF.INET,
        index: vx,
        state: NUD.PERMANENT,
        flags: 0,
        dst: "10.65.1.0",
        lladdr: "66:aa:bb:cc:dd:ee",
      },
    },
  });
  exec({
    action: "replace",
    obj: {
      kind: "neigh",
      neigh: {
        family: AF.BRIDGE,
        index: vx,
        state: NUD.PERMANENT,
        flags: NTF.SELF,
        dst: "192.168.77.2",
        lladdr: "66:aa:bb:cc:dd:ee",
      },
    },
  });
}

function dumpBytes(
  sock: NetlinkSocket,
  kind: "link" | "addr" | "route" | "neigh",
  family: number,
): Uint8Array {
  const { type, payload } = dumpRequest(kind, family);
  return frame(sock.request({ type, flags: DUMP_FLAGS, payload }, `dump ${kind}s`));
}

/** The raw ERROR reply to adding a link of an unknown kind (extended ACK text included). */
function errorBytes(sock: NetlinkSocket): Uint8Array {
  const req = requestMessage(addLink({ name: "x0", kind: "nosuchkind" }));
  sock.send(encodeMessage(req.type, req.flags | NLM_F.REQUEST | NLM_F.ACK, 4242, req.payload));
  return frame(sock.receive() ?? []);
}

new Deno.Command("ip", { args: ["netns", "add", ns] }).outputSync();
try {
  const sock = withNetns(ns, () => NetlinkSocket.open());
  const c = new RtnlClient(sock);
  setup(c);
  const files: Record<string, Uint8Array> = {
    "links.bin": dumpBytes(sock, "link", 0),
    "addrs_v4.bin": dumpBytes(sock, "addr", AF.INET),
    "routes_v4.bin": dumpBytes(sock, "route", AF.INET),
    "neighs_v4.bin": dumpBytes(sock, "neigh", AF.INET),
    "fdb.bin": dumpBytes(sock, "neigh", AF.BRIDGE),
    "error_unknown_kind.bin": errorBytes(sock),
  };
  for (const [name, bytes] of Object.entries(files)) Deno.writeFileSync(dir + name, bytes);
  c.close();
} finally {
  new Deno.Command("ip", { args: ["netns", "del", ns] }).outputSync();
}
