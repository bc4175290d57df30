package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// ifaddrmsg is struct ifaddrmsg, the family header of address messages.
var ifaddrmsg = sync.OnceValue(func() *codec.Struct {
	return codec.NewStruct("ifaddrmsg", ifaddrmsgLen,
		codec.Attr{Name: "family", Kind: codec.KindU8, Offset: 0},
		codec.Attr{Name: "prefixlen", Kind: codec.KindU8, Offset: 1},
		codec.Attr{Name: "flags", Kind: codec.KindU8, Offset: 2},
		codec.Attr{Name: "scope", Kind: codec.KindU8, Offset: 3},
		codec.Attr{Name: "ifindex", Kind: codec.KindU32, Offset: 4},
	)
})

// addrSchema is the IFA_* attributes, named as `ip -j addr` names them.
var addrSchema = sync.OnceValue(func() *codec.Schema {
	return codec.NewSchema("addr",
		codec.Attr{Name: "address", Const: "IFA_ADDRESS", Type: ifaAddress, Kind: codec.KindAddr},
		codec.Attr{Name: "local", Const: "IFA_LOCAL", Type: ifaLocal, Kind: codec.KindAddr},
		codec.Attr{Name: "label", Const: "IFA_LABEL", Type: ifaLabel, Kind: codec.KindString},
		codec.Attr{Name: "broadcast", Const: "IFA_BROADCAST", Type: ifaBroadcast, Kind: codec.KindAddr},
		codec.Attr{Name: "anycast", Const: "IFA_ANYCAST", Type: ifaAnycast, Kind: codec.KindAddr},
		codec.Attr{Name: "cacheinfo", Const: "IFA_CACHEINFO", Type: ifaCacheinfo, Kind: codec.KindStruct,
			Struct: codec.NewStruct("ifa_cacheinfo", 16,
				codec.Attr{Name: "preferred_life_time", Kind: codec.KindU32, Offset: 0},
				codec.Attr{Name: "valid_life_time", Kind: codec.KindU32, Offset: 4},
				codec.Attr{Name: "cstamp", Kind: codec.KindU32, Offset: 8},
				codec.Attr{Name: "tstamp", Kind: codec.KindU32, Offset: 12})},
		codec.Attr{Name: "multicast", Const: "IFA_MULTICAST", Type: ifaMulticast, Kind: codec.KindAddr},
		codec.Attr{Name: "flags", Const: "IFA_FLAGS", Type: ifaFlags, Kind: codec.KindU32, Flags: ipFlagMap(ifaFlagNames)},
		codec.Attr{Name: "metric", Const: "IFA_RT_PRIORITY", Type: ifaRtPriority, Kind: codec.KindU32},
		codec.Attr{Name: "target_netnsid", Const: "IFA_TARGET_NETNSID", Type: 10, Kind: codec.KindS32},
		codec.Attr{Name: "protocol", Const: "IFA_PROTO", Type: ifaProto, Kind: codec.KindU8},
	)
})

func addrMessageSchemas() []*codec.MessageSchema {
	return []*codec.MessageSchema{
		{Name: "RTM_NEWADDR", Type: rtmNewAddr, Verb: codec.VerbNew, Header: ifaddrmsg(), Attrs: addrSchema()},
		{Name: "RTM_DELADDR", Type: rtmDelAddr, Verb: codec.VerbDel, Header: ifaddrmsg(), Attrs: addrSchema()},
		{Name: "RTM_GETADDR", Type: rtmGetAddr, Verb: codec.VerbGet, Header: ifaddrmsg(), Attrs: addrSchema()},
	}
}

// ipFlagMap turns a flag table into the codec's bit-name map.
func ipFlagMap(t []ipFlagName) map[uint64]string {
	m := make(map[uint64]string, len(t))
	for _, f := range t {
		m[uint64(f.bit)] = f.name
	}
	return m
}

// ipEnumMap turns an enum table into the codec's value-name map.
func ipEnumMap(t []ipEnumEntry) map[uint64]string {
	m := make(map[uint64]string, len(t))
	for _, e := range t {
		m[uint64(e.v)] = e.name
	}
	return m
}
