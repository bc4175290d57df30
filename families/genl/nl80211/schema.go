package nl80211

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// nl80211 writes its nests without NLA_F_NESTED (nla_nest_start_noflag),
// so every nested row is Plain: the schema then re-encodes kernel
// messages byte for byte.

var (
	freqSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nl80211-frequency",
			codec.Attr{Name: "freq", Const: "NL80211_FREQUENCY_ATTR_FREQ", Type: freqAttrFreq, Kind: codec.KindU32},
			codec.Attr{Name: "disabled", Const: "NL80211_FREQUENCY_ATTR_DISABLED", Type: freqAttrDisabled, Kind: codec.KindFlag},
			codec.Attr{Name: "no_ir", Const: "NL80211_FREQUENCY_ATTR_NO_IR", Type: freqAttrNoIR, Kind: codec.KindFlag},
			codec.Attr{Name: "radar", Const: "NL80211_FREQUENCY_ATTR_RADAR", Type: freqAttrRadar, Kind: codec.KindFlag},
			codec.Attr{Name: "max_tx_power", Const: "NL80211_FREQUENCY_ATTR_MAX_TX_POWER", Type: freqAttrMaxTxPower, Kind: codec.KindU32},
		)
	})
	bitrateSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nl80211-bitrate",
			codec.Attr{Name: "rate", Const: "NL80211_BITRATE_ATTR_RATE", Type: bitrateAttrRate, Kind: codec.KindU32},
		)
	})
	bandSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nl80211-band",
			codec.Attr{Name: "frequencies", Const: "NL80211_BAND_ATTR_FREQS", Type: bandAttrFreqs, Kind: codec.KindNestedArray, Nested: freqSchema(), Plain: true},
			codec.Attr{Name: "bitrates", Const: "NL80211_BAND_ATTR_RATES", Type: bandAttrRates, Kind: codec.KindNestedArray, Nested: bitrateSchema(), Plain: true},
			codec.Attr{Name: "ht_capa", Const: "NL80211_BAND_ATTR_HT_CAPA", Type: bandAttrHTCapa, Kind: codec.KindU16},
			codec.Attr{Name: "vht_capa", Const: "NL80211_BAND_ATTR_VHT_CAPA", Type: bandAttrVHTCap, Kind: codec.KindU32},
		)
	})
	// iftypeSetSchema is a nest of flags whose types are iftypes
	// (NL80211_ATTR_SUPPORTED_IFTYPES).
	iftypeSetSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nl80211-iftypes", iftypeFlags()...)
	})

	rateSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nl80211-rate-info",
			codec.Attr{Name: "bitrate", Const: "NL80211_RATE_INFO_BITRATE", Type: rateBitrate, Kind: codec.KindU16},
			codec.Attr{Name: "mcs", Const: "NL80211_RATE_INFO_MCS", Type: rateMCS, Kind: codec.KindU8},
			codec.Attr{Name: "bitrate32", Const: "NL80211_RATE_INFO_BITRATE32", Type: rateBitrate32, Kind: codec.KindU32},
		)
	})
	staInfoSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nl80211-sta-info",
			codec.Attr{Name: "inactive_time", Const: "NL80211_STA_INFO_INACTIVE_TIME", Type: staInactiveTime, Kind: codec.KindU32},
			codec.Attr{Name: "rx_bytes", Const: "NL80211_STA_INFO_RX_BYTES", Type: staRxBytes, Kind: codec.KindU32},
			codec.Attr{Name: "tx_bytes", Const: "NL80211_STA_INFO_TX_BYTES", Type: staTxBytes, Kind: codec.KindU32},
			codec.Attr{Name: "signal", Const: "NL80211_STA_INFO_SIGNAL", Type: staSignal, Kind: codec.KindS8},
			codec.Attr{Name: "tx_bitrate", Const: "NL80211_STA_INFO_TX_BITRATE", Type: staTxBitrate, Kind: codec.KindNested, Nested: rateSchema(), Plain: true},
			codec.Attr{Name: "rx_packets", Const: "NL80211_STA_INFO_RX_PACKETS", Type: staRxPackets, Kind: codec.KindU32},
			codec.Attr{Name: "tx_packets", Const: "NL80211_STA_INFO_TX_PACKETS", Type: staTxPackets, Kind: codec.KindU32},
			codec.Attr{Name: "tx_retries", Const: "NL80211_STA_INFO_TX_RETRIES", Type: staTxRetries, Kind: codec.KindU32},
			codec.Attr{Name: "tx_failed", Const: "NL80211_STA_INFO_TX_FAILED", Type: staTxFailed, Kind: codec.KindU32},
			codec.Attr{Name: "signal_avg", Const: "NL80211_STA_INFO_SIGNAL_AVG", Type: staSignalAvg, Kind: codec.KindS8},
			codec.Attr{Name: "rx_bitrate", Const: "NL80211_STA_INFO_RX_BITRATE", Type: staRxBitrate, Kind: codec.KindNested, Nested: rateSchema(), Plain: true},
			codec.Attr{Name: "connected_time", Const: "NL80211_STA_INFO_CONNECTED_TIME", Type: staConnectedTime, Kind: codec.KindU32},
			codec.Attr{Name: "beacon_loss", Const: "NL80211_STA_INFO_BEACON_LOSS", Type: staBeaconLoss, Kind: codec.KindU32},
			codec.Attr{Name: "rx_bytes64", Const: "NL80211_STA_INFO_RX_BYTES64", Type: staRxBytes64, Kind: codec.KindU64},
			codec.Attr{Name: "tx_bytes64", Const: "NL80211_STA_INFO_TX_BYTES64", Type: staTxBytes64, Kind: codec.KindU64},
		)
	})
	bssSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nl80211-bss",
			codec.Attr{Name: "bssid", Const: "NL80211_BSS_BSSID", Type: bssBSSID, Kind: codec.KindHWAddr},
			codec.Attr{Name: "frequency", Const: "NL80211_BSS_FREQUENCY", Type: bssFrequency, Kind: codec.KindU32},
			codec.Attr{Name: "tsf", Const: "NL80211_BSS_TSF", Type: bssTSF, Kind: codec.KindU64},
			codec.Attr{Name: "beacon_interval", Const: "NL80211_BSS_BEACON_INTERVAL", Type: bssBeaconInterval, Kind: codec.KindU16},
			codec.Attr{Name: "capability", Const: "NL80211_BSS_CAPABILITY", Type: bssCapability, Kind: codec.KindU16},
			codec.Attr{Name: "ies", Const: "NL80211_BSS_INFORMATION_ELEMENTS", Type: bssIEs, Kind: codec.KindBinary},
			codec.Attr{Name: "signal_mbm", Const: "NL80211_BSS_SIGNAL_MBM", Type: bssSignalMBM, Kind: codec.KindS32},
			codec.Attr{Name: "signal_unspec", Const: "NL80211_BSS_SIGNAL_UNSPEC", Type: bssSignalUnspec, Kind: codec.KindU8},
			codec.Attr{Name: "status", Const: "NL80211_BSS_STATUS", Type: bssStatus, Kind: codec.KindU32, Enum: bssStatusNames()},
			codec.Attr{Name: "seen_ms_ago", Const: "NL80211_BSS_SEEN_MS_AGO", Type: bssSeenMsAgo, Kind: codec.KindU32},
			codec.Attr{Name: "beacon_ies", Const: "NL80211_BSS_BEACON_IES", Type: bssBeaconIEs, Kind: codec.KindBinary},
			codec.Attr{Name: "chan_width", Const: "NL80211_BSS_CHAN_WIDTH", Type: bssChanWidth, Kind: codec.KindU32, Enum: chanWidthNames()},
			codec.Attr{Name: "beacon_tsf", Const: "NL80211_BSS_BEACON_TSF", Type: bssBeaconTSF, Kind: codec.KindU64},
			codec.Attr{Name: "last_seen_boottime", Const: "NL80211_BSS_LAST_SEEN_BOOTTIME", Type: bssLastSeenBoot, Kind: codec.KindU64},
		)
	})
	attrSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nl80211",
			codec.Attr{Name: "wiphy", Const: "NL80211_ATTR_WIPHY", Type: attrWiphy, Kind: codec.KindU32},
			codec.Attr{Name: "wiphy_name", Const: "NL80211_ATTR_WIPHY_NAME", Type: attrWiphyName, Kind: codec.KindString},
			codec.Attr{Name: "ifindex", Const: "NL80211_ATTR_IFINDEX", Type: attrIfindex, Kind: codec.KindU32},
			codec.Attr{Name: "ifname", Const: "NL80211_ATTR_IFNAME", Type: attrIfname, Kind: codec.KindString},
			codec.Attr{Name: "iftype", Const: "NL80211_ATTR_IFTYPE", Type: attrIftype, Kind: codec.KindU32, Enum: iftypeNames()},
			codec.Attr{Name: "mac", Const: "NL80211_ATTR_MAC", Type: attrMAC, Kind: codec.KindHWAddr},
			codec.Attr{Name: "beacon_interval", Const: "NL80211_ATTR_BEACON_INTERVAL", Type: attrBeaconInterval, Kind: codec.KindU32},
			codec.Attr{Name: "dtim_period", Const: "NL80211_ATTR_DTIM_PERIOD", Type: attrDTIMPeriod, Kind: codec.KindU32},
			// The beacon's head (802.11 header, fixed fields, elements up to
			// the TIM) and tail (elements after it) as frame bytes.
			codec.Attr{Name: "beacon_head", Const: "NL80211_ATTR_BEACON_HEAD", Type: attrBeaconHead, Kind: codec.KindBinary},
			codec.Attr{Name: "beacon_tail", Const: "NL80211_ATTR_BEACON_TAIL", Type: attrBeaconTail, Kind: codec.KindBinary},
			codec.Attr{Name: "sta_info", Const: "NL80211_ATTR_STA_INFO", Type: attrStaInfo, Kind: codec.KindNested, Nested: staInfoSchema(), Plain: true},
			codec.Attr{Name: "wiphy_bands", Const: "NL80211_ATTR_WIPHY_BANDS", Type: attrWiphyBands, Kind: codec.KindNestedArray, Nested: bandSchema(), Plain: true},
			codec.Attr{Name: "supported_iftypes", Const: "NL80211_ATTR_SUPPORTED_IFTYPES", Type: attrSupportedIftypes, Kind: codec.KindNested, Nested: iftypeSetSchema(), Plain: true},
			codec.Attr{Name: "wiphy_freq", Const: "NL80211_ATTR_WIPHY_FREQ", Type: attrWiphyFreq, Kind: codec.KindU32},
			codec.Attr{Name: "wiphy_channel_type", Const: "NL80211_ATTR_WIPHY_CHANNEL_TYPE", Type: attrWiphyChanType, Kind: codec.KindU32},
			codec.Attr{Name: "max_scan_ssids", Const: "NL80211_ATTR_MAX_NUM_SCAN_SSIDS", Type: attrMaxScanSSIDs, Kind: codec.KindU8},
			// The scan request nests hold bare values (u32 frequencies,
			// binary SSIDs) under index types: kept as raw payloads.
			codec.Attr{Name: "scan_frequencies", Const: "NL80211_ATTR_SCAN_FREQUENCIES", Type: attrScanFrequencies, Kind: codec.KindBinary},
			codec.Attr{Name: "scan_ssids", Const: "NL80211_ATTR_SCAN_SSIDS", Type: attrScanSSIDs, Kind: codec.KindBinary},
			codec.Attr{Name: "generation", Const: "NL80211_ATTR_GENERATION", Type: attrGeneration, Kind: codec.KindU32},
			codec.Attr{Name: "bss", Const: "NL80211_ATTR_BSS", Type: attrBSS, Kind: codec.KindNested, Nested: bssSchema(), Plain: true},
			codec.Attr{Name: "ssid", Const: "NL80211_ATTR_SSID", Type: attrSSID, Kind: codec.KindBinary},
			codec.Attr{Name: "auth_type", Const: "NL80211_ATTR_AUTH_TYPE", Type: attrAuthType, Kind: codec.KindU32, Enum: authTypeNames()},
			codec.Attr{Name: "max_scan_ie_len", Const: "NL80211_ATTR_MAX_SCAN_IE_LEN", Type: attrMaxScanIELen, Kind: codec.KindU16},
			codec.Attr{Name: "retry_short", Const: "NL80211_ATTR_WIPHY_RETRY_SHORT", Type: attrRetryShort, Kind: codec.KindU8},
			codec.Attr{Name: "retry_long", Const: "NL80211_ATTR_WIPHY_RETRY_LONG", Type: attrRetryLong, Kind: codec.KindU8},
			codec.Attr{Name: "frag_threshold", Const: "NL80211_ATTR_WIPHY_FRAG_THRESHOLD", Type: attrFragThreshold, Kind: codec.KindU32},
			codec.Attr{Name: "rts_threshold", Const: "NL80211_ATTR_WIPHY_RTS_THRESHOLD", Type: attrRTSThreshold, Kind: codec.KindU32},
			codec.Attr{Name: "pid", Const: "NL80211_ATTR_PID", Type: attrPID, Kind: codec.KindU32},
			codec.Attr{Name: "4addr", Const: "NL80211_ATTR_4ADDR", Type: attr4Addr, Kind: codec.KindU8},
			codec.Attr{Name: "txpower", Const: "NL80211_ATTR_WIPHY_TX_POWER_LEVEL", Type: attrTxPowerLevel, Kind: codec.KindU32},
			codec.Attr{Name: "software_iftypes", Const: "NL80211_ATTR_SOFTWARE_IFTYPES", Type: attrSoftwareIftypes, Kind: codec.KindNested, Nested: iftypeSetSchema(), Plain: true},
			codec.Attr{Name: "hidden_ssid", Const: "NL80211_ATTR_HIDDEN_SSID", Type: attrHiddenSSID, Kind: codec.KindU32, Enum: hiddenSSIDNames()},
			codec.Attr{Name: "wdev", Const: "NL80211_ATTR_WDEV", Type: attrWdev, Kind: codec.KindU64},
			codec.Attr{Name: "channel_width", Const: "NL80211_ATTR_CHANNEL_WIDTH", Type: attrChannelWidth, Kind: codec.KindU32, Enum: chanWidthNames()},
			codec.Attr{Name: "center_freq1", Const: "NL80211_ATTR_CENTER_FREQ1", Type: attrCenterFreq1, Kind: codec.KindU32},
			codec.Attr{Name: "center_freq2", Const: "NL80211_ATTR_CENTER_FREQ2", Type: attrCenterFreq2, Kind: codec.KindU32},
			codec.Attr{Name: "split_wiphy_dump", Const: "NL80211_ATTR_SPLIT_WIPHY_DUMP", Type: attrSplitWiphyDump, Kind: codec.KindFlag},
			codec.Attr{Name: "netns_fd", Const: "NL80211_ATTR_NETNS_FD", Type: attrNetnsFD, Kind: codec.KindU32},
		)
	})

	// familySchema is the nl80211 family as data (see Schema).
	familySchema = sync.OnceValue(func() *genl.FamilySchema {
		return &genl.FamilySchema{
			Name:    FamilyName,
			Version: Version,
			Attrs:   attrSchema(),
			Commands: []genl.Command{
				{Cmd: CmdGetWiphy, Name: "GET_WIPHY"},
				{Cmd: CmdSetWiphy, Name: "SET_WIPHY"},
				{Cmd: CmdNewWiphy, Name: "NEW_WIPHY"},
				{Cmd: CmdDelWiphy, Name: "DEL_WIPHY"},
				{Cmd: CmdGetInterface, Name: "GET_INTERFACE"},
				{Cmd: CmdSetInterface, Name: "SET_INTERFACE"},
				{Cmd: CmdNewInterface, Name: "NEW_INTERFACE"},
				{Cmd: CmdDelInterface, Name: "DEL_INTERFACE"},
				{Cmd: CmdStartAP, Name: "START_AP"},
				{Cmd: CmdStopAP, Name: "STOP_AP"},
				{Cmd: CmdGetStation, Name: "GET_STATION"},
				{Cmd: CmdNewStation, Name: "NEW_STATION"},
				{Cmd: CmdDelStation, Name: "DEL_STATION"},
				{Cmd: CmdGetScan, Name: "GET_SCAN"},
				{Cmd: CmdTriggerScan, Name: "TRIGGER_SCAN"},
				{Cmd: CmdNewScanResults, Name: "NEW_SCAN_RESULTS"},
				{Cmd: CmdScanAborted, Name: "SCAN_ABORTED"},
				{Cmd: CmdSetWiphyNetns, Name: "SET_WIPHY_NETNS"},
				{Cmd: CmdAbortScan, Name: "ABORT_SCAN"},
			},
		}
	})
)

// iftypeFlags returns one flag row per interface type, typed by the
// iftype's number.
func iftypeFlags() []codec.Attr {
	rows := make([]codec.Attr, 0, len(iftypeNames()))
	for t := uint64(0); t <= IftypeNAN; t++ {
		rows = append(rows, codec.Attr{Name: iftypeNames()[t], Type: uint16(t), Kind: codec.KindFlag})
	}
	return rows
}

// Schema returns the nl80211 family as data, for raw requests and traces.
// Replies use the request numbering: the kernel answers GET_INTERFACE
// with NEW_INTERFACE, GET_SCAN with NEW_SCAN_RESULTS, and so on.
// It is built on first use and is the same value every time.
func Schema() *genl.FamilySchema { return familySchema() }
