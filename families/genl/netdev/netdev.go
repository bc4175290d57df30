// Package netdev is the "netdev" generic netlink family (Linux 6.3 and
// later): per-device XDP and AF_XDP capabilities, as
// `ynl --family netdev --dump dev-get` prints them. It is schema data
// plus a small typed Dev read from the decoded attribute tree.
package netdev

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// Family name, version and multicast group (linux/netdev.h).
const (
	FamilyName = "netdev"
	Version    = 1
	// GroupMgmt carries dev-add, dev-del and dev-change notifications.
	GroupMgmt = "mgmt"
)

// Commands.
const (
	CmdDevGet       = 1
	CmdDevAddNtf    = 2
	CmdDevDelNtf    = 3
	CmdDevChangeNtf = 4
)

// Attributes (NETDEV_A_DEV_*).
const (
	attrIfindex               = 1
	attrXDPFeatures           = 3
	attrXDPZCMaxSegs          = 4
	attrXDPRxMetadataFeatures = 5
	attrXSKFeatures           = 6
)

var (
	xdpActNames = sync.OnceValue(func() map[uint64]string {
		return map[uint64]string{1: "basic", 2: "redirect", 4: "ndo-xmit", 8: "xsk-zerocopy",
			16: "hw-offload", 32: "rx-sg", 64: "ndo-xmit-sg"}
	})
	xdpRxMetadataNames = sync.OnceValue(func() map[uint64]string {
		return map[uint64]string{1: "timestamp", 2: "hash", 4: "vlan-tag"}
	})
	xskFeatureNames = sync.OnceValue(func() map[uint64]string {
		return map[uint64]string{1: "tx-timestamp", 2: "tx-checksum", 4: "tx-launch-time-fifo"}
	})

	devSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("netdev-dev",
			codec.Attr{Name: "ifindex", Const: "NETDEV_A_DEV_IFINDEX", Type: attrIfindex, Kind: codec.KindU32},
			codec.Attr{Name: "xdp-features", Const: "NETDEV_A_DEV_XDP_FEATURES", Type: attrXDPFeatures, Kind: codec.KindU64, Flags: xdpActNames()},
			codec.Attr{Name: "xdp-zc-max-segs", Const: "NETDEV_A_DEV_XDP_ZC_MAX_SEGS", Type: attrXDPZCMaxSegs, Kind: codec.KindU32},
			codec.Attr{Name: "xdp-rx-metadata-features", Const: "NETDEV_A_DEV_XDP_RX_METADATA_FEATURES", Type: attrXDPRxMetadataFeatures, Kind: codec.KindU64, Flags: xdpRxMetadataNames()},
			codec.Attr{Name: "xsk-features", Const: "NETDEV_A_DEV_XSK_FEATURES", Type: attrXSKFeatures, Kind: codec.KindU64, Flags: xskFeatureNames()},
		)
	})

	// familySchema is the netdev family as data (see Schema).
	familySchema = sync.OnceValue(func() *genl.FamilySchema {
		return &genl.FamilySchema{
			Name:    FamilyName,
			Version: Version,
			Attrs:   devSchema(),
			Commands: []genl.Command{
				{Cmd: CmdDevGet, Name: "DEV_GET"},
				{Cmd: CmdDevAddNtf, Name: "DEV_ADD_NTF"},
				{Cmd: CmdDevDelNtf, Name: "DEV_DEL_NTF"},
				{Cmd: CmdDevChangeNtf, Name: "DEV_CHANGE_NTF"},
			},
		}
	})
)

// Dev is one device's XDP capabilities. Flag sets are lists of names
// (unknown bits as "0x..."); nil when the kernel did not send them.
type Dev struct {
	Ifindex               uint32   `json:"ifindex"`
	XDPFeatures           []string `json:"xdp-features"`
	XDPZCMaxSegs          uint32   `json:"xdp-zc-max-segs,omitempty"`
	XDPRxMetadataFeatures []string `json:"xdp-rx-metadata-features"`
	XSKFeatures           []string `json:"xsk-features,omitempty"`
}

// Decode reads one DEV_GET reply (or notification) through the schema.
func Decode(attrs []byte) (*Dev, error) {
	t, err := devSchema().Decode(attrs)
	if err != nil {
		return nil, fmt.Errorf("netdev: %w", err)
	}
	var d Dev
	// An attribute of the wrong size decodes as codec.Raw, not uint64:
	// num reports it as absent instead of panicking.
	num := func(name string) (uint64, bool) {
		v, ok := t.Get(name)
		if !ok {
			return 0, false
		}
		n, ok := v.(uint64)
		return n, ok
	}
	if v, ok := num("ifindex"); ok {
		d.Ifindex = uint32(v)
	}
	if v, ok := num("xdp-zc-max-segs"); ok {
		d.XDPZCMaxSegs = uint32(v)
	}
	flags := func(name string, names map[uint64]string) []string {
		v, ok := num(name)
		if !ok {
			return nil
		}
		return flagNames(v, names)
	}
	d.XDPFeatures = flags("xdp-features", xdpActNames())
	d.XDPRxMetadataFeatures = flags("xdp-rx-metadata-features", xdpRxMetadataNames())
	d.XSKFeatures = flags("xsk-features", xskFeatureNames())
	if d.Ifindex == 0 {
		return nil, fmt.Errorf("netdev: device without ifindex")
	}
	return &d, nil
}

// flagNames names the set bits of v, lowest first; an empty (non-nil)
// list when none is set.
func flagNames(v uint64, names map[uint64]string) []string {
	out := []string{}
	for bit := uint64(1); bit != 0; bit <<= 1 {
		if v&bit == 0 {
			continue
		}
		if n, ok := names[bit]; ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprintf("%#x", bit))
		}
	}
	return out
}

// Client reads devices through the netdev family.
type Client struct {
	g *genl.Client
}

// New returns a Client over g and registers the family's schema on g.
func New(g *genl.Client) *Client {
	g.RegisterFunc(FamilyName, Schema)
	return &Client{g: g}
}

// Devices dumps every device of the namespace, by ifindex.
func (c *Client) Devices(ctx context.Context) ([]Dev, error) {
	var out []Dev
	err := c.g.DumpEach(ctx, FamilyName, CmdDevGet, nil, func(m genl.Message) error {
		d, err := Decode(m.Attrs)
		if err != nil {
			return err
		}
		out = append(out, *d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("netdev: list devices: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ifindex < out[j].Ifindex })
	return out, nil
}

// Device reads one device by ifindex.
func (c *Client) Device(ctx context.Context, ifindex uint32) (*Dev, error) {
	e := codec.NewEncoder(nil)
	e.Uint32(attrIfindex, ifindex)
	attrs, err := e.Encode()
	if err != nil {
		return nil, err
	}
	msgs, err := c.g.Do(ctx, FamilyName, CmdDevGet, 0, attrs)
	if err != nil {
		return nil, fmt.Errorf("netdev: device %d: %w", ifindex, err)
	}
	if len(msgs) != 1 {
		return nil, fmt.Errorf("netdev: device %d: %d replies, want 1", ifindex, len(msgs))
	}
	return Decode(msgs[0].Attrs)
}

// Schema returns the netdev family's device commands as data.
// It is built on first use and is the same value every time.
func Schema() *genl.FamilySchema { return familySchema() }
