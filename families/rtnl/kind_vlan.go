package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// vlan: an 802.1Q / 802.1ad sub-interface of its parent (LinkSpec.Parent).
var vlanKind = sync.OnceValue(func() *linkKind {
	return newKind("vlan", 0,
		kindOption{Name: "id", Const: "IFLA_VLAN_ID", Type: 1, Kind: codec.KindU16, Max: 4094},
		kindOption{Name: "protocol", Const: "IFLA_VLAN_PROTOCOL", Type: 5, Kind: codec.KindBe16, Enum: vlanProtocols()},
		kindOption{Name: "flags", Const: "IFLA_VLAN_FLAGS", Type: 2, Kind: codec.KindStruct, Struct: vlanFlags(), Format: fmtFlagList,
			Flags: []flagName{{1, "REORDER_HDR"}, {2, "GVRP"}, {4, "LOOSE_BINDING"}, {8, "MVRP"}, {16, "BRIDGE_BINDING"}}},
	)
})

// vlanFlags is struct ifla_vlan_flags: VLAN_FLAG_* bits, and which of
// them count.
func vlanFlags() *codec.Struct {
	return codec.NewStruct("ifla_vlan_flags", 8,
		codec.Attr{Name: "flags", Kind: codec.KindU32, Offset: 0},
		codec.Attr{Name: "mask", Kind: codec.KindU32, Offset: 4})
}
