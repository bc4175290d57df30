package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// bond port: IFLA_BOND_SLAVE_* (include/uapi/linux/if_link.h), the
// options of a link whose master is a bond (ip link set DEV type
// bond_slave). Only queue_id and prio can be set.
var bondSlaveKind = sync.OnceValue(func() *linkKind {
	return newSlaveKind("bond",
		kindOption{Name: "state", Const: "IFLA_BOND_SLAVE_STATE", Type: 1, Kind: codec.KindU8, ReadOnly: true,
			Enum: map[uint64]string{0: "ACTIVE", 1: "BACKUP"}},
		kindOption{Name: "mii_status", Const: "IFLA_BOND_SLAVE_MII_STATUS", Type: 2, Kind: codec.KindU8, ReadOnly: true,
			Enum: map[uint64]string{0: "UP", 1: "GOING_DOWN", 2: "DOWN", 3: "GOING_BACK"}},
		kindOption{Name: "link_failure_count", Const: "IFLA_BOND_SLAVE_LINK_FAILURE_COUNT", Type: 3, Kind: codec.KindU32, ReadOnly: true},
		kindOption{Name: "perm_hwaddr", Const: "IFLA_BOND_SLAVE_PERM_HWADDR", Type: 4, Kind: codec.KindHWAddr, ReadOnly: true, Format: fmtHWAddr},
		kindOption{Name: "queue_id", Const: "IFLA_BOND_SLAVE_QUEUE_ID", Type: 5, Kind: codec.KindU16},
		kindOption{Name: "ad_aggregator_id", Const: "IFLA_BOND_SLAVE_AD_AGGREGATOR_ID", Type: 6, Kind: codec.KindU16, ReadOnly: true},
		kindOption{Name: "ad_actor_oper_port_state", Const: "IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE", Type: 7, Kind: codec.KindU8, ReadOnly: true},
		kindOption{Name: "ad_partner_oper_port_state", Const: "IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE", Type: 8, Kind: codec.KindU16, ReadOnly: true},
		kindOption{Name: "prio", Const: "IFLA_BOND_SLAVE_PRIO", Type: 9, Kind: codec.KindS32},
	)
})
