package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// vxlan: IFLA_VXLAN_*. "remote" and "group" are the same attribute (a
// unicast or multicast peer), as are "remote6" and "group6"; an IPv6
// value given as "remote"/"local"/"group" goes to the IPv6 attribute.
// "link" is the underlay device (ip's "dev"): given by name or ifindex,
// listed by name where the link's names are resolved (ListLinks,
// GetLink), else by ifindex. "ttl_inherit" is set as a flag and
// reported as a u8 (vxlan_fill_info). "port_range" is {low=, high=}.
var vxlanKind = sync.OnceValue(func() *linkKind {
	return newKind("vxlan", 0,
		kindOption{Name: "id", Const: "IFLA_VXLAN_ID", Type: 1, Kind: codec.KindU32, Max: 1<<24 - 1},
		kindOption{Name: "remote", Const: "IFLA_VXLAN_GROUP", Type: 2, Kind: codec.KindAddr, V6: "remote6", Multicast: -1},
		kindOption{Name: "group", AliasOf: "remote", Multicast: 1},
		kindOption{Name: "link", Const: "IFLA_VXLAN_LINK", Type: 3, Kind: codec.KindU32, Dev: true},
		kindOption{Name: "local", Const: "IFLA_VXLAN_LOCAL", Type: 4, Kind: codec.KindAddr, V6: "local6"},
		kindOption{Name: "ttl", Const: "IFLA_VXLAN_TTL", Type: 5, Kind: codec.KindU8},
		kindOption{Name: "tos", Const: "IFLA_VXLAN_TOS", Type: 6, Kind: codec.KindU8},
		kindOption{Name: "learning", Const: "IFLA_VXLAN_LEARNING", Type: 7, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "ageing", Const: "IFLA_VXLAN_AGEING", Type: 8, Kind: codec.KindU32},
		kindOption{Name: "limit", Const: "IFLA_VXLAN_LIMIT", Type: 9, Kind: codec.KindU32},
		kindOption{Name: "port_range", Const: "IFLA_VXLAN_PORT_RANGE", Type: 10, Kind: codec.KindStruct, Struct: vxlanPortRange()},
		kindOption{Name: "proxy", Const: "IFLA_VXLAN_PROXY", Type: 11, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "rsc", Const: "IFLA_VXLAN_RSC", Type: 12, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "l2miss", Const: "IFLA_VXLAN_L2MISS", Type: 13, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "l3miss", Const: "IFLA_VXLAN_L3MISS", Type: 14, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "port", Const: "IFLA_VXLAN_PORT", Type: 15, Kind: codec.KindBe16},
		kindOption{Name: "remote6", Const: "IFLA_VXLAN_GROUP6", Type: 16, Kind: codec.KindAddr, Multicast: -1},
		kindOption{Name: "group6", AliasOf: "remote6", Multicast: 1},
		kindOption{Name: "local6", Const: "IFLA_VXLAN_LOCAL6", Type: 17, Kind: codec.KindAddr},
		kindOption{Name: "udp_csum", Const: "IFLA_VXLAN_UDP_CSUM", Type: 18, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "udp_zero_csum6_tx", Const: "IFLA_VXLAN_UDP_ZERO_CSUM6_TX", Type: 19, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "udp_zero_csum6_rx", Const: "IFLA_VXLAN_UDP_ZERO_CSUM6_RX", Type: 20, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "remcsum_tx", Const: "IFLA_VXLAN_REMCSUM_TX", Type: 21, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "remcsum_rx", Const: "IFLA_VXLAN_REMCSUM_RX", Type: 22, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "gbp", Const: "IFLA_VXLAN_GBP", Type: 23, Kind: codec.KindFlag},
		kindOption{Name: "remcsum_nopartial", Const: "IFLA_VXLAN_REMCSUM_NOPARTIAL", Type: 24, Kind: codec.KindFlag},
		kindOption{Name: "external", Const: "IFLA_VXLAN_COLLECT_METADATA", Type: 25, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "label", Const: "IFLA_VXLAN_LABEL", Type: 26, Kind: codec.KindBe32, Max: 0xfffff},
		kindOption{Name: "gpe", Const: "IFLA_VXLAN_GPE", Type: 27, Kind: codec.KindFlag},
		kindOption{Name: "ttl_inherit", Const: "IFLA_VXLAN_TTL_INHERIT", Type: 28, Kind: codec.KindFlag},
		kindOption{Name: "df", Const: "IFLA_VXLAN_DF", Type: 29, Kind: codec.KindU8, Enum: map[uint64]string{0: "unset", 1: "set", 2: "inherit"}},
		kindOption{Name: "vnifilter", Const: "IFLA_VXLAN_VNIFILTER", Type: 30, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "localbypass", Const: "IFLA_VXLAN_LOCALBYPASS", Type: 31, Kind: codec.KindU8, Bool: true},
		kindOption{Name: "label_policy", Const: "IFLA_VXLAN_LABEL_POLICY", Type: 32, Kind: codec.KindU32, Enum: map[uint64]string{0: "fixed", 1: "inherit"}},
		kindOption{Name: "reserved_bits", Const: "IFLA_VXLAN_RESERVED_BITS", Type: 33, Kind: codec.KindBe64, Format: fmtHex},
		kindOption{Name: "mcroute", Const: "IFLA_VXLAN_MC_ROUTE", Type: 34, Kind: codec.KindU8, Bool: true},
	)
})

// vxlanPortRange is struct ifla_vxlan_port_range: the UDP source ports,
// in network byte order.
func vxlanPortRange() *codec.Struct {
	return codec.NewStruct("ifla_vxlan_port_range", 4,
		codec.Attr{Name: "low", Kind: codec.KindBe16, Offset: 0},
		codec.Attr{Name: "high", Kind: codec.KindBe16, Offset: 2})
}
