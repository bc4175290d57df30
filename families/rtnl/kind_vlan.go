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
	)
})
