// Package nl80211 is the nl80211 generic netlink family ("nl80211"), the
// kernel's wireless configuration interface: wiphys (radios) and their
// bands, wireless interfaces (create, delete, change type), scans and
// their results, stations, and access points (start and stop beaconing).
//
// Field names follow `iw` where it has the field, in snake case; iftypes
// have lower-case names ("station", "ap", "monitor", "mesh point"; iw's
// "managed", "ibss" and "mesh" are accepted as aliases). Every attribute the API uses is declared as data in Schema, so
// raw requests and traces decode nl80211 messages by name too.
package nl80211

// Family name, version and multicast groups (linux/nl80211.h).
const (
	FamilyName = "nl80211"
	Version    = 1
	// GroupScan carries scan start, results and abort notifications.
	GroupScan = "scan"
	// GroupConfig carries interface and wiphy changes.
	GroupConfig = "config"
	// GroupMLME carries association and authentication events.
	GroupMLME = "mlme"
)

// Commands (NL80211_CMD_*).
const (
	CmdGetWiphy        = 1
	CmdSetWiphy        = 2
	CmdNewWiphy        = 3
	CmdDelWiphy        = 4
	CmdGetInterface    = 5
	CmdSetInterface    = 6
	CmdNewInterface    = 7
	CmdDelInterface    = 8
	CmdStartAP         = 15
	CmdStopAP          = 16
	CmdGetStation      = 17
	CmdNewStation      = 19
	CmdDelStation      = 20
	CmdGetScan         = 32
	CmdTriggerScan     = 33
	CmdNewScanResults  = 34
	CmdScanAborted     = 35
	CmdSetWiphyNetns   = 49
	CmdAbortScan       = 114
	cmdGetProtoFeature = 95
)

// Top-level attributes (NL80211_ATTR_*).
const (
	attrWiphy            = 1
	attrWiphyName        = 2
	attrIfindex          = 3
	attrIfname           = 4
	attrIftype           = 5
	attrMAC              = 6
	attrBeaconInterval   = 12
	attrDTIMPeriod       = 13
	attrBeaconHead       = 14
	attrBeaconTail       = 15
	attrStaInfo          = 21
	attrWiphyBands       = 22
	attrSupportedIftypes = 32
	attrWiphyFreq        = 38
	attrWiphyChanType    = 39
	attrMaxScanSSIDs     = 43
	attrScanFrequencies  = 44
	attrScanSSIDs        = 45
	attrGeneration       = 46
	attrBSS              = 47
	attrSSID             = 52
	attrAuthType         = 53
	attrMaxScanIELen     = 56
	attrRetryShort       = 61
	attrRetryLong        = 62
	attrFragThreshold    = 63
	attrRTSThreshold     = 64
	attrPID              = 82
	attr4Addr            = 83
	attrTxPowerLevel     = 98
	attrSoftwareIftypes  = 121
	attrHiddenSSID       = 126
	attrWdev             = 153
	attrChannelWidth     = 159
	attrCenterFreq1      = 160
	attrCenterFreq2      = 161
	attrSplitWiphyDump   = 174
	attrNetnsFD          = 219
)

// Band attributes (NL80211_BAND_ATTR_*), frequency attributes
// (NL80211_FREQUENCY_ATTR_*) and bitrate attributes (NL80211_BITRATE_ATTR_*).
const (
	bandAttrFreqs  = 1
	bandAttrRates  = 2
	bandAttrHTCapa = 4
	bandAttrVHTCap = 8

	freqAttrFreq       = 1
	freqAttrDisabled   = 2
	freqAttrNoIR       = 3
	freqAttrRadar      = 5
	freqAttrMaxTxPower = 6

	bitrateAttrRate = 1
)

// BSS attributes (NL80211_BSS_*).
const (
	bssBSSID          = 1
	bssFrequency      = 2
	bssTSF            = 3
	bssBeaconInterval = 4
	bssCapability     = 5
	bssIEs            = 6
	bssSignalMBM      = 7
	bssSignalUnspec   = 8
	bssStatus         = 9
	bssSeenMsAgo      = 10
	bssBeaconIEs      = 11
	bssChanWidth      = 12
	bssBeaconTSF      = 13
	bssLastSeenBoot   = 15
)

// Station info attributes (NL80211_STA_INFO_*) and rate info
// (NL80211_RATE_INFO_*).
const (
	staInactiveTime  = 1
	staRxBytes       = 2
	staTxBytes       = 3
	staSignal        = 7
	staTxBitrate     = 8
	staRxPackets     = 9
	staTxPackets     = 10
	staTxRetries     = 11
	staTxFailed      = 12
	staSignalAvg     = 13
	staRxBitrate     = 14
	staConnectedTime = 16
	staBeaconLoss    = 18
	staRxBytes64     = 23
	staTxBytes64     = 24

	rateBitrate   = 1
	rateMCS       = 2
	rateBitrate32 = 5
)

// Interface types (enum nl80211_iftype).
const (
	IftypeUnspecified = 0
	IftypeAdhoc       = 1
	IftypeStation     = 2
	IftypeAP          = 3
	IftypeAPVLAN      = 4
	IftypeWDS         = 5
	IftypeMonitor     = 6
	IftypeMeshPoint   = 7
	IftypeP2PClient   = 8
	IftypeP2PGO       = 9
	IftypeP2PDevice   = 10
	IftypeOCB         = 11
	IftypeNAN         = 12
)

// Values START_AP sends: enum nl80211_auth_type, enum nl80211_hidden_ssid
// and enum nl80211_chan_width (all named in names.go).
const (
	authTypeOpenSystem = 0
	hiddenSSIDNotInUse = 0
	chanWidth20NoHT    = 0
)

// Access point limits and defaults: the beacon interval range is
// cfg80211_validate_beacon_int's, the defaults hostapd's.
const (
	BeaconIntervalMin     = 10    // TU
	BeaconIntervalMax     = 10000 // TU
	DefaultBeaconInterval = 100   // TU
	DefaultDTIMPeriod     = 2     // beacons
	MaxSSIDLen            = 32    // bytes, IEEE80211_MAX_SSID_LEN
)

// IEEE 802.11 beacon frames (IEEE Std 802.11-2020 9.3.3.2, 9.4): frame
// control, capability bits, element ids and rates in units of 500 kbit/s
// (the top bit marks a basic rate).
const (
	fcBeacon     = 0x0080 // type management (0), subtype beacon (8)
	beaconFixed  = 36     // header (24 bytes), timestamp, interval, capability
	capESS       = 0x0001
	eidSSID      = 0
	eidRates     = 1
	eidDSParams  = 3
	eidExtRates  = 50
	rateBasicBit = 0x80
)

// Rates an AP built by AccessPoint.Beacon advertises, in 500 kbit/s: on
// 2.4 GHz the 802.11b rates (basic) and the 802.11g OFDM ones, on 5 GHz
// the OFDM rates with 6, 12 and 24 Mbit/s basic (the mandatory set).
var (
	rates24GHz = []byte{2 | rateBasicBit, 4 | rateBasicBit, 11 | rateBasicBit, 22 | rateBasicBit, 12, 18, 24, 36, 48, 72, 96, 108}
	rates5GHz  = []byte{12 | rateBasicBit, 18, 24 | rateBasicBit, 36, 48 | rateBasicBit, 72, 96, 108}
)
