package ethtool

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

func u8(name, cnst string, typ uint16) codec.Attr {
	return codec.Attr{Name: name, Const: "ETHTOOL_A_" + cnst, Type: typ, Kind: codec.KindU8}
}

func u32(name, cnst string, typ uint16) codec.Attr {
	return codec.Attr{Name: name, Const: "ETHTOOL_A_" + cnst, Type: typ, Kind: codec.KindU32}
}

func header(cnst string, typ uint16) codec.Attr {
	return codec.Attr{Name: "header", Const: "ETHTOOL_A_" + cnst, Type: typ, Kind: codec.KindNested, Nested: headerSchema()}
}

var (
	headerSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-header",
			codec.Attr{Name: "dev_index", Const: "ETHTOOL_A_HEADER_DEV_INDEX", Type: headerDevIndex, Kind: codec.KindU32},
			codec.Attr{Name: "dev_name", Const: "ETHTOOL_A_HEADER_DEV_NAME", Type: headerDevName, Kind: codec.KindString},
			codec.Attr{Name: "flags", Const: "ETHTOOL_A_HEADER_FLAGS", Type: headerFlags, Kind: codec.KindU32,
				Flags: map[uint64]string{FlagCompactBitsets: "compact_bitsets", FlagOmitReply: "omit_reply", FlagStats: "stats"}},
		)
	})
	bitSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-bitset-bit",
			codec.Attr{Name: "index", Const: "ETHTOOL_A_BITSET_BIT_INDEX", Type: bitIndex, Kind: codec.KindU32},
			codec.Attr{Name: "name", Const: "ETHTOOL_A_BITSET_BIT_NAME", Type: bitName, Kind: codec.KindString},
			codec.Attr{Name: "value", Const: "ETHTOOL_A_BITSET_BIT_VALUE", Type: bitValue, Kind: codec.KindFlag},
		)
	})
	bitsetSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-bitset",
			codec.Attr{Name: "nomask", Const: "ETHTOOL_A_BITSET_NOMASK", Type: bitsetNoMask, Kind: codec.KindFlag},
			codec.Attr{Name: "size", Const: "ETHTOOL_A_BITSET_SIZE", Type: bitsetSize, Kind: codec.KindU32},
			codec.Attr{Name: "bits", Const: "ETHTOOL_A_BITSET_BITS", Type: bitsetBits, Kind: codec.KindNestedArray, Nested: bitSchema(), EntryType: bitsetBitsBit},
			codec.Attr{Name: "value", Const: "ETHTOOL_A_BITSET_VALUE", Type: bitsetValue, Kind: codec.KindBinary},
			codec.Attr{Name: "mask", Const: "ETHTOOL_A_BITSET_MASK", Type: bitsetMask, Kind: codec.KindBinary},
		)
	})
	portNames = sync.OnceValue(func() map[uint64]string {
		return map[uint64]string{0: "tp", 1: "aui", 2: "bnc", 3: "mii", 4: "fibre", 5: "da", 0xef: "none", 0xff: "other"}
	})

	linkinfoSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-linkinfo",
			header("LINKINFO_HEADER", 1),
			codec.Attr{Name: "port", Const: "ETHTOOL_A_LINKINFO_PORT", Type: 2, Kind: codec.KindU8, Enum: portNames()},
			u8("phyaddr", "LINKINFO_PHYADDR", 3),
			u8("tp_mdix", "LINKINFO_TP_MDIX", 4),
			u8("tp_mdix_ctrl", "LINKINFO_TP_MDIX_CTRL", 5),
			u8("transceiver", "LINKINFO_TRANSCEIVER", 6),
		)
	})
	linkstateSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-linkstate",
			header("LINKSTATE_HEADER", 1),
			u8("link", "LINKSTATE_LINK", 2),
			u32("sqi", "LINKSTATE_SQI", 3),
			u32("sqi_max", "LINKSTATE_SQI_MAX", 4),
			u8("ext_state", "LINKSTATE_EXT_STATE", 5),
			u8("ext_substate", "LINKSTATE_EXT_SUBSTATE", 6),
			u32("ext_down_cnt", "LINKSTATE_EXT_DOWN_CNT", 7),
		)
	})
	linkmodesSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-linkmodes",
			header("LINKMODES_HEADER", 1),
			u8("autoneg", "LINKMODES_AUTONEG", 2),
			codec.Attr{Name: "ours", Const: "ETHTOOL_A_LINKMODES_OURS", Type: linkmodesOurs, Kind: codec.KindNested, Nested: bitsetSchema()},
			codec.Attr{Name: "peer", Const: "ETHTOOL_A_LINKMODES_PEER", Type: linkmodesPeer, Kind: codec.KindNested, Nested: bitsetSchema()},
			u32("speed", "LINKMODES_SPEED", 5),
			codec.Attr{Name: "duplex", Const: "ETHTOOL_A_LINKMODES_DUPLEX", Type: 6, Kind: codec.KindU8, Enum: map[uint64]string{0: "half", 1: "full", 0xff: "unknown"}},
			u8("master_slave_cfg", "LINKMODES_MASTER_SLAVE_CFG", 7),
			u8("master_slave_state", "LINKMODES_MASTER_SLAVE_STATE", 8),
			u32("lanes", "LINKMODES_LANES", 9),
			u8("rate_matching", "LINKMODES_RATE_MATCHING", 10),
		)
	})
	featuresSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-features",
			header("FEATURES_HEADER", featuresHeader),
			codec.Attr{Name: "hw", Const: "ETHTOOL_A_FEATURES_HW", Type: featuresHW, Kind: codec.KindNested, Nested: bitsetSchema()},
			codec.Attr{Name: "wanted", Const: "ETHTOOL_A_FEATURES_WANTED", Type: featuresWanted, Kind: codec.KindNested, Nested: bitsetSchema()},
			codec.Attr{Name: "active", Const: "ETHTOOL_A_FEATURES_ACTIVE", Type: featuresActive, Kind: codec.KindNested, Nested: bitsetSchema()},
			codec.Attr{Name: "nochange", Const: "ETHTOOL_A_FEATURES_NOCHANGE", Type: featuresNoChange, Kind: codec.KindNested, Nested: bitsetSchema()},
		)
	})
	ringsSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-rings",
			header("RINGS_HEADER", 1),
			u32("rx_max", "RINGS_RX_MAX", 2), u32("rx_mini_max", "RINGS_RX_MINI_MAX", 3),
			u32("rx_jumbo_max", "RINGS_RX_JUMBO_MAX", 4), u32("tx_max", "RINGS_TX_MAX", 5),
			u32("rx", "RINGS_RX", 6), u32("rx_mini", "RINGS_RX_MINI", 7),
			u32("rx_jumbo", "RINGS_RX_JUMBO", 8), u32("tx", "RINGS_TX", 9),
			u32("rx_buf_len", "RINGS_RX_BUF_LEN", 10), u8("tcp_data_split", "RINGS_TCP_DATA_SPLIT", 11),
			u32("cqe_size", "RINGS_CQE_SIZE", 12), u8("tx_push", "RINGS_TX_PUSH", 13),
		)
	})
	channelsSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-channels",
			header("CHANNELS_HEADER", 1),
			u32("rx_max", "CHANNELS_RX_MAX", 2), u32("tx_max", "CHANNELS_TX_MAX", 3),
			u32("other_max", "CHANNELS_OTHER_MAX", 4), u32("combined_max", "CHANNELS_COMBINED_MAX", 5),
			u32("rx_count", "CHANNELS_RX_COUNT", 6), u32("tx_count", "CHANNELS_TX_COUNT", 7),
			u32("other_count", "CHANNELS_OTHER_COUNT", 8), u32("combined_count", "CHANNELS_COMBINED_COUNT", 9),
		)
	})
	coalesceSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-coalesce",
			header("COALESCE_HEADER", 1),
			u32("rx_usecs", "COALESCE_RX_USECS", 2), u32("rx_max_frames", "COALESCE_RX_MAX_FRAMES", 3),
			u32("rx_usecs_irq", "COALESCE_RX_USECS_IRQ", 4), u32("rx_max_frames_irq", "COALESCE_RX_MAX_FRAMES_IRQ", 5),
			u32("tx_usecs", "COALESCE_TX_USECS", 6), u32("tx_max_frames", "COALESCE_TX_MAX_FRAMES", 7),
			u32("tx_usecs_irq", "COALESCE_TX_USECS_IRQ", 8), u32("tx_max_frames_irq", "COALESCE_TX_MAX_FRAMES_IRQ", 9),
			u32("stats_block_usecs", "COALESCE_STATS_BLOCK_USECS", 10),
			u8("use_adaptive_rx", "COALESCE_USE_ADAPTIVE_RX", 11), u8("use_adaptive_tx", "COALESCE_USE_ADAPTIVE_TX", 12),
			u32("pkt_rate_low", "COALESCE_PKT_RATE_LOW", 13), u32("rx_usecs_low", "COALESCE_RX_USECS_LOW", 14),
			u32("rx_max_frames_low", "COALESCE_RX_MAX_FRAMES_LOW", 15), u32("tx_usecs_low", "COALESCE_TX_USECS_LOW", 16),
			u32("tx_max_frames_low", "COALESCE_TX_MAX_FRAMES_LOW", 17), u32("pkt_rate_high", "COALESCE_PKT_RATE_HIGH", 18),
			u32("rx_usecs_high", "COALESCE_RX_USECS_HIGH", 19), u32("rx_max_frames_high", "COALESCE_RX_MAX_FRAMES_HIGH", 20),
			u32("tx_usecs_high", "COALESCE_TX_USECS_HIGH", 21), u32("tx_max_frames_high", "COALESCE_TX_MAX_FRAMES_HIGH", 22),
			u32("rate_sample_interval", "COALESCE_RATE_SAMPLE_INTERVAL", 23),
			u8("use_cqe_mode_tx", "COALESCE_USE_CQE_MODE_TX", 24), u8("use_cqe_mode_rx", "COALESCE_USE_CQE_MODE_RX", 25),
		)
	})
	pauseStatsSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-pause-stats",
			codec.Attr{Name: "tx_frames", Const: "ETHTOOL_A_PAUSE_STAT_TX_FRAMES", Type: 2, Kind: codec.KindU64},
			codec.Attr{Name: "rx_frames", Const: "ETHTOOL_A_PAUSE_STAT_RX_FRAMES", Type: 3, Kind: codec.KindU64},
		)
	})
	pauseSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-pause",
			header("PAUSE_HEADER", 1),
			u8("autoneg", "PAUSE_AUTONEG", 2), u8("rx", "PAUSE_RX", 3), u8("tx", "PAUSE_TX", 4),
			codec.Attr{Name: "stats", Const: "ETHTOOL_A_PAUSE_STATS", Type: 5, Kind: codec.KindNested, Nested: pauseStatsSchema()},
		)
	})
	strsetSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ethtool-strset",
			header("STRSET_HEADER", 1),
		)
	})

	// familySchema is the ethtool family as data (see Schema).
	familySchema = sync.OnceValue(func() *genl.FamilySchema {
		return &genl.FamilySchema{
			Name:    FamilyName,
			Version: Version,
			Commands: []genl.Command{
				{Cmd: MsgStrsetGet, Name: "STRSET_GET", Attrs: strsetSchema()},
				{Cmd: MsgLinkinfoGet, Name: "LINKINFO_GET", Attrs: linkinfoSchema()},
				{Cmd: MsgLinkinfoSet, Name: "LINKINFO_SET", Attrs: linkinfoSchema()},
				{Cmd: MsgLinkmodesGet, Name: "LINKMODES_GET", Attrs: linkmodesSchema()},
				{Cmd: MsgLinkmodesSet, Name: "LINKMODES_SET", Attrs: linkmodesSchema()},
				{Cmd: MsgLinkstateGet, Name: "LINKSTATE_GET", Attrs: linkstateSchema()},
				{Cmd: MsgFeaturesGet, Name: "FEATURES_GET", Attrs: featuresSchema()},
				{Cmd: MsgFeaturesSet, Name: "FEATURES_SET", Attrs: featuresSchema()},
				{Cmd: MsgRingsGet, Name: "RINGS_GET", Attrs: ringsSchema()},
				{Cmd: MsgRingsSet, Name: "RINGS_SET", Attrs: ringsSchema()},
				{Cmd: MsgChannelsGet, Name: "CHANNELS_GET", Attrs: channelsSchema()},
				{Cmd: MsgChannelsSet, Name: "CHANNELS_SET", Attrs: channelsSchema()},
				{Cmd: MsgCoalesceGet, Name: "COALESCE_GET", Attrs: coalesceSchema()},
				{Cmd: MsgCoalesceSet, Name: "COALESCE_SET", Attrs: coalesceSchema()},
				{Cmd: MsgPauseGet, Name: "PAUSE_GET", Attrs: pauseSchema()},
				{Cmd: MsgPauseSet, Name: "PAUSE_SET", Attrs: pauseSchema()},
				{Cmd: MsgStatsGet, Name: "STATS_GET", Attrs: statsSchema()},
			},
			Replies: []genl.Command{
				{Cmd: MsgStrsetGetReply, Name: "STRSET_GET_REPLY", Attrs: strsetSchema()},
				{Cmd: MsgLinkinfoGetReply, Name: "LINKINFO_GET_REPLY", Attrs: linkinfoSchema()},
				{Cmd: MsgLinkmodesGetReply, Name: "LINKMODES_GET_REPLY", Attrs: linkmodesSchema()},
				{Cmd: MsgLinkstateGetReply, Name: "LINKSTATE_GET_REPLY", Attrs: linkstateSchema()},
				{Cmd: MsgFeaturesGetReply, Name: "FEATURES_GET_REPLY", Attrs: featuresSchema()},
				{Cmd: MsgFeaturesSetReply, Name: "FEATURES_SET_REPLY", Attrs: featuresSchema()},
				{Cmd: MsgRingsGetReply, Name: "RINGS_GET_REPLY", Attrs: ringsSchema()},
				{Cmd: MsgChannelsGetReply, Name: "CHANNELS_GET_REPLY", Attrs: channelsSchema()},
				{Cmd: MsgCoalesceGetReply, Name: "COALESCE_GET_REPLY", Attrs: coalesceSchema()},
				{Cmd: MsgPauseGetReply, Name: "PAUSE_GET_REPLY", Attrs: pauseSchema()},
				{Cmd: MsgStatsGetReply, Name: "STATS_GET_REPLY", Attrs: statsSchema()},
				// FEATURES_NTF arrives on the "monitor" multicast group.
				{Cmd: MsgFeaturesNtf, Name: "FEATURES_NTF", Attrs: featuresSchema()},
			},
		}
	})
)

// Schema returns the ethtool family as data, for raw requests and traces;
// it is built on first use and the same value every time. Requests and
// replies are numbered apart.
func Schema() *genl.FamilySchema { return familySchema() }
