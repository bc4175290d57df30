package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// IFLA_* attribute types (include/uapi/linux/if_link.h), defined here so
// the family builds on every OS.
const (
	iflaAddress      uint16 = 1
	iflaBroadcast    uint16 = 2
	iflaIfname       uint16 = 3
	iflaMTU          uint16 = 4
	iflaLink         uint16 = 5
	iflaQdisc        uint16 = 6
	iflaStats        uint16 = 7
	iflaMaster       uint16 = 10
	iflaTxQLen       uint16 = 13
	iflaOperState    uint16 = 16
	iflaLinkMode     uint16 = 17
	iflaLinkInfo     uint16 = 18
	iflaNetNSPID     uint16 = 19
	iflaIfAlias      uint16 = 20
	iflaStats64      uint16 = 23
	iflaAFSpec       uint16 = 26
	iflaGroup        uint16 = 27
	iflaNetNSFD      uint16 = 28
	iflaExtMask      uint16 = 29
	iflaPromiscuity  uint16 = 30
	iflaNumTxQueues  uint16 = 31
	iflaNumRxQueues  uint16 = 32
	iflaCarrier      uint16 = 33
	iflaCarrierChg   uint16 = 35
	iflaLinkNetNSID  uint16 = 37
	iflaMinMTU       uint16 = 50
	iflaMaxMTU       uint16 = 51
	iflaPermAddress  uint16 = 54
	iflaAllMulti     uint16 = 61
	iflaGSOMaxSegs   uint16 = 40
	iflaGSOMaxSize   uint16 = 41
	iflaGROMaxSize   uint16 = 58
	iflaTSOMaxSize   uint16 = 59
	iflaTSOMaxSegs   uint16 = 60
	iflaGSOIPv4Max   uint16 = 63
	iflaGROIPv4Max   uint16 = 64
	iflaInfoKind     uint16 = 1
	iflaInfoData     uint16 = 2
	iflaInfoXstats   uint16 = 3
	iflaInfoSlvKind  uint16 = 4
	iflaInfoSlvData  uint16 = 5
	ifinfomsgLen            = 16
	rtextFilterVF    uint32 = 1 << 0
	rtextSkipStats   uint32 = 1 << 3
	ifaUnspecFamily  uint8  = 0
	iflaMaxKnownType uint16 = 69
)

// ifinfomsg is struct ifinfomsg, the family header of link messages.
var ifinfomsg = sync.OnceValue(func() *codec.Struct {
	return codec.NewStruct("ifinfomsg", ifinfomsgLen,
		codec.Attr{Name: "family", Kind: codec.KindU8, Offset: 0},
		codec.Attr{Name: "type", Kind: codec.KindU16, Offset: 2},
		codec.Attr{Name: "index", Kind: codec.KindS32, Offset: 4},
		codec.Attr{Name: "flags", Kind: codec.KindU32, Offset: 8, Flags: flagBits()},
		codec.Attr{Name: "change", Kind: codec.KindU32, Offset: 12, Flags: flagBits()},
	)
})

func flagBits() map[uint64]string {
	m := make(map[uint64]string, len(flagNames)+1)
	for _, n := range flagNames {
		m[uint64(n.f)] = n.name
	}
	m[uint64(FlagRunning)] = "RUNNING"
	return m
}

func u64Field(name string, off int) codec.Attr {
	return codec.Attr{Name: name, Kind: codec.KindU64, Offset: off * 8}
}

// stats64Struct is struct rtnl_link_stats64 as far as nlsh reads it (the
// kernel may send more; a longer payload decodes raw in a trace).
var stats64Struct = sync.OnceValue(func() *codec.Struct {
	return codec.NewStruct("rtnl_link_stats64", 25*8,
		u64Field("rx_packets", 0), u64Field("tx_packets", 1), u64Field("rx_bytes", 2),
		u64Field("tx_bytes", 3), u64Field("rx_errors", 4), u64Field("tx_errors", 5),
		u64Field("rx_dropped", 6), u64Field("tx_dropped", 7), u64Field("multicast", 8),
		u64Field("collisions", 9), u64Field("rx_length_errors", 10), u64Field("rx_over_errors", 11),
		u64Field("rx_crc_errors", 12), u64Field("rx_frame_errors", 13), u64Field("rx_fifo_errors", 14),
		u64Field("rx_missed_errors", 15), u64Field("tx_aborted_errors", 16), u64Field("tx_carrier_errors", 17),
		u64Field("tx_fifo_errors", 18), u64Field("tx_heartbeat_errors", 19), u64Field("tx_window_errors", 20),
		u64Field("rx_compressed", 21), u64Field("tx_compressed", 22), u64Field("rx_nohandler", 23),
		u64Field("rx_otherhost_dropped", 24),
	)
})

