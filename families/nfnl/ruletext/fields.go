package ruletext

import "github.com/nlsh/nlsh/families/nfnl/expr"

// header is one protocol header nft knows by name.
type header struct {
	name   string
	base   uint32 // expr.PayloadNetwork or expr.PayloadTransport
	nfp    uint8  // NFPROTO of a network header (2 ip, 10 ip6)
	l4     uint8  // IP protocol of a transport header
	fields []hfield
}

// hfield is a field of a header: where it is and what datatype it has.
type hfield struct {
	name   string
	offset uint32
	len    uint32
	typ    string
	bits   bool // a bitmask matched with & (tcp flags)
	// shift places a field narrower than its byte in the byte's high
	// bits: the byte is masked and values compared shifted (ip dscp).
	shift uint8
	// width is the bits of a shifted field; 0: the byte's from shift on
	// (dccp type: 4 bits after one).
	width uint8
	// types lists the message types the field exists in (icmp id: echo
	// reply and request). As nft, a rule matches the header's type
	// first, against these (a set, or a comparison when there is one),
	// unless it has matched one of them already.
	types []uint8
}

// headers lists the protocol headers of the compiler and the printer.
func headers() []header {
	// the icmp and icmpv6 echo messages (reply and request, in the order
	// of nft's dependency sets), which have the id and sequence fields
	icmpEcho, icmpv6Echo := []uint8{0, 8}, []uint8{128, 129}
	return []header{
		{name: "ip", base: expr.PayloadNetwork, nfp: 2, fields: []hfield{
			{name: "dscp", offset: 1, len: 1, typ: "dscp", shift: 2},
			{name: "length", offset: 2, len: 2, typ: "integer16"},
			{name: "ttl", offset: 8, len: 1, typ: "integer8"},
			{name: "protocol", offset: 9, len: 1, typ: "inet_proto"},
			{name: "saddr", offset: 12, len: 4, typ: "ipv4_addr"},
			{name: "daddr", offset: 16, len: 4, typ: "ipv4_addr"},
		}},
		{name: "ip6", base: expr.PayloadNetwork, nfp: 10, fields: []hfield{
			{name: "nexthdr", offset: 6, len: 1, typ: "inet_proto"},
			{name: "hoplimit", offset: 7, len: 1, typ: "integer8"},
			{name: "saddr", offset: 8, len: 16, typ: "ipv6_addr"},
			{name: "daddr", offset: 24, len: 16, typ: "ipv6_addr"},
		}},
		{name: "tcp", base: expr.PayloadTransport, l4: 6, fields: []hfield{
			{name: "sport", offset: 0, len: 2, typ: "inet_service"},
			{name: "dport", offset: 2, len: 2, typ: "inet_service"},
			{name: "flags", offset: 13, len: 1, typ: "tcp_flag", bits: true},
		}},
		{name: "udp", base: expr.PayloadTransport, l4: 17, fields: []hfield{
			{name: "sport", offset: 0, len: 2, typ: "inet_service"},
			{name: "dport", offset: 2, len: 2, typ: "inet_service"},
		}},
		{name: "sctp", base: expr.PayloadTransport, l4: 132, fields: []hfield{
			{name: "sport", offset: 0, len: 2, typ: "inet_service"},
			{name: "dport", offset: 2, len: 2, typ: "inet_service"},
			{name: "vtag", offset: 4, len: 4, typ: "integer32"},
			{name: "checksum", offset: 8, len: 4, typ: "integer32"},
		}},
		{name: "dccp", base: expr.PayloadTransport, l4: 33, fields: []hfield{
			{name: "sport", offset: 0, len: 2, typ: "inet_service"},
			{name: "dport", offset: 2, len: 2, typ: "inet_service"},
			{name: "type", offset: 8, len: 1, typ: "dccp_pkttype", shift: 1, width: 4},
		}},
		{name: "icmp", base: expr.PayloadTransport, l4: 1, nfp: 2, fields: []hfield{
			{name: "type", offset: 0, len: 1, typ: "icmp_type"},
			{name: "code", offset: 1, len: 1, typ: "icmp_code"},
			{name: "id", offset: 4, len: 2, typ: "integer16", types: icmpEcho},
			{name: "sequence", offset: 6, len: 2, typ: "integer16", types: icmpEcho},
		}},
		{name: "icmpv6", base: expr.PayloadTransport, l4: 58, nfp: 10, fields: []hfield{
			{name: "type", offset: 0, len: 1, typ: "icmpv6_type"},
			{name: "code", offset: 1, len: 1, typ: "icmpv6_code"},
			{name: "mtu", offset: 4, len: 4, typ: "integer32", types: []uint8{2}}, // packet-too-big
			{name: "id", offset: 4, len: 2, typ: "integer16", types: icmpv6Echo},
			{name: "sequence", offset: 6, len: 2, typ: "integer16", types: icmpv6Echo},
		}},
		{name: "ether", base: expr.PayloadLL, fields: []hfield{
			{name: "daddr", offset: 0, len: 6, typ: "ether_addr"},
			{name: "saddr", offset: 6, len: 6, typ: "ether_addr"},
			{name: "type", offset: 12, len: 2, typ: "ether_type"},
		}},
		// the ports of any transport header, with no protocol dependency
		// (after the headers above, which name a known protocol's)
		{name: "th", base: expr.PayloadTransport, fields: []hfield{
			{name: "sport", offset: 0, len: 2, typ: "inet_service"},
			{name: "dport", offset: 2, len: 2, typ: "inet_service"},
		}},
	}
}

