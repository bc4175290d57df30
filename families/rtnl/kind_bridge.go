package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// vlanProtocols names the 802.1Q tag protocols as ip prints them.
func vlanProtocols() map[uint64]string { return map[uint64]string{0x8100: "802.1Q", 0x88a8: "802.1ad"} }

// bridge: IFLA_BR_* (include/uapi/linux/if_link.h). Times are in
// hundredths of a second (USER_HZ), as ip prints and takes them.
var bridgeKind = sync.OnceValue(func() *linkKind {
	return newKind("bridge", 0,
		kindOption{Name: "forward_delay", Const: "IFLA_BR_FORWARD_DELAY", Type: 1, Kind: codec.KindU32},
		kindOption{Name: "hello_time", Const: "IFLA_BR_HELLO_TIME", Type: 2, Kind: codec.KindU32},
		kindOption{Name: "max_age", Const: "IFLA_BR_MAX_AGE", Type: 3, Kind: codec.KindU32},
		kindOption{Name: "ageing_time", Const: "IFLA_BR_AGEING_TIME", Type: 4, Kind: codec.KindU32},
		kindOption{Name: "stp_state", Const: "IFLA_BR_STP_STATE", Type: 5, Kind: codec.KindU32, Max: 1},
		kindOption{Name: "priority", Const: "IFLA_BR_PRIORITY", Type: 6, Kind: codec.KindU16},
		kindOption{Name: "vlan_filtering", Const: "IFLA_BR_VLAN_FILTERING", Type: 7, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "vlan_protocol", Const: "IFLA_BR_VLAN_PROTOCOL", Type: 8, Kind: codec.KindBe16, Enum: vlanProtocols()},
		kindOption{Name: "group_fwd_mask", Const: "IFLA_BR_GROUP_FWD_MASK", Type: 9, Kind: codec.KindU16, Format: fmtHex},
		kindOption{Name: "root_id", Const: "IFLA_BR_ROOT_ID", Type: 10, Kind: codec.KindBinary, ReadOnly: true, Format: fmtBridgeID},
		kindOption{Name: "bridge_id", Const: "IFLA_BR_BRIDGE_ID", Type: 11, Kind: codec.KindBinary, ReadOnly: true, Format: fmtBridgeID},
		kindOption{Name: "root_port", Const: "IFLA_BR_ROOT_PORT", Type: 12, Kind: codec.KindU16, ReadOnly: true},
		kindOption{Name: "root_path_cost", Const: "IFLA_BR_ROOT_PATH_COST", Type: 13, Kind: codec.KindU32, ReadOnly: true},
		kindOption{Name: "topology_change", Const: "IFLA_BR_TOPOLOGY_CHANGE", Type: 14, Kind: codec.KindU8, ReadOnly: true},
		kindOption{Name: "topology_change_detected", Const: "IFLA_BR_TOPOLOGY_CHANGE_DETECTED", Type: 15, Kind: codec.KindU8, ReadOnly: true},
		kindOption{Name: "hello_timer", Const: "IFLA_BR_HELLO_TIMER", Type: 16, Kind: codec.KindU64, ReadOnly: true},
		kindOption{Name: "tcn_timer", Const: "IFLA_BR_TCN_TIMER", Type: 17, Kind: codec.KindU64, ReadOnly: true},
		kindOption{Name: "topology_change_timer", Const: "IFLA_BR_TOPOLOGY_CHANGE_TIMER", Type: 18, Kind: codec.KindU64, ReadOnly: true},
		kindOption{Name: "gc_timer", Const: "IFLA_BR_GC_TIMER", Type: 19, Kind: codec.KindU64, ReadOnly: true},
		kindOption{Name: "group_addr", Const: "IFLA_BR_GROUP_ADDR", Type: 20, Kind: codec.KindHWAddr},
		kindOption{Name: "mcast_router", Const: "IFLA_BR_MCAST_ROUTER", Type: 22, Kind: codec.KindU8},
		kindOption{Name: "mcast_snooping", Const: "IFLA_BR_MCAST_SNOOPING", Type: 23, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "mcast_query_use_ifaddr", Const: "IFLA_BR_MCAST_QUERY_USE_IFADDR", Type: 24, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "mcast_querier", Const: "IFLA_BR_MCAST_QUERIER", Type: 25, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "mcast_hash_elasticity", Const: "IFLA_BR_MCAST_HASH_ELASTICITY", Type: 26, Kind: codec.KindU32},
		kindOption{Name: "mcast_hash_max", Const: "IFLA_BR_MCAST_HASH_MAX", Type: 27, Kind: codec.KindU32},
		kindOption{Name: "mcast_last_member_cnt", Const: "IFLA_BR_MCAST_LAST_MEMBER_CNT", Type: 28, Kind: codec.KindU32},
		kindOption{Name: "mcast_startup_query_cnt", Const: "IFLA_BR_MCAST_STARTUP_QUERY_CNT", Type: 29, Kind: codec.KindU32},
		kindOption{Name: "mcast_last_member_intvl", Const: "IFLA_BR_MCAST_LAST_MEMBER_INTVL", Type: 30, Kind: codec.KindU64},
		kindOption{Name: "mcast_membership_intvl", Const: "IFLA_BR_MCAST_MEMBERSHIP_INTVL", Type: 31, Kind: codec.KindU64},
		kindOption{Name: "mcast_querier_intvl", Const: "IFLA_BR_MCAST_QUERIER_INTVL", Type: 32, Kind: codec.KindU64},
		kindOption{Name: "mcast_query_intvl", Const: "IFLA_BR_MCAST_QUERY_INTVL", Type: 33, Kind: codec.KindU64},
		kindOption{Name: "mcast_query_response_intvl", Const: "IFLA_BR_MCAST_QUERY_RESPONSE_INTVL", Type: 34, Kind: codec.KindU64},
		kindOption{Name: "mcast_startup_query_intvl", Const: "IFLA_BR_MCAST_STARTUP_QUERY_INTVL", Type: 35, Kind: codec.KindU64},
		kindOption{Name: "nf_call_iptables", Const: "IFLA_BR_NF_CALL_IPTABLES", Type: 36, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "nf_call_ip6tables", Const: "IFLA_BR_NF_CALL_IP6TABLES", Type: 37, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "nf_call_arptables", Const: "IFLA_BR_NF_CALL_ARPTABLES", Type: 38, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "vlan_default_pvid", Const: "IFLA_BR_VLAN_DEFAULT_PVID", Type: 39, Kind: codec.KindU16, Max: 4094},
		kindOption{Name: "vlan_stats_enabled", Const: "IFLA_BR_VLAN_STATS_ENABLED", Type: 41, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "mcast_stats_enabled", Const: "IFLA_BR_MCAST_STATS_ENABLED", Type: 42, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "mcast_igmp_version", Const: "IFLA_BR_MCAST_IGMP_VERSION", Type: 43, Kind: codec.KindU8, Min: 2, Max: 3},
		kindOption{Name: "mcast_mld_version", Const: "IFLA_BR_MCAST_MLD_VERSION", Type: 44, Kind: codec.KindU8, Min: 1, Max: 2},
		kindOption{Name: "vlan_stats_per_port", Const: "IFLA_BR_VLAN_STATS_PER_PORT", Type: 45, Kind: codec.KindU8, Max: 1},
		// struct br_boolopt_multi, listed (and set) as ip does: by its
		// bits, enum br_boolopt_id.
		kindOption{Name: "multi_boolopt", Const: "IFLA_BR_MULTI_BOOLOPT", Type: 46, Kind: codec.KindStruct, Struct: brBooloptMulti(), Format: fmtOmit},
		kindOption{Name: "no_linklocal_learn", BitOf: "multi_boolopt", Bit: 0},
		kindOption{Name: "mcast_vlan_snooping", BitOf: "multi_boolopt", Bit: 1},
		kindOption{Name: "mst_enabled", BitOf: "multi_boolopt", Bit: 2},
		kindOption{Name: "mdb_offload_fail_notification", BitOf: "multi_boolopt", Bit: 3},
		kindOption{Name: "fdb_local_vlan_0", BitOf: "multi_boolopt", Bit: 4},
		kindOption{Name: "fdb_n_learned", Const: "IFLA_BR_FDB_N_LEARNED", Type: 48, Kind: codec.KindU32, ReadOnly: true},
		kindOption{Name: "fdb_max_learned", Const: "IFLA_BR_FDB_MAX_LEARNED", Type: 49, Kind: codec.KindU32},
	)
})

// brBooloptMulti is struct br_boolopt_multi: the values of the bits in
// optval, the bits that count in optmask. (Built with the kind's rows,
// not at start-up.)
func brBooloptMulti() *codec.Struct {
	return codec.NewStruct("br_boolopt_multi", 8,
		codec.Attr{Name: "optval", Kind: codec.KindU32, Offset: 0},
		codec.Attr{Name: "optmask", Kind: codec.KindU32, Offset: 4})
}
