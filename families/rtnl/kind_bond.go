package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// bond: IFLA_BOND_*. Ports are enslaved by setting their master.
var bondKind = sync.OnceValue(func() *linkKind {
	return newKind("bond", 0,
		kindOption{Name: "mode", Const: "IFLA_BOND_MODE", Type: 1, Kind: codec.KindU8, Enum: map[uint64]string{
			0: "balance-rr", 1: "active-backup", 2: "balance-xor", 3: "broadcast",
			4: "802.3ad", 5: "balance-tlb", 6: "balance-alb"}},
		kindOption{Name: "active_slave", Const: "IFLA_BOND_ACTIVE_SLAVE", Type: 2, Kind: codec.KindU32, Dev: true},
		kindOption{Name: "miimon", Const: "IFLA_BOND_MIIMON", Type: 3, Kind: codec.KindU32},
		kindOption{Name: "updelay", Const: "IFLA_BOND_UPDELAY", Type: 4, Kind: codec.KindU32},
		kindOption{Name: "downdelay", Const: "IFLA_BOND_DOWNDELAY", Type: 5, Kind: codec.KindU32},
		kindOption{Name: "use_carrier", Const: "IFLA_BOND_USE_CARRIER", Type: 6, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "arp_interval", Const: "IFLA_BOND_ARP_INTERVAL", Type: 7, Kind: codec.KindU32},
		kindOption{Name: "arp_validate", Const: "IFLA_BOND_ARP_VALIDATE", Type: 9, Kind: codec.KindU32, Enum: map[uint64]string{
			0: "none", 1: "active", 2: "backup", 3: "all", 4: "filter", 5: "filter_active", 6: "filter_backup"}},
		kindOption{Name: "arp_all_targets", Const: "IFLA_BOND_ARP_ALL_TARGETS", Type: 10, Kind: codec.KindU32, Enum: map[uint64]string{0: "any", 1: "all"}},
		kindOption{Name: "primary", Const: "IFLA_BOND_PRIMARY", Type: 11, Kind: codec.KindU32, Dev: true},
		kindOption{Name: "primary_reselect", Const: "IFLA_BOND_PRIMARY_RESELECT", Type: 12, Kind: codec.KindU8, Enum: map[uint64]string{0: "always", 1: "better", 2: "failure"}},
		kindOption{Name: "fail_over_mac", Const: "IFLA_BOND_FAIL_OVER_MAC", Type: 13, Kind: codec.KindU8, Enum: map[uint64]string{0: "none", 1: "active", 2: "follow"}},
		kindOption{Name: "xmit_hash_policy", Const: "IFLA_BOND_XMIT_HASH_POLICY", Type: 14, Kind: codec.KindU8, Enum: map[uint64]string{
			0: "layer2", 1: "layer3+4", 2: "layer2+3", 3: "encap2+3", 4: "encap3+4", 5: "vlan+srcmac"}},
		kindOption{Name: "resend_igmp", Const: "IFLA_BOND_RESEND_IGMP", Type: 15, Kind: codec.KindU32},
		kindOption{Name: "num_peer_notif", Const: "IFLA_BOND_NUM_PEER_NOTIF", Type: 16, Kind: codec.KindU8},
		kindOption{Name: "all_slaves_active", Const: "IFLA_BOND_ALL_SLAVES_ACTIVE", Type: 17, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "min_links", Const: "IFLA_BOND_MIN_LINKS", Type: 18, Kind: codec.KindU32},
		kindOption{Name: "lp_interval", Const: "IFLA_BOND_LP_INTERVAL", Type: 19, Kind: codec.KindU32},
		kindOption{Name: "packets_per_slave", Const: "IFLA_BOND_PACKETS_PER_SLAVE", Type: 20, Kind: codec.KindU32},
		kindOption{Name: "ad_lacp_rate", Const: "IFLA_BOND_AD_LACP_RATE", Type: 21, Kind: codec.KindU8, Enum: map[uint64]string{0: "slow", 1: "fast"}},
		kindOption{Name: "ad_select", Const: "IFLA_BOND_AD_SELECT", Type: 22, Kind: codec.KindU8, Enum: map[uint64]string{0: "stable", 1: "bandwidth", 2: "count"}},
		kindOption{Name: "ad_actor_sys_prio", Const: "IFLA_BOND_AD_ACTOR_SYS_PRIO", Type: 24, Kind: codec.KindU16},
		kindOption{Name: "ad_user_port_key", Const: "IFLA_BOND_AD_USER_PORT_KEY", Type: 25, Kind: codec.KindU16},
		kindOption{Name: "ad_actor_system", Const: "IFLA_BOND_AD_ACTOR_SYSTEM", Type: 26, Kind: codec.KindHWAddr},
		kindOption{Name: "tlb_dynamic_lb", Const: "IFLA_BOND_TLB_DYNAMIC_LB", Type: 27, Kind: codec.KindU8, Max: 1},
		kindOption{Name: "peer_notify_delay", Const: "IFLA_BOND_PEER_NOTIF_DELAY", Type: 28, Kind: codec.KindU32},
		kindOption{Name: "ad_lacp_active", Const: "IFLA_BOND_AD_LACP_ACTIVE", Type: 29, Kind: codec.KindU8, Enum: map[uint64]string{0: "off", 1: "on"}},
		kindOption{Name: "arp_missed_max", Const: "IFLA_BOND_MISSED_MAX", Type: 30, Kind: codec.KindU8},
		kindOption{Name: "coupled_control", Const: "IFLA_BOND_COUPLED_CONTROL", Type: 32, Kind: codec.KindU8, Bool: true},
	)
})
