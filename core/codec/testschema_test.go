package codec

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The schemas below are a test-sized subset of rtnetlink links and of the
// generic netlink controller, written the way families will declare theirs.
// They leave some attributes out on purpose (IFLA_XDP, IFLA_AF_SPEC's
// contents, ...) so that real kernel replies exercise unknown attributes.

var testIfinfomsg = NewStruct("ifinfomsg", 16,
	Attr{Name: "family", Kind: KindU8, Offset: 0},
	Attr{Name: "type", Kind: KindU16, Offset: 2, Enum: map[uint64]string{1: "ether", 772: "loopback"}},
	Attr{Name: "index", Kind: KindS32, Offset: 4},
	Attr{Name: "flags", Kind: KindU32, Offset: 8, Flags: testIFF},
	Attr{Name: "change", Kind: KindU32, Offset: 12, Flags: testIFF},
)

var testIFF = map[uint64]string{
	0x1: "UP", 0x2: "BROADCAST", 0x8: "LOOPBACK", 0x40: "RUNNING", 0x80: "NOARP",
	0x1000: "MULTICAST", 0x10000: "LOWER_UP",
}

var testOperstate = map[uint64]string{0: "UNKNOWN", 1: "NOTPRESENT", 2: "DOWN", 3: "LOWERLAYERDOWN", 4: "TESTING", 5: "DORMANT", 6: "UP"}

func stats64Struct() *Struct {
	names := []string{"rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors",
		"rx_dropped", "tx_dropped", "multicast", "collisions", "rx_length_errors", "rx_over_errors",
		"rx_crc_errors", "rx_frame_errors", "rx_fifo_errors", "rx_missed_errors", "tx_aborted_errors",
		"tx_carrier_errors", "tx_fifo_errors", "tx_heartbeat_errors", "tx_window_errors",
		"rx_compressed", "tx_compressed", "rx_nohandler", "rx_otherhost_dropped"}
	fields := make([]Attr, len(names))
	for i, n := range names {
		fields[i] = Attr{Name: n, Kind: KindU64, Offset: 8 * i}
	}
	return NewStruct("rtnl_link_stats64", 8*len(names), fields...)
}

var testVxlan = NewSchema("vxlan",
	Attr{Name: "id", Const: "IFLA_VXLAN_ID", Type: 1, Kind: KindU32},
	Attr{Name: "group", Const: "IFLA_VXLAN_GROUP", Type: 2, Kind: KindAddr},
	Attr{Name: "link", Const: "IFLA_VXLAN_LINK", Type: 3, Kind: KindU32},
	Attr{Name: "ttl", Const: "IFLA_VXLAN_TTL", Type: 5, Kind: KindU8},
	Attr{Name: "port", Const: "IFLA_VXLAN_PORT", Type: 15, Kind: KindBe16},
	Attr{Name: "learning", Const: "IFLA_VXLAN_LEARNING", Type: 7, Kind: KindU8},
)

// testVlan uses a u16 id, so range errors can be tested.
var testVlan = NewSchema("vlan",
	Attr{Name: "id", Const: "IFLA_VLAN_ID", Type: 1, Kind: KindU16},
	Attr{Name: "protocol", Const: "IFLA_VLAN_PROTOCOL", Type: 5, Kind: KindBe16, Enum: map[uint64]string{0x8100: "802.1Q", 0x88a8: "802.1ad"}},
)

// testLinkAttrs is built in a function because the veth peer nests the link
// schema inside itself (VETH_INFO_PEER = ifinfomsg + link attributes).
var testLinkAttrs, testLinkMsg, testProto = buildTestLink()