// linkInfoSchema is IFLA_LINKINFO; IFLA_INFO_KIND selects the schema of
// IFLA_INFO_DATA from the kind table.
var linkInfoSchema = sync.OnceValue(func() *codec.Schema {
	return codec.NewSchema("linkinfo",
		codec.Attr{Name: "info_kind", Const: "IFLA_INFO_KIND", Type: iflaInfoKind, Kind: codec.KindString},
		codec.Attr{Name: "info_data", Const: "IFLA_INFO_DATA", Type: iflaInfoData, Kind: codec.KindNested,
			Select: &codec.Select{By: "info_kind", Lookup: kindSchema}},
		codec.Attr{Name: "info_xstats", Const: "IFLA_INFO_XSTATS", Type: iflaInfoXstats, Kind: codec.KindBinary},
		codec.Attr{Name: "info_slave_kind", Const: "IFLA_INFO_SLAVE_KIND", Type: iflaInfoSlvKind, Kind: codec.KindString},
		codec.Attr{Name: "info_slave_data", Const: "IFLA_INFO_SLAVE_DATA", Type: iflaInfoSlvData, Kind: codec.KindNested,
			Select: &codec.Select{By: "info_slave_kind", Lookup: slaveKindSchema}},
	)
})

// kindSchema is the info-data schema of link kind name, nil for a kind
// nlsh has no table for.
func kindSchema(name string) *codec.Schema {
	if k := kinds.get(name); k != nil {
		return k.schema()
	}
	return nil
}

// slaveKindSchema is the port-data schema of ports of master kind name,
// nil for a kind nlsh has no table for.
func slaveKindSchema(name string) *codec.Schema {
	if k := slaveKinds.get(name); k != nil {
		return k.schema()
	}
	return nil
}

