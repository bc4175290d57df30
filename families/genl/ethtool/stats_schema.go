package ethtool

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// Statistics as schema data, for raw requests, events and traces. A
// counter's attribute type is its index in the group's string set, so the
// STAT nest has no fixed rows (counters decode as attr_N).
var (
	statsHistSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-stats-hist",
			codec.Attr{Name: "low", Const: "ETHTOOL_A_STATS_GRP_HIST_BKT_LOW", Type: statsGrpHistLow, Kind: codec.KindU32},
			codec.Attr{Name: "high", Const: "ETHTOOL_A_STATS_GRP_HIST_BKT_HI", Type: statsGrpHistHi, Kind: codec.KindU32},
			codec.Attr{Name: "value", Const: "ETHTOOL_A_STATS_GRP_HIST_VAL", Type: statsGrpHistVal, Kind: codec.KindU64},
		)
	})
	statsGrpSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-stats-grp",
			codec.Attr{Name: "id", Const: "ETHTOOL_A_STATS_GRP_ID", Type: statsGrpID, Kind: codec.KindU32,
				Enum: map[uint64]string{0: "eth-phy", 1: "eth-mac", 2: "eth-ctrl", 3: "rmon"}},
			codec.Attr{Name: "ss_id", Const: "ETHTOOL_A_STATS_GRP_SS_ID", Type: statsGrpSSID, Kind: codec.KindU32},
			codec.Attr{Name: "stat", Const: "ETHTOOL_A_STATS_GRP_STAT", Type: statsGrpStat, Kind: codec.KindNested, Nested: codec.NewSchema("ethtool-stats-stat"), Multi: true},
			codec.Attr{Name: "hist_rx", Const: "ETHTOOL_A_STATS_GRP_HIST_RX", Type: statsGrpHistRx, Kind: codec.KindNested, Nested: statsHistSchema(), Multi: true},
			codec.Attr{Name: "hist_tx", Const: "ETHTOOL_A_STATS_GRP_HIST_TX", Type: statsGrpHistTx, Kind: codec.KindNested, Nested: statsHistSchema(), Multi: true},
		)
	})
	statsSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-stats",
			header("STATS_HEADER", statsHeader),
			codec.Attr{Name: "groups", Const: "ETHTOOL_A_STATS_GROUPS", Type: statsGroups, Kind: codec.KindNested, Nested: bitsetSchema()},
			codec.Attr{Name: "grp", Const: "ETHTOOL_A_STATS_GRP", Type: statsGrp, Kind: codec.KindNested, Nested: statsGrpSchema(), Multi: true},
		)
	})
)
