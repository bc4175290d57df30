// Package wireguard is the WireGuard generic netlink family ("wireguard"):
// read a device with its peers, and configure it — keys, listen port,
// fwmark, peers and their allowed IPs — splitting big configurations over
// several messages as the kernel requires.
//
// Keys print as base64, as `wg` shows them; field names follow `wg show`
// and wg(8)'s configuration words in snake case.
package wireguard

// Family name and version (linux/wireguard.h).
const (
	FamilyName = "wireguard"
	Version    = 1
	// KeyLen is the length of a Curve25519 key.
	KeyLen = 32
)

// Commands.
const (
	CmdGetDevice = 0
	CmdSetDevice = 1
)

// Device attributes (WGDEVICE_A_*).
const (
	deviceIfindex    = 1
	deviceIfname     = 2
	devicePrivateKey = 3
	devicePublicKey  = 4
	deviceFlags      = 5
	deviceListenPort = 6
	deviceFwmark     = 7
	devicePeers      = 8
)

// Device flags.
const (
	// FlagReplacePeers (WGDEVICE_F_REPLACE_PEERS) removes the peers not in
	// the message.
	FlagReplacePeers uint32 = 1
)

// Peer attributes (WGPEER_A_*).
const (
	peerPublicKey       = 1
	peerPresharedKey    = 2
	peerFlags           = 3
	peerEndpoint        = 4
	peerKeepalive       = 5
	peerLastHandshake   = 6
	peerRxBytes         = 7
	peerTxBytes         = 8
	peerAllowedIPs      = 9
	peerProtocolVersion = 10
)

// Peer flags (WGPEER_F_*).
const (
	PeerFlagRemove            uint32 = 1 << 0
	PeerFlagReplaceAllowedIPs uint32 = 1 << 1
	PeerFlagUpdateOnly        uint32 = 1 << 2
)

// Allowed IP attributes (WGALLOWEDIP_A_*).
const (
	allowedIPFamily = 1
	allowedIPAddr   = 2
	allowedIPMask   = 3
)
