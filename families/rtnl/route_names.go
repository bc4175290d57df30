package rtnl

// Route attributes (RTA_*), metrics (RTAX_*), and the words ip uses for
// route types, protocols, flags and metrics, as tables.

const (
	rtaDst       uint16 = 1
	rtaSrc       uint16 = 2
	rtaIif       uint16 = 3
	rtaOif       uint16 = 4
	rtaGateway   uint16 = 5
	rtaPriority  uint16 = 6
	rtaPrefsrc   uint16 = 7
	rtaMetrics   uint16 = 8
	rtaMultipath uint16 = 9
	rtaFlow      uint16 = 11
	rtaCacheinfo uint16 = 12
	rtaTable     uint16 = 15
	rtaMark      uint16 = 16
	rtaVia       uint16 = 18
	rtaPref      uint16 = 20
	rtaEncapType uint16 = 21
	rtaEncap     uint16 = 22
	rtaExpires   uint16 = 23
	rtaUID       uint16 = 25
	rtaNhID      uint16 = 30

	rtmsgLen     = 12
	rtnexthopLen = 8

	rtaxLock   uint16 = 1
	rtaxCCAlgo uint16 = 16

	rtnUnicast uint8 = 1

	// rtm_flags asking RTM_GETROUTE for the matching FIB entry rather
	// than the resolved path (ip route get fibmatch).
	rtmFFibMatch uint32 = 0x2000
)

// ipRouteTypes are RTN_* as ip spells them.
var ipRouteTypes = []ipEnumEntry{
	{0, "none"}, {1, "unicast"}, {2, "local"}, {3, "broadcast"}, {4, "anycast"},
	{5, "multicast"}, {6, "blackhole"}, {7, "unreachable"}, {8, "prohibit"},
	{9, "throw"}, {10, "nat"}, {11, "xresolve"},
}

// ipRouteProtocols are RTPROT_* with the names of iproute2's rt_protos.
var ipRouteProtocols = []ipEnumEntry{
	{0, "unspec"}, {1, "redirect"}, {2, "kernel"}, {3, "boot"}, {4, "static"},
	{8, "gated"}, {9, "ra"}, {10, "mrt"}, {11, "zebra"}, {12, "bird"},
	{13, "dnrouted"}, {14, "xorp"}, {15, "ntk"}, {16, "dhcp"}, {17, "mrouted"},
	{18, "keepalived"}, {42, "babel"}, {99, "openr"}, {186, "bgp"}, {187, "isis"},
	{188, "ospf"}, {189, "rip"}, {192, "eigrp"},
}

// ipRouteFlags are RTNH_F_* (next hop flags, also in rtm_flags) and the
// RTM_F_* bits, as `ip -j route` prints them in "flags".
var ipRouteFlags = []ipFlagName{
	{0x01, "dead"}, {0x02, "pervasive"}, {0x04, "onlink"}, {0x08, "offload"},
	{0x10, "linkdown"}, {0x20, "unresolved"}, {0x40, "trap"},
	{0x100, "notify"}, {0x200, "cloned"}, {0x400, "equalize"}, {0x800, "prefix"},
	{0x1000, "lookup_table"}, {0x2000, "fibmatch"}, {0x4000, "rt_offload"},
	{0x8000, "rt_trap"}, {0x20000000, "rt_offload_failed"},
}

// ipRouteMetricNames are the RTAX_* metrics with ip's names (in the
// RTA_METRICS nest); "lock" is the bitmask of locked metrics.
var ipRouteMetricNames = []ipEnumEntry{
	{1, "lock"}, {2, "mtu"}, {3, "window"}, {4, "rtt"}, {5, "rttvar"},
	{6, "ssthresh"}, {7, "cwnd"}, {8, "advmss"}, {9, "reordering"},
	{10, "hoplimit"}, {11, "initcwnd"}, {12, "features"}, {13, "rto_min"},
	{14, "initrwnd"}, {15, "quickack"}, {17, "fastopen_no_cookie"},
}

// ipRoutePrefs are the IPv6 router preferences of RTA_PREF.
var ipRoutePrefs = []ipEnumEntry{{0, "medium"}, {1, "high"}, {3, "low"}}

// u8Names are the names of an enumeration of one byte, by value, for the
// route decoder: what ipEnumName gives, without its search ("" for a
// value the enumeration does not name: ipEnumName spells the number).
type u8Names [256]string

func u8NamesOf(table []ipEnumEntry) *u8Names {
	var n u8Names
	for _, e := range table {
		if e.v < 256 && n[e.v] == "" { // the first of a value, as ipEnumName
			n[e.v] = e.name
		}
	}
	return &n
}

// name is ipEnumName(v, table) for the table n was made of.
func (n *u8Names) name(v uint8, table []ipEnumEntry) string {
	if s := n[v]; s != "" {
		return s
	}
	return ipEnumName(uint32(v), table)
}

// The rtmsg's enumerations by value (never changed after start-up).
var (
	routeTypeNames     = u8NamesOf(ipRouteTypes)
	routeProtocolNames = u8NamesOf(ipRouteProtocols)
	routeScopeNames    = u8NamesOf(ipScopes)
)
