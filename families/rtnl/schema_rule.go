package rtnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// fibRuleHdr is struct fib_rule_hdr, the family header of rule messages.
var fibRuleHdr = sync.OnceValue(func() *codec.Struct {
	return codec.NewStruct("fib_rule_hdr", fibRuleHdrLen,
		codec.Attr{Name: "family", Kind: codec.KindU8, Offset: 0},
		codec.Attr{Name: "dst_len", Kind: codec.KindU8, Offset: 1},
		codec.Attr{Name: "src_len", Kind: codec.KindU8, Offset: 2},
		codec.Attr{Name: "tos", Kind: codec.KindU8, Offset: 3},
		codec.Attr{Name: "table", Kind: codec.KindU8, Offset: 4},
		codec.Attr{Name: "action", Kind: codec.KindU8, Offset: 7, Enum: ipEnumMap(ipRuleActions)},
		codec.Attr{Name: "flags", Kind: codec.KindU32, Offset: 8},
	)
})

// ruleSchema is the FRA_* attributes, named as `ip -j rule` names them.
var ruleSchema = sync.OnceValue(func() *codec.Schema {
	return codec.NewSchema("rule",
		codec.Attr{Name: "dst", Const: "FRA_DST", Type: fraDst, Kind: codec.KindAddr},
		codec.Attr{Name: "src", Const: "FRA_SRC", Type: fraSrc, Kind: codec.KindAddr},
		codec.Attr{Name: "iif", Const: "FRA_IIFNAME", Type: fraIifname, Kind: codec.KindString},
		codec.Attr{Name: "goto", Const: "FRA_GOTO", Type: fraGoto, Kind: codec.KindU32},
		codec.Attr{Name: "priority", Const: "FRA_PRIORITY", Type: fraPriority, Kind: codec.KindU32},
		codec.Attr{Name: "fwmark", Const: "FRA_FWMARK", Type: fraFwmark, Kind: codec.KindU32},
		codec.Attr{Name: "flow", Const: "FRA_FLOW", Type: 11, Kind: codec.KindU32},
		codec.Attr{Name: "tun_id", Const: "FRA_TUN_ID", Type: 12, Kind: codec.KindBe64},
		codec.Attr{Name: "suppress_ifgroup", Const: "FRA_SUPPRESS_IFGROUP", Type: 13, Kind: codec.KindU32},
		codec.Attr{Name: "suppress_prefixlen", Const: "FRA_SUPPRESS_PREFIXLEN", Type: fraSuppressPlen, Kind: codec.KindS32},
		codec.Attr{Name: "table", Const: "FRA_TABLE", Type: fraTable, Kind: codec.KindU32},
		codec.Attr{Name: "fwmask", Const: "FRA_FWMASK", Type: fraFwmask, Kind: codec.KindU32},
		codec.Attr{Name: "oif", Const: "FRA_OIFNAME", Type: fraOifname, Kind: codec.KindString},
		codec.Attr{Name: "l3mdev", Const: "FRA_L3MDEV", Type: 19, Kind: codec.KindU8},
		codec.Attr{Name: "uid_range", Const: "FRA_UID_RANGE", Type: 20, Kind: codec.KindBinary},
		codec.Attr{Name: "protocol", Const: "FRA_PROTOCOL", Type: fraProtocol, Kind: codec.KindU8, Enum: ipEnumMap(ipRouteProtocols)},
		codec.Attr{Name: "ipproto", Const: "FRA_IP_PROTO", Type: 22, Kind: codec.KindU8},
		codec.Attr{Name: "sport_range", Const: "FRA_SPORT_RANGE", Type: 23, Kind: codec.KindBinary},
		codec.Attr{Name: "dport_range", Const: "FRA_DPORT_RANGE", Type: 24, Kind: codec.KindBinary},
	)
})

func ruleMessageSchemas() []*codec.MessageSchema {
	return []*codec.MessageSchema{
		{Name: "RTM_NEWRULE", Type: rtmNewRule, Verb: codec.VerbNew, Header: fibRuleHdr(), Attrs: ruleSchema()},
		{Name: "RTM_DELRULE", Type: rtmDelRule, Verb: codec.VerbDel, Header: fibRuleHdr(), Attrs: ruleSchema()},
		{Name: "RTM_GETRULE", Type: rtmGetRule, Verb: codec.VerbGet, Header: fibRuleHdr(), Attrs: ruleSchema()},
	}
}
