package wireguard

import (
	"net/netip"
	"time"
)

// Device is a WireGuard interface as the kernel reports it.
type Device struct {
	Ifindex    uint32 `json:"ifindex"`
	Ifname     string `json:"ifname"`
	PrivateKey *Key   `json:"private_key,omitempty"`
	PublicKey  *Key   `json:"public_key,omitempty"`
	ListenPort uint16 `json:"listen_port"`
	Fwmark     uint32 `json:"fwmark"`
	Peers      []Peer `json:"peers"`
}

// Peer is a peer of a device as the kernel reports it.
type Peer struct {
	PublicKey    Key  `json:"public_key"`
	PresharedKey *Key `json:"preshared_key,omitempty"`
	// Endpoint is the peer's address and port; invalid when unknown.
	Endpoint netip.AddrPort `json:"endpoint"`
	// PersistentKeepalive is the keepalive interval in seconds, 0 off.
	PersistentKeepalive uint16 `json:"persistent_keepalive"`
	// LastHandshake is the time of the latest handshake, zero if none.
	LastHandshake   time.Time      `json:"latest_handshake"`
	RxBytes         uint64         `json:"rx_bytes"`
	TxBytes         uint64         `json:"tx_bytes"`
	ProtocolVersion uint32         `json:"protocol_version"`
	AllowedIPs      []netip.Prefix `json:"allowed_ips"`
}

// Config is a change to a device: fields left nil are not touched.
type Config struct {
	// Ifname or Ifindex names the device.
	Ifname     string  `json:"ifname,omitempty"`
	Ifindex    uint32  `json:"ifindex,omitempty"`
	PrivateKey *Key    `json:"private_key,omitempty"`
	ListenPort *uint16 `json:"listen_port,omitempty"`
	Fwmark     *uint32 `json:"fwmark,omitempty"`
	// ReplacePeers removes every peer not listed in Peers.
	ReplacePeers bool         `json:"replace_peers,omitempty"`
	Peers        []PeerConfig `json:"peers,omitempty"`
}

// PeerConfig adds, changes or removes one peer.
type PeerConfig struct {
	PublicKey Key `json:"public_key"`
	// Remove deletes the peer; the other fields are ignored.
	Remove bool `json:"remove,omitempty"`
	// UpdateOnly changes the peer only if it exists.
	UpdateOnly   bool            `json:"update_only,omitempty"`
	PresharedKey *Key            `json:"preshared_key,omitempty"`
	Endpoint     *netip.AddrPort `json:"endpoint,omitempty"`
	// PersistentKeepalive in seconds; 0 turns it off.
	PersistentKeepalive *uint16 `json:"persistent_keepalive,omitempty"`
	// ReplaceAllowedIPs drops the peer's allowed IPs before adding these.
	ReplaceAllowedIPs bool           `json:"replace_allowed_ips,omitempty"`
	AllowedIPs        []netip.Prefix `json:"allowed_ips,omitempty"`
}
