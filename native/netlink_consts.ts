/**
 * rtnetlink constants (linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h, neighbour.h). Names
 * follow the kernel's, without their common prefix. Pure data.
 *
 * @module
 */

/** Netlink message types shared by every family. */
export const NLMSG = { NOOP: 1, ERROR: 2, DONE: 3, OVERRUN: 4 } as const;

/** rtnetlink message types. */
export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  SETLINK: 19,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
  NEWNEIGH: 28,
  DELNEIGH: 29,
  GETNEIGH: 30,
} as const;

/** `nlmsghdr.nlmsg_flags`. */
export const NLM_F = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  ECHO: 0x8,
  DUMP_INTR: 0x10,
  ROOT: 0x100,
  MATCH: 0x200,
  DUMP: 0x300,
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
  /** On an ACK: the original request was not echoed (NETLINK_CAP_ACK). */
  CAPPED: 0x100,
  /** On an ACK: extended-ACK attributes follow. */
  ACK_TLVS: 0x200,
} as const;

/** Extended-ACK attributes (`NLMSGERR_ATTR_*`). */
export const NLMSGERR_ATTR = { MSG: 1, OFFS: 2, COOKIE: 3 } as const;

/** Address families. */
export const AF = { UNSPEC: 0, INET: 2, BRIDGE: 7, INET6: 10 } as const;

/** Multicast groups (`RTNLGRP_*`); bind bit = `1 << (group - 1)`. */
export const RTNLGRP = {
  LINK: 1,
  NEIGH: 3,
  IPV4_IFADDR: 5,
  IPV4_ROUTE: 7,
  IPV6_IFADDR: 9,
  IPV6_ROUTE: 11,
} as const;

/** Link attributes (`IFLA_*`). */
export const IFLA = {
  ADDRESS: 1,
  BROADCAST: 2,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  MASTER: 10,
  OPERSTATE: 16,
  LINKINFO: 18,
  NET_NS_FD: 28,
} as const;

/** Nested in `IFLA_LINKINFO`. */
export const IFLA_INFO = { KIND: 1, DATA: 2 } as const;

/** Nested in the veth `IFLA_INFO_DATA`. */
export const VETH_INFO_PEER = 1;

/** Nested in the vxlan `IFLA_INFO_DATA`. */
export const IFLA_VXLAN = {
  ID: 1,
  GROUP: 2,
  LINK: 3,
  LOCAL: 4,
  TTL: 5,
  TOS: 6,
  LEARNING: 7,
  AGEING: 8,
  LIMIT: 9,
  PORT_RANGE: 10,
  PROXY: 11,
  RSC: 12,
  L2MISS: 13,
  L3MISS: 14,
  PORT: 15,
  GROUP6: 16,
  LOCAL6: 17,
  UDP_CSUM: 18,
  COLLECT_METADATA: 25,
  GBP: 23,
} as const;

/** Nested in the ipip `IFLA_INFO_DATA`. */
export const IFLA_IPTUN = { LINK: 1, LOCAL: 2, REMOTE: 3, TTL: 4, PMTUDISC: 10 } as const;

/** `ifinfomsg.ifi_flags`. */
export const IFF = { UP: 0x1, BROADCAST: 0x2, LOOPBACK: 0x8, RUNNING: 0x40, LOWER_UP: 0x10000 };

/** Address attributes (`IFA_*`). */
export const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4, FLAGS: 8 } as const;

/** Route attributes (`RTA_*`). */
export const RTA = {
  DST: 1,
  SRC: 2,
  IIF: 3,
  OIF: 4,
  GATEWAY: 5,
  PRIORITY: 6,
  PREFSRC: 7,
  METRICS: 8,
  MULTIPATH: 9,
  TABLE: 15,
  PREF: 20,
} as const;

/** Nested in `RTA_METRICS`. */
export const RTAX = { MTU: 2 } as const;

/** Route types (`RTN_*`). */
export const RTN = {
  UNSPEC: 0,
  UNICAST: 1,
  LOCAL: 2,
  BROADCAST: 3,
  ANYCAST: 4,
  MULTICAST: 5,
  BLACKHOLE: 6,
  UNREACHABLE: 7,
  PROHIBIT: 8,
  THROW: 9,
} as const;

/** Route scopes (`RT_SCOPE_*`). */
export const RT_SCOPE = { UNIVERSE: 0, SITE: 200, LINK: 253, HOST: 254, NOWHERE: 255 } as const;

/** Route tables (`RT_TABLE_*`). */
export const RT_TABLE = { UNSPEC: 0, COMPAT: 252, DEFAULT: 253, MAIN: 254, LOCAL: 255 } as const;

/** Route protocols (`RTPROT_*`); 80 is Felix's own. */
export const RTPROT = { UNSPEC: 0, REDIRECT: 1, KERNEL: 2, BOOT: 3, STATIC: 4, BIRD: 12 } as const;

/** `rtmsg.rtm_flags`. */
export const RTNH_F = { ONLINK: 0x4 } as const;

/** Neighbour attributes (`NDA_*`). */
export const NDA = { DST: 1, LLADDR: 2, CACHEINFO: 3, PROBES: 4, VLAN: 5, PORT: 6, VNI: 7 };

/** Neighbour states (`NUD_*`). */
export const NUD = {
  INCOMPLETE: 0x01,
  REACHABLE: 0x02,
  STALE: 0x04,
  DELAY: 0x08,
  PROBE: 0x10,
  FAILED: 0x20,
  NOARP: 0x40,
  PERMANENT: 0x80,
} as const;

/** Neighbour flags (`NTF_*`). */
export const NTF = { USE: 0x01, SELF: 0x02, MASTER: 0x04, PROXY: 0x08, ROUTER: 0x80 } as const;

/** Header sizes in bytes. */
export const SIZE = {
  NLMSGHDR: 16,
  RTATTR: 4,
  IFINFOMSG: 16,
  IFADDRMSG: 8,
  RTMSG: 12,
  NDMSG: 12,
  NLMSGERR: 20,
} as const;