func buildTestLink() (*Schema, *MessageSchema, *Protocol) {
	veth := NewSchema("veth",
		Attr{Name: "peer", Const: "VETH_INFO_PEER", Type: 1, Kind: KindNested, Header: testIfinfomsg, Nested: NewSchema("later")})
	linkinfo := NewSchema("linkinfo",
		Attr{Name: "kind", Const: "IFLA_INFO_KIND", Type: 1, Kind: KindString},
		Attr{Name: "data", Const: "IFLA_INFO_DATA", Type: 2, Kind: KindNested,
			Select: &Select{By: "kind", Cases: map[string]*Schema{"vxlan": testVxlan, "vlan": testVlan, "veth": veth}}},
		Attr{Name: "slave_kind", Const: "IFLA_INFO_SLAVE_KIND", Type: 4, Kind: KindString},
	)
	propList := NewSchema("prop_list",
		Attr{Name: "altname", Const: "IFLA_ALT_IFNAME", Type: 53, Kind: KindString, Multi: true},
	)
	link := NewSchema("link",
		Attr{Name: "address", Const: "IFLA_ADDRESS", Type: 1, Kind: KindHWAddr},
		Attr{Name: "broadcast", Const: "IFLA_BROADCAST", Type: 2, Kind: KindHWAddr},
		Attr{Name: "ifname", Const: "IFLA_IFNAME", Type: 3, Kind: KindString},
		Attr{Name: "mtu", Const: "IFLA_MTU", Type: 4, Kind: KindU32},
		Attr{Name: "link", Const: "IFLA_LINK", Type: 5, Kind: KindU32},
		Attr{Name: "qdisc", Const: "IFLA_QDISC", Type: 6, Kind: KindString},
		Attr{Name: "master", Const: "IFLA_MASTER", Type: 10, Kind: KindU32},
		Attr{Name: "txqlen", Const: "IFLA_TXQLEN", Type: 13, Kind: KindU32},
		Attr{Name: "operstate", Const: "IFLA_OPERSTATE", Type: 16, Kind: KindU8, Enum: testOperstate},
		Attr{Name: "linkmode", Const: "IFLA_LINKMODE", Type: 17, Kind: KindU8},
		Attr{Name: "linkinfo", Const: "IFLA_LINKINFO", Type: 18, Kind: KindNested, Nested: linkinfo},
		Attr{Name: "net_ns_pid", Const: "IFLA_NET_NS_PID", Type: 19, Kind: KindU32},
		Attr{Name: "stats64", Const: "IFLA_STATS64", Type: 23, Kind: KindStruct, Struct: stats64Struct()},
		Attr{Name: "group", Const: "IFLA_GROUP", Type: 27, Kind: KindU32},
		Attr{Name: "promiscuity", Const: "IFLA_PROMISCUITY", Type: 30, Kind: KindU32},
		Attr{Name: "num_tx_queues", Const: "IFLA_NUM_TX_QUEUES", Type: 31, Kind: KindU32},
		Attr{Name: "num_rx_queues", Const: "IFLA_NUM_RX_QUEUES", Type: 32, Kind: KindU32},
		Attr{Name: "carrier", Const: "IFLA_CARRIER", Type: 33, Kind: KindU8},
		Attr{Name: "carrier_changes", Const: "IFLA_CARRIER_CHANGES", Type: 35, Kind: KindU32},
		Attr{Name: "proto_down", Const: "IFLA_PROTO_DOWN", Type: 39, Kind: KindU8},
		Attr{Name: "gso_max_segs", Const: "IFLA_GSO_MAX_SEGS", Type: 40, Kind: KindU32},
		Attr{Name: "gso_max_size", Const: "IFLA_GSO_MAX_SIZE", Type: 41, Kind: KindU32},
		Attr{Name: "carrier_up_count", Const: "IFLA_CARRIER_UP_COUNT", Type: 47, Kind: KindU32},
		Attr{Name: "carrier_down_count", Const: "IFLA_CARRIER_DOWN_COUNT", Type: 48, Kind: KindU32},
		Attr{Name: "min_mtu", Const: "IFLA_MIN_MTU", Type: 50, Kind: KindU32},
		Attr{Name: "max_mtu", Const: "IFLA_MAX_MTU", Type: 51, Kind: KindU32},
		Attr{Name: "prop_list", Const: "IFLA_PROP_LIST", Type: 52, Kind: KindNested, Nested: propList},
		Attr{Name: "gro_max_size", Const: "IFLA_GRO_MAX_SIZE", Type: 58, Kind: KindU32},
		Attr{Name: "tso_max_size", Const: "IFLA_TSO_MAX_SIZE", Type: 59, Kind: KindU32},
		Attr{Name: "tso_max_segs", Const: "IFLA_TSO_MAX_SEGS", Type: 60, Kind: KindU32},
		Attr{Name: "allmulti", Const: "IFLA_ALLMULTI", Type: 61, Kind: KindU32},
	)
	// Close the veth peer's loop: its attributes are link attributes.
	veth.Attrs[0].Nested = link
	msg := func(name string, typ uint16, verb Verb) *MessageSchema {
		return &MessageSchema{Name: name, Type: typ, Verb: verb, Header: testIfinfomsg, Attrs: link}
	}
	newlink := msg("RTM_NEWLINK", 16, VerbNew)
	proto := NewProtocol("NETLINK_ROUTE", newlink, msg("RTM_DELLINK", 17, VerbDel), msg("RTM_GETLINK", 18, VerbGet))
	return link, newlink, proto
}