// fieldMask is the mask of a shifted field in its byte.
func (f *hfield) fieldMask() byte {
	if f.width == 0 {
		return 0xff << f.shift
	}
	return byte(1<<f.width-1) << f.shift
}

// metaKey is a meta key nft prints, with its datatype; bare keys print
// without "meta " (iifname, oifname, iif, oif).
type metaKey struct {
	name string
	key  uint32
	typ  string
	bare bool
}

func metaKeys() []metaKey {
	return []metaKey{
		{"iif", expr.MetaIif, "iface_index", true},
		{"oif", expr.MetaOif, "iface_index", true},
		{"iifname", expr.MetaIifname, "ifname", true},
		{"oifname", expr.MetaOifname, "ifname", true},
		{"l4proto", expr.MetaL4proto, "inet_proto", false},
		{"nfproto", expr.MetaNfproto, "nf_proto", false},
		{"mark", expr.MetaMark, "mark", false},
		{"pkttype", expr.MetaPkttype, "pkt_type", false},
		{"nftrace", expr.MetaNftrace, "integer8", false},
		{"length", expr.MetaLen, "integer", false},
		{"skuid", expr.MetaSkuid, "uid", false},
		{"skgid", expr.MetaSkgid, "gid", false},
		{"priority", expr.MetaPriority, "classid", false},
		{"iifgroup", expr.MetaIifgroup, "devgroup", true},
		{"oifgroup", expr.MetaOifgroup, "devgroup", true},
		{"cgroup", expr.MetaCgroup, "integer", false},
		{"cpu", expr.MetaCPU, "integer", false},
		{"rtclassid", expr.MetaRtclassid, "realm", false},
		{"iifkind", expr.MetaIifkind, "ifname", false},
		{"oifkind", expr.MetaOifkind, "ifname", false},
		{"sdif", expr.MetaSdif, "iface_index", false},
		{"sdifname", expr.MetaSdifname, "ifname", false},
		{"random", expr.MetaPrandom, "integer32", false},
		{"day", expr.MetaTimeDay, "day", false},
		{"hour", expr.MetaTimeHour, "hour", false},
		{"time", expr.MetaTimeNs, "time", false},
	}
}

// ctTupleKey is a conntrack key of one direction's tuple: "ct original ip
// saddr", "ct reply proto-dst".
type ctTupleKey struct {
	name string // after the direction: "ip saddr", "proto-dst"
	key  uint32 // NFT_CT_*
	typ  string
}

func ctTupleKeys() []ctTupleKey {
	return []ctTupleKey{
		{"ip saddr", 19, "ipv4_addr"}, {"ip daddr", 20, "ipv4_addr"},
		{"ip6 saddr", 21, "ipv6_addr"}, {"ip6 daddr", 22, "ipv6_addr"},
		{"proto-src", expr.CtProtoSrc, "inet_service"}, {"proto-dst", expr.CtProtoDst, "inet_service"},
	}
}

// ctDirs names a tuple's direction.
var ctDirs = []string{"original", "reply"}

// ctKey is a conntrack key nft prints.
type ctKey struct {
	name string
	key  uint32
	typ  string
}

func ctKeys() []ctKey {
	return []ctKey{
		{"state", expr.CtState, "ct_state"},
		{"status", expr.CtStatus, "ct_status"},
		{"mark", expr.CtMark, "mark"},
		{"direction", expr.CtDirection, "ct_dir"},
	}
}

// fibFlags are the NFTA_FIB_F_* keys of a fib lookup, in the order nft
// prints them ("fib saddr . iif").
var fibFlags = []struct {
	name string
	bit  uint32
}{{"saddr", 1}, {"daddr", 2}, {"mark", 4}, {"iif", 8}, {"oif", 16}}

// fibPresent is NFTA_FIB_F_PRESENT: the result is whether there is one
// ("oif exists", "oif missing").
const fibPresent = 32

// fibResults are the NFT_FIB_RESULT_* a fib lookup loads, with the
// datatype of each.
var fibResults = []struct {
	name string
	v    uint32
	typ  string
}{{"oif", 1, "iface_index"}, {"oifname", 2, "ifname"}, {"type", 3, "fib_addrtype"}}
