package wireguard

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

var (
	allowedIPSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("wgallowedip",
			codec.Attr{Name: "family", Const: "WGALLOWEDIP_A_FAMILY", Type: allowedIPFamily, Kind: codec.KindU16, Enum: map[uint64]string{afInet: "inet", afInet6: "inet6"}},
			codec.Attr{Name: "ipaddr", Const: "WGALLOWEDIP_A_IPADDR", Type: allowedIPAddr, Kind: codec.KindAddr},
			codec.Attr{Name: "cidr_mask", Const: "WGALLOWEDIP_A_CIDR_MASK", Type: allowedIPMask, Kind: codec.KindU8},
		)
	})
	timespec = sync.OnceValue(func() *codec.Struct {
		return codec.NewStruct("__kernel_timespec", 16,
			codec.Attr{Name: "sec", Kind: codec.KindS64, Offset: 0},
			codec.Attr{Name: "nsec", Kind: codec.KindS64, Offset: 8},
		)
	})
	peerSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("wgpeer",
			codec.Attr{Name: "public_key", Const: "WGPEER_A_PUBLIC_KEY", Type: peerPublicKey, Kind: codec.KindBinary},
			codec.Attr{Name: "preshared_key", Const: "WGPEER_A_PRESHARED_KEY", Type: peerPresharedKey, Kind: codec.KindBinary},
			codec.Attr{Name: "flags", Const: "WGPEER_A_FLAGS", Type: peerFlags, Kind: codec.KindU32, Flags: map[uint64]string{
				uint64(PeerFlagRemove): "remove_me", uint64(PeerFlagReplaceAllowedIPs): "replace_allowedips", uint64(PeerFlagUpdateOnly): "update_only"}},
			codec.Attr{Name: "endpoint", Const: "WGPEER_A_ENDPOINT", Type: peerEndpoint, Kind: codec.KindBinary},
			codec.Attr{Name: "persistent_keepalive_interval", Const: "WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL", Type: peerKeepalive, Kind: codec.KindU16},
			codec.Attr{Name: "last_handshake_time", Const: "WGPEER_A_LAST_HANDSHAKE_TIME", Type: peerLastHandshake, Kind: codec.KindStruct, Struct: timespec()},
			codec.Attr{Name: "rx_bytes", Const: "WGPEER_A_RX_BYTES", Type: peerRxBytes, Kind: codec.KindU64},
			codec.Attr{Name: "tx_bytes", Const: "WGPEER_A_TX_BYTES", Type: peerTxBytes, Kind: codec.KindU64},
			codec.Attr{Name: "allowedips", Const: "WGPEER_A_ALLOWEDIPS", Type: peerAllowedIPs, Kind: codec.KindNestedArray, Nested: allowedIPSchema(), EntryType: 1, Indexed: true},
			codec.Attr{Name: "protocol_version", Const: "WGPEER_A_PROTOCOL_VERSION", Type: peerProtocolVersion, Kind: codec.KindU32},
		)
	})
	deviceSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("wgdevice",
			codec.Attr{Name: "ifindex", Const: "WGDEVICE_A_IFINDEX", Type: deviceIfindex, Kind: codec.KindU32},
			codec.Attr{Name: "ifname", Const: "WGDEVICE_A_IFNAME", Type: deviceIfname, Kind: codec.KindString},
			codec.Attr{Name: "private_key", Const: "WGDEVICE_A_PRIVATE_KEY", Type: devicePrivateKey, Kind: codec.KindBinary},
			codec.Attr{Name: "public_key", Const: "WGDEVICE_A_PUBLIC_KEY", Type: devicePublicKey, Kind: codec.KindBinary},
			codec.Attr{Name: "flags", Const: "WGDEVICE_A_FLAGS", Type: deviceFlags, Kind: codec.KindU32, Flags: map[uint64]string{uint64(FlagReplacePeers): "replace_peers"}},
			codec.Attr{Name: "listen_port", Const: "WGDEVICE_A_LISTEN_PORT", Type: deviceListenPort, Kind: codec.KindU16},
			codec.Attr{Name: "fwmark", Const: "WGDEVICE_A_FWMARK", Type: deviceFwmark, Kind: codec.KindU32},
			codec.Attr{Name: "peers", Const: "WGDEVICE_A_PEERS", Type: devicePeers, Kind: codec.KindNestedArray, Nested: peerSchema(), EntryType: 1, Indexed: true},
		)
	})

	// familySchema is the wireguard family as data (see Schema).
	familySchema = sync.OnceValue(func() *genl.FamilySchema {
		return &genl.FamilySchema{
			Name:    FamilyName,
			Version: Version,
			Attrs:   deviceSchema(),
			Commands: []genl.Command{
				{Cmd: CmdGetDevice, Name: "GET_DEVICE"},
				{Cmd: CmdSetDevice, Name: "SET_DEVICE"},
			},
		}
	})
)

// Schema returns the WireGuard family as data, for raw requests and traces.
// It is built on first use and is the same value every time.
func Schema() *genl.FamilySchema { return familySchema() }
