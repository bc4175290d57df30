package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// vrf: a layer-3 master device bound to a routing table.
var vrfKind = sync.OnceValue(func() *linkKind {
	return newKind("vrf", 0,
		kindOption{Name: "table", Const: "IFLA_VRF_TABLE", Type: 1, Kind: codec.KindU32, Min: 1, Max: 0xffffffff},
	)
})
