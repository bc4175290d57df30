package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// bridgePortStates are the STP port states (BR_STATE_*) as ip prints them.
func bridgePortStates() map[uint64]string {
	return map[uint64]string{0: "disabled", 1: "listening", 2: "learning", 3: "forwarding", 4: "blocking"}
}

// bridge port: IFLA_BRPORT_* (include/uapi/linux/if_link.h), the options
// of a link whose master is a bridge (ip link set DEV type bridge_slave).
// Timers are in hundredths of a second and print in seconds, as ip does.
var bridgeSlaveKind = sync.OnceValue(func() *linkKind {
	return newSlaveKind("bridge",
		kindOption{Name: "state", Const: "IFLA_BRPORT_STATE", Type: 1, Kind: codec.KindU8, Enum: bridgePortStates()},
		kindOption{Name: "priority", Const: "IFLA_BRPORT_PRIORITY", Type: 2, Kind: codec.KindU16, Max: 63},
		kindOption{Name: "cost", Const: "IFLA_BRPORT_COST", Type: 3, Kind: codec.KindU32, Min: 1, Max: 65535},
		kindOption{Name: "hairpin", Const: "IFLA_BRPORT_MODE", Type: 4, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "guard", Const: "IFLA_BRPORT_GUARD", Type: 5, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "root_block", Const: "IFLA_BRPORT_PROTECT", Type: 6, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "fastleave", Const: "IFLA_BRPORT_FAST_LEAVE", Type: 7, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "learning", Const: "IFLA_BRPORT_LEARNING", Type: 8, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "flood", Const: "IFLA_BRPORT_UNICAST_FLOOD", Type: 9, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "proxy_arp", Const: "IFLA_BRPORT_PROXYARP", Type: 10, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "learning_sync", Const: "IFLA_BRPORT_LEARNING_SYNC", Type: 11, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "proxy_arp_wifi", Const: "IFLA_BRPORT_PROXYARP_WIFI", Type: 12, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "root_id", Const: "IFLA_BRPORT_ROOT_ID", Type: 13, Kind: codec.KindBinary, ReadOnly: true, Format: fmtBridgeID},
		kindOption{Name: "bridge_id", Const: "IFLA_BRPORT_BRIDGE_ID", Type: 14, Kind: codec.KindBinary, ReadOnly: true, Format: fmtBridgeID},
		kindOption{Name: "designated_port", Const: "IFLA_BRPORT_DESIGNATED_PORT", Type: 15, Kind: codec.KindU16, ReadOnly: true},
		kindOption{Name: "designated_cost", Const: "IFLA_BRPORT_DESIGNATED_COST", Type: 16, Kind: codec.KindU16, ReadOnly: true},
		kindOption{Name: "id", Const: "IFLA_BRPORT_ID", Type: 17, Kind: codec.KindU16, ReadOnly: true, Format: fmtHex},
		kindOption{Name: "no", Const: "IFLA_BRPORT_NO", Type: 18, Kind: codec.KindU16, ReadOnly: true, Format: fmtHex},
		kindOption{Name: "topology_change_ack", Const: "IFLA_BRPORT_TOPOLOGY_CHANGE_ACK", Type: 19, Kind: codec.KindU8, ReadOnly: true},
		kindOption{Name: "config_pending", Const: "IFLA_BRPORT_CONFIG_PENDING", Type: 20, Kind: codec.KindU8, ReadOnly: true},
		kindOption{Name: "message_age_timer", Const: "IFLA_BRPORT_MESSAGE_AGE_TIMER", Type: 21, Kind: codec.KindU64, ReadOnly: true, Format: fmtCenti},
		kindOption{Name: "forward_delay_timer", Const: "IFLA_BRPORT_FORWARD_DELAY_TIMER", Type: 22, Kind: codec.KindU64, ReadOnly: true, Format: fmtCenti},
		kindOption{Name: "hold_timer", Const: "IFLA_BRPORT_HOLD_TIMER", Type: 23, Kind: codec.KindU64, ReadOnly: true, Format: fmtCenti},
		kindOption{Name: "flush", Const: "IFLA_BRPORT_FLUSH", Type: 24, Kind: codec.KindFlag},
		kindOption{Name: "multicast_router", Const: "IFLA_BRPORT_MULTICAST_ROUTER", Type: 25, Kind: codec.KindU8, Max: 3},
		kindOption{Name: "pad", Const: "IFLA_BRPORT_PAD", Type: 26, Kind: codec.KindBinary, ReadOnly: true, Format: fmtOmit},
		kindOption{Name: "mcast_flood", Const: "IFLA_BRPORT_MCAST_FLOOD", Type: 27, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "mcast_to_unicast", Const: "IFLA_BRPORT_MCAST_TO_UCAST", Type: 28, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "vlan_tunnel", Const: "IFLA_BRPORT_VLAN_TUNNEL", Type: 29, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "bcast_flood", Const: "IFLA_BRPORT_BCAST_FLOOD", Type: 30, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "group_fwd_mask", Const: "IFLA_BRPORT_GROUP_FWD_MASK", Type: 31, Kind: codec.KindU16, Format: fmtHex},
		kindOption{Name: "neigh_suppress", Const: "IFLA_BRPORT_NEIGH_SUPPRESS", Type: 32, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "isolated", Const: "IFLA_BRPORT_ISOLATED", Type: 33, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "backup_port", Const: "IFLA_BRPORT_BACKUP_PORT", Type: 34, Kind: codec.KindU32, Dev: true},
		kindOption{Name: "mrp_ring_open", Const: "IFLA_BRPORT_MRP_RING_OPEN", Type: 35, Kind: codec.KindU8, Bool: true, ReadOnly: true},
		kindOption{Name: "mrp_in_open", Const: "IFLA_BRPORT_MRP_IN_OPEN", Type: 36, Kind: codec.KindU8, Bool: true, ReadOnly: true},
		kindOption{Name: "mcast_eht_hosts_limit", Const: "IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT", Type: 37, Kind: codec.KindU32},
		kindOption{Name: "mcast_eht_hosts_cnt", Const: "IFLA_BRPORT_MCAST_EHT_HOSTS_CNT", Type: 38, Kind: codec.KindU32, ReadOnly: true},
		kindOption{Name: "locked", Const: "IFLA_BRPORT_LOCKED", Type: 39, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "mab", Const: "IFLA_BRPORT_MAB", Type: 40, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "mcast_n_groups", Const: "IFLA_BRPORT_MCAST_N_GROUPS", Type: 41, Kind: codec.KindU32, ReadOnly: true},
		kindOption{Name: "mcast_max_groups", Const: "IFLA_BRPORT_MCAST_MAX_GROUPS", Type: 42, Kind: codec.KindU32},
		kindOption{Name: "neigh_vlan_suppress", Const: "IFLA_BRPORT_NEIGH_VLAN_SUPPRESS", Type: 43, Kind: codec.KindU8, Bool: true, Max: 1},
		kindOption{Name: "backup_nhid", Const: "IFLA_BRPORT_BACKUP_NHID", Type: 44, Kind: codec.KindU32},
	)
})
