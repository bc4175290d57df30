// Package ethtool is the ethtool generic netlink family ("ethtool"): link
// info, link modes, link state, features (the bitset encoding, compact and
// verbose), rings, channels, coalescing, pause and statistics, read and
// where the kernel allows written.
//
// Field names follow the words `ethtool` prints and the kernel's
// ETHTOOL_A_* names in snake case. A device whose driver does not
// implement an operation answers EOPNOTSUPP, which errors.Is matches.
package ethtool

// Family name and version (linux/ethtool_netlink.h).
const (
	FamilyName = "ethtool"
	Version    = 1
)

// Request commands (ETHTOOL_MSG_*, user to kernel).
const (
	MsgStrsetGet    = 1
	MsgLinkinfoGet  = 2
	MsgLinkinfoSet  = 3
	MsgLinkmodesGet = 4
	MsgLinkmodesSet = 5
	MsgLinkstateGet = 6
	MsgFeaturesGet  = 11
	MsgFeaturesSet  = 12
	MsgRingsGet     = 15
	MsgRingsSet     = 16
	MsgChannelsGet  = 17
	MsgChannelsSet  = 18
	MsgCoalesceGet  = 19
	MsgCoalesceSet  = 20
	MsgPauseGet     = 21
	MsgPauseSet     = 22
	MsgStatsGet     = 32
)

// Reply commands (ETHTOOL_MSG_*_REPLY, kernel to user).
const (
	MsgStrsetGetReply    = 1
	MsgLinkinfoGetReply  = 2
	MsgLinkmodesGetReply = 4
	MsgLinkstateGetReply = 6
	MsgFeaturesGetReply  = 11
	MsgFeaturesSetReply  = 12
	MsgFeaturesNtf       = 13 // on the "monitor" group
	MsgRingsGetReply     = 16
	MsgChannelsGetReply  = 18
	MsgCoalesceGetReply  = 20
	MsgPauseGetReply     = 22
	MsgStatsGetReply     = 33
)

// GroupMonitor is the multicast group of the family's notifications.
const GroupMonitor = "monitor"

// Request header flags (ETHTOOL_FLAG_*).
const (
	FlagCompactBitsets = 1 << 0
	FlagOmitReply      = 1 << 1
	FlagStats          = 1 << 2
)

// Header attributes (ETHTOOL_A_HEADER_*); every message's attribute 1
// (2 for STATS) is this nest.
const (
	headerDevIndex = 1
	headerDevName  = 2
	headerFlags    = 3
)

// Bitset attributes (ETHTOOL_A_BITSET_*).
const (
	bitsetNoMask = 1
	bitsetSize   = 2
	bitsetBits   = 3
	bitsetValue  = 4
	bitsetMask   = 5

	bitsetBitsBit = 1

	bitIndex = 1
	bitName  = 2
	bitValue = 3
)

// Features attributes (ETHTOOL_A_FEATURES_*).
const (
	featuresHeader   = 1
	featuresHW       = 2
	featuresWanted   = 3
	featuresActive   = 4
	featuresNoChange = 5
)

// Link modes attributes (ETHTOOL_A_LINKMODES_*) that are not flat.
const (
	linkmodesOurs = 3
	linkmodesPeer = 4
)
