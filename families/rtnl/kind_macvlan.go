package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// macvlanModes names MACVLAN_MODE_* as ip prints them.
func macvlanModes() map[uint64]string {
	return map[uint64]string{1: "private", 2: "vepa", 4: "bridge", 8: "passthru", 16: "source"}
}

func macvlanOptions() []kindOption {
	return []kindOption{
		{Name: "mode", Const: "IFLA_MACVLAN_MODE", Type: 1, Kind: codec.KindU32, Enum: macvlanModes()},
		{Name: "flags", Const: "IFLA_MACVLAN_FLAGS", Type: 2, Kind: codec.KindU16},
		{Name: "bcqueuelen", Const: "IFLA_MACVLAN_BC_QUEUE_LEN", Type: 7, Kind: codec.KindU32},
		{Name: "usedbcqueuelen", Const: "IFLA_MACVLAN_BC_QUEUE_LEN_USED", Type: 8, Kind: codec.KindU32, ReadOnly: true},
		{Name: "macaddr_count", Const: "IFLA_MACVLAN_MACADDR_COUNT", Type: 6, Kind: codec.KindU32, ReadOnly: true},
		{Name: "bc_cutoff", Const: "IFLA_MACVLAN_BC_CUTOFF", Type: 9, Kind: codec.KindS32},
	}
}

// macvlan and macvtap: MAC-addressed sub-interfaces of a parent
// (LinkSpec.Parent).
var (
	macvlanKind = sync.OnceValue(func() *linkKind {
		return newKind("macvlan", 0, macvlanOptions()...)
	})
	macvtapKind = sync.OnceValue(func() *linkKind {
		return newKind("macvtap", 0, macvlanOptions()...)
	})
)