var testGenlmsghdr = NewStruct("genlmsghdr", 4,
	Attr{Name: "cmd", Kind: KindU8, Offset: 0, Enum: map[uint64]string{1: "CTRL_CMD_NEWFAMILY", 3: "CTRL_CMD_GETFAMILY"}},
	Attr{Name: "version", Kind: KindU8, Offset: 1},
)

var testCtrlAttrs = NewSchema("nlctrl",
	Attr{Name: "family_id", Const: "CTRL_ATTR_FAMILY_ID", Type: 1, Kind: KindU16},
	Attr{Name: "family_name", Const: "CTRL_ATTR_FAMILY_NAME", Type: 2, Kind: KindString},
	Attr{Name: "version", Const: "CTRL_ATTR_VERSION", Type: 3, Kind: KindU32},
	Attr{Name: "hdrsize", Const: "CTRL_ATTR_HDRSIZE", Type: 4, Kind: KindU32},
	Attr{Name: "maxattr", Const: "CTRL_ATTR_MAXATTR", Type: 5, Kind: KindU32},
	Attr{Name: "ops", Const: "CTRL_ATTR_OPS", Type: 6, Kind: KindNestedArray, Indexed: true, EntryType: 1,
		Nested: NewSchema("op",
			Attr{Name: "id", Const: "CTRL_ATTR_OP_ID", Type: 1, Kind: KindU32},
			Attr{Name: "flags", Const: "CTRL_ATTR_OP_FLAGS", Type: 2, Kind: KindU32,
				Flags: map[uint64]string{1: "ADMIN_PERM", 2: "CMD_CAP_DO", 4: "CMD_CAP_DUMP", 8: "CMD_CAP_HASPOL", 16: "UNS_ADMIN_PERM"}},
		)},
	Attr{Name: "mcast_groups", Const: "CTRL_ATTR_MCAST_GROUPS", Type: 7, Kind: KindNestedArray, Indexed: true, EntryType: 1,
		Nested: NewSchema("mcast_group",
			Attr{Name: "name", Const: "CTRL_ATTR_MCAST_GRP_NAME", Type: 1, Kind: KindString},
			Attr{Name: "id", Const: "CTRL_ATTR_MCAST_GRP_ID", Type: 2, Kind: KindU32},
		)},
)

var testCtrlProto = NewProtocol("NETLINK_GENERIC nlctrl",
	&MessageSchema{Name: "nlctrl", Type: 0x10, Verb: VerbGet, Header: testGenlmsghdr, Attrs: testCtrlAttrs})

// readGolden reads testdata/NAME as hex, skipping # comment lines.
func readGolden(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return parseHex(tb, b)
}

func parseHex(tb testing.TB, b []byte) []byte {
	var out []byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, err := hex.DecodeString(line)
		if err != nil {
			tb.Fatalf("bad hex line %q: %v", line, err)
		}
		out = append(out, p...)
	}
	return out
}

// goldenFiles lists every golden capture.
func goldenFiles(tb testing.TB) []string {
	names, err := filepath.Glob(filepath.Join("testdata", "*.hex"))
	if err != nil || len(names) == 0 {
		tb.Fatalf("no golden files: %v", err)
	}
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	return names
}

// firstMessage parses the first message of a golden file.
func firstMessage(tb testing.TB, name string) Message {
	tb.Helper()
	ms, err := ParseMessages(readGolden(tb, name))
	if err != nil || len(ms) == 0 {
		tb.Fatalf("%s: %d messages, %v", name, len(ms), err)
	}
	return ms[0]
}
