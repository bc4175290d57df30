package nfnl

import "strings"

// nft describes the key (and a map's data) of a set made with "typeof"
// in the set's user data: an expression type (nft's enum expr_types) and
// what it holds — a payload's protocol description and template, a
// meta's key, or a concatenation's members, each described alike. nlsh
// writes these notes back as they came (Set.kept) and reads the ones it
// can name, to list the set as nft does ("typeof ip saddr . meta mark").

// udata records of a set's typeof notes and of an expression's note.
const (
	udataSetKeyTypeof  = 3 // NFTNL_UDATA_SET_KEY_TYPEOF
	udataSetDataTypeof = 4 // NFTNL_UDATA_SET_DATA_TYPEOF

	udataTypeofExpr = 0 // the expression's type
	udataTypeofData = 1 // what it holds
)

// nft's expression types a typeof note names.
const (
	typeofPayload = 7  // EXPR_PAYLOAD: {0: protocol description, 1: template}
	typeofMeta    = 9  // EXPR_META: {0: NFT_META_* key}
	typeofCt      = 12 // EXPR_CT: {0: NFT_CT_* key, 1: direction, ^0 for none}
	typeofConcat  = 13 // EXPR_CONCAT: {0: member, 1: member, ...}
)

// typeofPayloadFields names a payload by nft's protocol description id
// and the index of its field template, as nft 1.0.6 lists them (found by
// listing a typeof set of each field; the live test checks them).
var typeofPayloadFields = map[[2]uint32]string{
	{1, 1}: "ah nexthdr", {1, 2}: "ah hdrlength", {1, 3}: "ah reserved", {1, 4}: "ah spi", {1, 5}: "ah sequence",
	{2, 1}: "esp spi", {2, 2}: "esp sequence",
	{3, 1}: "comp nexthdr", {3, 2}: "comp flags", {3, 3}: "comp cpi",
	{4, 1}: "icmp type", {4, 2}: "icmp code", {4, 3}: "icmp checksum", {4, 4}: "icmp id", {4, 5}: "icmp sequence",
	{4, 6}: "icmp gateway", {4, 7}: "icmp mtu",
	{5, 1}: "igmp type", {5, 2}: "igmp checksum", {5, 3}: "igmp mrt", {5, 4}: "igmp group",
	{6, 1}: "udp sport", {6, 2}: "udp dport", {6, 3}: "udp length", {6, 4}: "udp checksum",
	{7, 1}: "udplite sport", {7, 2}: "udplite dport", {7, 4}: "udplite checksum",
	{8, 1}: "tcp sport", {8, 2}: "tcp dport", {8, 3}: "tcp sequence", {8, 4}: "tcp ackseq", {8, 5}: "tcp doff",
	{8, 7}: "tcp flags", {8, 8}: "tcp window", {8, 9}: "tcp checksum", {8, 10}: "tcp urgptr",
	{9, 1}: "dccp sport", {9, 2}: "dccp dport", {9, 3}: "dccp type",
	{10, 1}: "sctp sport", {10, 2}: "sctp dport", {10, 3}: "sctp vtag", {10, 4}: "sctp checksum",
	{11, 1}: "th sport", {11, 2}: "th dport",
	{12, 1}: "ip version", {12, 2}: "ip hdrlength", {12, 3}: "ip dscp", {12, 4}: "ip ecn", {12, 5}: "ip length",
	{12, 6}: "ip id", {12, 7}: "ip frag-off", {12, 8}: "ip ttl", {12, 9}: "ip protocol", {12, 10}: "ip checksum",
	{12, 11}: "ip saddr", {12, 12}: "ip daddr",
	{13, 1}: "ip6 version", {13, 2}: "ip6 dscp", {13, 3}: "ip6 ecn", {13, 4}: "ip6 flowlabel", {13, 5}: "ip6 length",
	{13, 6}: "ip6 nexthdr", {13, 7}: "ip6 hoplimit", {13, 8}: "ip6 saddr", {13, 9}: "ip6 daddr",
	{14, 1}: "icmpv6 type", {14, 2}: "icmpv6 code", {14, 3}: "icmpv6 checksum", {14, 6}: "icmpv6 id",
	{14, 7}: "icmpv6 sequence", {14, 8}: "icmpv6 max-delay",
	{15, 1}: "arp htype", {15, 2}: "arp ptype", {15, 3}: "arp hlen", {15, 4}: "arp plen", {15, 5}: "arp operation",
	{16, 1}: "vlan pcp", {16, 2}: "vlan dei", {16, 3}: "vlan cfi", {16, 4}: "vlan id", {16, 5}: "vlan type",
	{17, 1}: "ether daddr", {17, 2}: "ether saddr", {17, 3}: "ether type",
}