// linkSchema is the attribute schema of RTM_NEWLINK / GETLINK / SETLINK /
// DELLINK. An attribute in this table is "known": it is not kept in
// Link.Unknown even when Link has no field for it.
var linkSchema = sync.OnceValue(func() *codec.Schema {
	return codec.NewSchema("link",
		codec.Attr{Name: "address", Const: "IFLA_ADDRESS", Type: iflaAddress, Kind: codec.KindHWAddr},
		codec.Attr{Name: "broadcast", Const: "IFLA_BROADCAST", Type: iflaBroadcast, Kind: codec.KindHWAddr},
		codec.Attr{Name: "ifname", Const: "IFLA_IFNAME", Type: iflaIfname, Kind: codec.KindString},
		codec.Attr{Name: "mtu", Const: "IFLA_MTU", Type: iflaMTU, Kind: codec.KindU32},
		codec.Attr{Name: "link", Const: "IFLA_LINK", Type: iflaLink, Kind: codec.KindU32},
		codec.Attr{Name: "qdisc", Const: "IFLA_QDISC", Type: iflaQdisc, Kind: codec.KindString},
		codec.Attr{Name: "stats", Const: "IFLA_STATS", Type: iflaStats, Kind: codec.KindBinary},
		codec.Attr{Name: "cost", Const: "IFLA_COST", Type: 8, Kind: codec.KindBinary},
		codec.Attr{Name: "priority", Const: "IFLA_PRIORITY", Type: 9, Kind: codec.KindBinary},
		codec.Attr{Name: "master", Const: "IFLA_MASTER", Type: iflaMaster, Kind: codec.KindU32},
		codec.Attr{Name: "wireless", Const: "IFLA_WIRELESS", Type: 11, Kind: codec.KindBinary},
		codec.Attr{Name: "protinfo", Const: "IFLA_PROTINFO", Type: 12, Kind: codec.KindBinary},
		codec.Attr{Name: "txqlen", Const: "IFLA_TXQLEN", Type: iflaTxQLen, Kind: codec.KindU32},
		codec.Attr{Name: "map", Const: "IFLA_MAP", Type: 14, Kind: codec.KindBinary},
		codec.Attr{Name: "weight", Const: "IFLA_WEIGHT", Type: 15, Kind: codec.KindU32},
		codec.Attr{Name: "operstate", Const: "IFLA_OPERSTATE", Type: iflaOperState, Kind: codec.KindU8,
			Enum: map[uint64]string{0: "UNKNOWN", 1: "NOTPRESENT", 2: "DOWN", 3: "LOWERLAYERDOWN", 4: "TESTING", 5: "DORMANT", 6: "UP"}},
		codec.Attr{Name: "linkmode", Const: "IFLA_LINKMODE", Type: iflaLinkMode, Kind: codec.KindU8},
		codec.Attr{Name: "linkinfo", Const: "IFLA_LINKINFO", Type: iflaLinkInfo, Kind: codec.KindNested, Nested: linkInfoSchema()},
		codec.Attr{Name: "net_ns_pid", Const: "IFLA_NET_NS_PID", Type: iflaNetNSPID, Kind: codec.KindU32},
		codec.Attr{Name: "ifalias", Const: "IFLA_IFALIAS", Type: iflaIfAlias, Kind: codec.KindString},
		codec.Attr{Name: "num_vf", Const: "IFLA_NUM_VF", Type: 21, Kind: codec.KindU32},
		codec.Attr{Name: "vfinfo_list", Const: "IFLA_VFINFO_LIST", Type: 22, Kind: codec.KindBinary},
		codec.Attr{Name: "stats64", Const: "IFLA_STATS64", Type: iflaStats64, Kind: codec.KindStruct, Struct: stats64Struct()},
		codec.Attr{Name: "vf_ports", Const: "IFLA_VF_PORTS", Type: 24, Kind: codec.KindBinary},
		codec.Attr{Name: "port_self", Const: "IFLA_PORT_SELF", Type: 25, Kind: codec.KindBinary},
		codec.Attr{Name: "af_spec", Const: "IFLA_AF_SPEC", Type: iflaAFSpec, Kind: codec.KindBinary},
		codec.Attr{Name: "group", Const: "IFLA_GROUP", Type: iflaGroup, Kind: codec.KindU32},
		codec.Attr{Name: "net_ns_fd", Const: "IFLA_NET_NS_FD", Type: iflaNetNSFD, Kind: codec.KindU32},
		codec.Attr{Name: "ext_mask", Const: "IFLA_EXT_MASK", Type: iflaExtMask, Kind: codec.KindU32},
		codec.Attr{Name: "promiscuity", Const: "IFLA_PROMISCUITY", Type: iflaPromiscuity, Kind: codec.KindU32},
		codec.Attr{Name: "num_tx_queues", Const: "IFLA_NUM_TX_QUEUES", Type: iflaNumTxQueues, Kind: codec.KindU32},
		codec.Attr{Name: "num_rx_queues", Const: "IFLA_NUM_RX_QUEUES", Type: iflaNumRxQueues, Kind: codec.KindU32},
		codec.Attr{Name: "carrier", Const: "IFLA_CARRIER", Type: iflaCarrier, Kind: codec.KindU8},
		codec.Attr{Name: "phys_port_id", Const: "IFLA_PHYS_PORT_ID", Type: 34, Kind: codec.KindBinary},
		codec.Attr{Name: "carrier_changes", Const: "IFLA_CARRIER_CHANGES", Type: iflaCarrierChg, Kind: codec.KindU32},
		codec.Attr{Name: "phys_switch_id", Const: "IFLA_PHYS_SWITCH_ID", Type: 36, Kind: codec.KindBinary},
		codec.Attr{Name: "link_netnsid", Const: "IFLA_LINK_NETNSID", Type: iflaLinkNetNSID, Kind: codec.KindS32},
		codec.Attr{Name: "phys_port_name", Const: "IFLA_PHYS_PORT_NAME", Type: 38, Kind: codec.KindString},
		codec.Attr{Name: "proto_down", Const: "IFLA_PROTO_DOWN", Type: 39, Kind: codec.KindU8},
		codec.Attr{Name: "gso_max_segs", Const: "IFLA_GSO_MAX_SEGS", Type: 40, Kind: codec.KindU32},
		codec.Attr{Name: "gso_max_size", Const: "IFLA_GSO_MAX_SIZE", Type: 41, Kind: codec.KindU32},
		codec.Attr{Name: "pad", Const: "IFLA_PAD", Type: 42, Kind: codec.KindBinary},
		codec.Attr{Name: "xdp", Const: "IFLA_XDP", Type: 43, Kind: codec.KindBinary},
		codec.Attr{Name: "event", Const: "IFLA_EVENT", Type: 44, Kind: codec.KindU32},
		codec.Attr{Name: "new_netnsid", Const: "IFLA_NEW_NETNSID", Type: 45, Kind: codec.KindS32},
		codec.Attr{Name: "target_netnsid", Const: "IFLA_TARGET_NETNSID", Type: 46, Kind: codec.KindS32},
		codec.Attr{Name: "carrier_up_count", Const: "IFLA_CARRIER_UP_COUNT", Type: 47, Kind: codec.KindU32},
		codec.Attr{Name: "carrier_down_count", Const: "IFLA_CARRIER_DOWN_COUNT", Type: 48, Kind: codec.KindU32},
		codec.Attr{Name: "new_ifindex", Const: "IFLA_NEW_IFINDEX", Type: 49, Kind: codec.KindS32},
		codec.Attr{Name: "min_mtu", Const: "IFLA_MIN_MTU", Type: iflaMinMTU, Kind: codec.KindU32},
		codec.Attr{Name: "max_mtu", Const: "IFLA_MAX_MTU", Type: iflaMaxMTU, Kind: codec.KindU32},
		codec.Attr{Name: "prop_list", Const: "IFLA_PROP_LIST", Type: 52, Kind: codec.KindBinary},
		codec.Attr{Name: "alt_ifname", Const: "IFLA_ALT_IFNAME", Type: 53, Kind: codec.KindString},
		codec.Attr{Name: "permaddr", Const: "IFLA_PERM_ADDRESS", Type: iflaPermAddress, Kind: codec.KindHWAddr},
		codec.Attr{Name: "proto_down_reason", Const: "IFLA_PROTO_DOWN_REASON", Type: 55, Kind: codec.KindBinary},
		codec.Attr{Name: "parentdev", Const: "IFLA_PARENT_DEV_NAME", Type: 56, Kind: codec.KindString},
		codec.Attr{Name: "parentdevbus", Const: "IFLA_PARENT_DEV_BUS_NAME", Type: 57, Kind: codec.KindString},
		codec.Attr{Name: "gro_max_size", Const: "IFLA_GRO_MAX_SIZE", Type: 58, Kind: codec.KindU32},
		codec.Attr{Name: "tso_max_size", Const: "IFLA_TSO_MAX_SIZE", Type: 59, Kind: codec.KindU32},
		codec.Attr{Name: "tso_max_segs", Const: "IFLA_TSO_MAX_SEGS", Type: 60, Kind: codec.KindU32},
		codec.Attr{Name: "allmulti", Const: "IFLA_ALLMULTI", Type: iflaAllMulti, Kind: codec.KindU32},
		codec.Attr{Name: "devlink_port", Const: "IFLA_DEVLINK_PORT", Type: 62, Kind: codec.KindBinary},
		codec.Attr{Name: "gso_ipv4_max_size", Const: "IFLA_GSO_IPV4_MAX_SIZE", Type: 63, Kind: codec.KindU32},
		codec.Attr{Name: "gro_ipv4_max_size", Const: "IFLA_GRO_IPV4_MAX_SIZE", Type: 64, Kind: codec.KindU32},
		codec.Attr{Name: "dpll_pin", Const: "IFLA_DPLL_PIN", Type: 65, Kind: codec.KindBinary},
		codec.Attr{Name: "max_pacing_offload_horizon", Const: "IFLA_MAX_PACING_OFFLOAD_HORIZON", Type: 66, Kind: codec.KindU32},
		codec.Attr{Name: "netns_immutable", Const: "IFLA_NETNS_IMMUTABLE", Type: 67, Kind: codec.KindU8},
		codec.Attr{Name: "headroom", Const: "IFLA_HEADROOM", Type: 68, Kind: codec.KindU16},
		codec.Attr{Name: "tailroom", Const: "IFLA_TAILROOM", Type: 69, Kind: codec.KindU16},
	)
})

// linkMessageSchemas describes the four link message types.
func linkMessageSchemas() []*codec.MessageSchema {
	return []*codec.MessageSchema{
		{Name: "RTM_NEWLINK", Type: rtmNewLink, Verb: codec.VerbNew, Header: ifinfomsg(), Attrs: linkSchema()},
		{Name: "RTM_DELLINK", Type: rtmDelLink, Verb: codec.VerbDel, Header: ifinfomsg(), Attrs: linkSchema()},
		{Name: "RTM_GETLINK", Type: rtmGetLink, Verb: codec.VerbGet, Header: ifinfomsg(), Attrs: linkSchema()},
		{Name: "RTM_SETLINK", Type: rtmSetLink, Verb: codec.VerbOther, Header: ifinfomsg(), Attrs: linkSchema()},
	}
}
