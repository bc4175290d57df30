package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// rtmsg is struct rtmsg, the family header of route messages.
var rtmsg = sync.OnceValue(func() *codec.Struct {
	return codec.NewStruct("rtmsg", rtmsgLen,
		codec.Attr{Name: "family", Kind: codec.KindU8, Offset: 0},
		codec.Attr{Name: "dst_len", Kind: codec.KindU8, Offset: 1},
		codec.Attr{Name: "src_len", Kind: codec.KindU8, Offset: 2},
		codec.Attr{Name: "tos", Kind: codec.KindU8, Offset: 3},
		codec.Attr{Name: "table", Kind: codec.KindU8, Offset: 4},
		codec.Attr{Name: "protocol", Kind: codec.KindU8, Offset: 5, Enum: ipEnumMap(ipRouteProtocols)},
		codec.Attr{Name: "scope", Kind: codec.KindU8, Offset: 6, Enum: ipEnumMap(ipScopes)},
		codec.Attr{Name: "type", Kind: codec.KindU8, Offset: 7, Enum: ipEnumMap(ipRouteTypes)},
		codec.Attr{Name: "flags", Kind: codec.KindU32, Offset: 8, Flags: ipFlagMap(ipRouteFlags)},
	)
})

// routeMetricsSchema is the RTAX_* nest of RTA_METRICS.
var routeMetricsSchema = sync.OnceValue(func() *codec.Schema {
	var as []codec.Attr
	for _, m := range ipRouteMetricNames {
		as = append(as, codec.Attr{Name: m.name, Const: "RTAX_" + upper(m.name), Type: uint16(m.v), Kind: codec.KindU32})
	}
	as = append(as, codec.Attr{Name: "congctl", Const: "RTAX_CC_ALGO", Type: rtaxCCAlgo, Kind: codec.KindString})
	return codec.NewSchema("route metrics", as...)
})

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// routeSchema is the RTA_* attributes, named as `ip -j route` names them.
// RTA_MULTIPATH (an array of struct rtnexthop) is kept raw.
var routeSchema = sync.OnceValue(func() *codec.Schema {
	return codec.NewSchema("route",
		codec.Attr{Name: "dst", Const: "RTA_DST", Type: rtaDst, Kind: codec.KindAddr},
		codec.Attr{Name: "src", Const: "RTA_SRC", Type: rtaSrc, Kind: codec.KindAddr},
		codec.Attr{Name: "iif", Const: "RTA_IIF", Type: rtaIif, Kind: codec.KindU32},
		codec.Attr{Name: "oif", Const: "RTA_OIF", Type: rtaOif, Kind: codec.KindU32},
		codec.Attr{Name: "gateway", Const: "RTA_GATEWAY", Type: rtaGateway, Kind: codec.KindAddr},
		codec.Attr{Name: "metric", Const: "RTA_PRIORITY", Type: rtaPriority, Kind: codec.KindU32},
		codec.Attr{Name: "prefsrc", Const: "RTA_PREFSRC", Type: rtaPrefsrc, Kind: codec.KindAddr},
		codec.Attr{Name: "metrics", Const: "RTA_METRICS", Type: rtaMetrics, Kind: codec.KindNested, Nested: routeMetricsSchema(), Plain: true},
		codec.Attr{Name: "multipath", Const: "RTA_MULTIPATH", Type: rtaMultipath, Kind: codec.KindBinary},
		codec.Attr{Name: "flow", Const: "RTA_FLOW", Type: rtaFlow, Kind: codec.KindU32},
		codec.Attr{Name: "cacheinfo", Const: "RTA_CACHEINFO", Type: rtaCacheinfo, Kind: codec.KindBinary},
		codec.Attr{Name: "table", Const: "RTA_TABLE", Type: rtaTable, Kind: codec.KindU32},
		codec.Attr{Name: "mark", Const: "RTA_MARK", Type: rtaMark, Kind: codec.KindU32},
		codec.Attr{Name: "via", Const: "RTA_VIA", Type: rtaVia, Kind: codec.KindBinary},
		codec.Attr{Name: "pref", Const: "RTA_PREF", Type: rtaPref, Kind: codec.KindU8, Enum: ipEnumMap(ipRoutePrefs)},
		codec.Attr{Name: "encap_type", Const: "RTA_ENCAP_TYPE", Type: rtaEncapType, Kind: codec.KindU16},
		codec.Attr{Name: "encap", Const: "RTA_ENCAP", Type: rtaEncap, Kind: codec.KindBinary},
		codec.Attr{Name: "expires", Const: "RTA_EXPIRES", Type: rtaExpires, Kind: codec.KindU64},
		codec.Attr{Name: "uid", Const: "RTA_UID", Type: rtaUID, Kind: codec.KindU32},
		codec.Attr{Name: "nhid", Const: "RTA_NH_ID", Type: rtaNhID, Kind: codec.KindU32},
	)
})

func routeMessageSchemas() []*codec.MessageSchema {
	return []*codec.MessageSchema{
		{Name: "RTM_NEWROUTE", Type: rtmNewRoute, Verb: codec.VerbNew, Header: rtmsg(), Attrs: routeSchema()},
		{Name: "RTM_DELROUTE", Type: rtmDelRoute, Verb: codec.VerbDel, Header: rtmsg(), Attrs: routeSchema()},
		{Name: "RTM_GETROUTE", Type: rtmGetRoute, Verb: codec.VerbGet, Header: rtmsg(), Attrs: routeSchema()},
	}
}