// typeofMetaKeys names a meta key (NFT_META_*) as nft 1.0.6 lists it in
// a typeof note.
var typeofMetaKeys = map[uint32]string{
	0: "meta length", 1: "meta protocol", 2: "meta priority", 3: "meta mark", 4: "iif", 5: "oif",
	6: "iifname", 7: "oifname", 8: "meta iiftype", 9: "meta oiftype", 10: "meta skuid", 11: "meta skgid",
	12: "meta nftrace", 13: "meta rtclassid", 14: "meta secmark", 15: "meta nfproto", 16: "meta l4proto",
	17: "meta ibrname", 18: "meta obrname", 19: "meta pkttype", 20: "meta cpu", 21: "iifgroup", 22: "oifgroup",
	23: "meta cgroup", 24: "meta random", 26: "meta iifkind", 27: "meta oifkind", 30: "meta time",
	31: "meta day", 32: "meta hour", 33: "meta sdif", 34: "meta sdifname",
}

// typeofCtKeys names a conntrack key (NFT_CT_*) as nft 1.0.6 lists it
// in a typeof note, after "ct" and the direction if it has one.
var typeofCtKeys = map[uint32]string{
	0: "state", 1: "direction", 2: "status", 3: "mark", 5: "expiration", 6: "helper", 7: "l3proto",
	10: "protocol", 11: "proto-src", 12: "proto-dst", 17: "zone", 19: "ip saddr", 20: "ip daddr",
	21: "ip6 saddr", 22: "ip6 daddr", 23: "id",
}

// typeofCtDirs names a conntrack key's direction.
var typeofCtDirs = map[uint32]string{0: "original ", 1: "reply ", ^uint32(0): ""}

// typeofText is the text of a typeof note (the value of a set's key or
// data typeof record); false when it names what nlsh cannot.
func typeofText(b []byte) (string, bool) {
	u := udata(b)
	et, ok := u.getU32(udataTypeofExpr)
	data, ok2 := u.get(udataTypeofData)
	if !ok || !ok2 {
		return "", false
	}
	d := udata(data)
	switch et {
	case typeofPayload:
		desc, ok1 := d.getU32(0)
		tmpl, ok2 := d.getU32(1)
		name, ok3 := typeofPayloadFields[[2]uint32{desc, tmpl}]
		return name, ok1 && ok2 && ok3
	case typeofMeta:
		key, ok1 := d.getU32(0)
		name, ok2 := typeofMetaKeys[key]
		return name, ok1 && ok2
	case typeofCt:
		key, ok1 := d.getU32(0)
		dir, ok2 := d.getU32(1)
		name, ok3 := typeofCtKeys[key]
		w, ok4 := typeofCtDirs[dir]
		return "ct " + w + name, ok1 && ok2 && ok3 && ok4
	case typeofConcat:
		var parts []string
		for i := uint8(0); ; i++ {
			m, ok := d.get(i)
			if !ok {
				break
			}
			t, ok := typeofText(m)
			if !ok {
				return "", false
			}
			parts = append(parts, t)
		}
		return strings.Join(parts, " . "), len(parts) >= 2
	}
	return "", false
}
