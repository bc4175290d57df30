package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

func ipvlanOptions() []kindOption {
	return []kindOption{
		{Name: "mode", Const: "IFLA_IPVLAN_MODE", Type: 1, Kind: codec.KindU16,
			Enum: map[uint64]string{0: "l2", 1: "l3", 2: "l3s"}},
		{Name: "flags", Const: "IFLA_IPVLAN_FLAGS", Type: 2, Kind: codec.KindU16,
			Enum: map[uint64]string{0: "bridge", 1: "private", 2: "vepa"}, Format: fmtKeyToo},
	}
}

// ipvlan and ipvtap: IP-addressed sub-interfaces of a parent
// (LinkSpec.Parent).
var (
	ipvlanKind = sync.OnceValue(func() *linkKind {
		return newKind("ipvlan", 0, ipvlanOptions()...)
	})
	ipvtapKind = sync.OnceValue(func() *linkKind {
		return newKind("ipvtap", 0, ipvlanOptions()...)
	})
)
