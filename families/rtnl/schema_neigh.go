package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// ndmsg is struct ndmsg, the family header of neighbour messages.
var ndmsg = sync.OnceValue(func() *codec.Struct {
	return codec.NewStruct("ndmsg", ndmsgLen,
		codec.Attr{Name: "family", Kind: codec.KindU8, Offset: 0},
		codec.Attr{Name: "ifindex", Kind: codec.KindS32, Offset: 4},
		codec.Attr{Name: "state", Kind: codec.KindU16, Offset: 8, Flags: ipFlagMap(ipNeighStates)},
		codec.Attr{Name: "flags", Kind: codec.KindU8, Offset: 10},
		codec.Attr{Name: "type", Kind: codec.KindU8, Offset: 11},
	)
})

// neighSchema is the NDA_* attributes, named as `ip -j neigh` names them.
var neighSchema = sync.OnceValue(func() *codec.Schema {
	return codec.NewSchema("neigh",
		codec.Attr{Name: "dst", Const: "NDA_DST", Type: ndaDst, Kind: codec.KindAddr},
		codec.Attr{Name: "lladdr", Const: "NDA_LLADDR", Type: ndaLladdr, Kind: codec.KindHWAddr},
		codec.Attr{Name: "cacheinfo", Const: "NDA_CACHEINFO", Type: 3, Kind: codec.KindBinary},
		codec.Attr{Name: "probes", Const: "NDA_PROBES", Type: ndaProbes, Kind: codec.KindU32},
		codec.Attr{Name: "vlan", Const: "NDA_VLAN", Type: 5, Kind: codec.KindU16},
		codec.Attr{Name: "port", Const: "NDA_PORT", Type: 6, Kind: codec.KindBe16},
		codec.Attr{Name: "vni", Const: "NDA_VNI", Type: 7, Kind: codec.KindU32},
		codec.Attr{Name: "ifindex", Const: "NDA_IFINDEX", Type: ndaIfindex, Kind: codec.KindU32},
		codec.Attr{Name: "master", Const: "NDA_MASTER", Type: 9, Kind: codec.KindU32},
		codec.Attr{Name: "protocol", Const: "NDA_PROTOCOL", Type: 12, Kind: codec.KindU8},
	)
})

func neighMessageSchemas() []*codec.MessageSchema {
	return []*codec.MessageSchema{
		{Name: "RTM_NEWNEIGH", Type: rtmNewNeigh, Verb: codec.VerbNew, Header: ndmsg(), Attrs: neighSchema()},
		{Name: "RTM_DELNEIGH", Type: rtmDelNeigh, Verb: codec.VerbDel, Header: ndmsg(), Attrs: neighSchema()},
		{Name: "RTM_GETNEIGH", Type: rtmGetNeigh, Verb: codec.VerbGet, Header: ndmsg(), Attrs: neighSchema()},
	}
}
