package nfnl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// Message schemas for --trace and extack paths. Expressions are listed
// by name with their data kept as bytes.
var (
	exprSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nft_expr",
			codec.Attr{Name: "name", Const: "NFTA_EXPR_NAME", Type: 1, Kind: codec.KindString},
			codec.Attr{Name: "data", Const: "NFTA_EXPR_DATA", Type: 2, Kind: codec.KindBinary},
		)
	})
	tableSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nft_table",
			codec.Attr{Name: "name", Const: "NFTA_TABLE_NAME", Type: attrTableName, Kind: codec.KindString},
			codec.Attr{Name: "flags", Const: "NFTA_TABLE_FLAGS", Type: attrTableFlags, Kind: codec.KindBe32},
			codec.Attr{Name: "use", Const: "NFTA_TABLE_USE", Type: attrTableUse, Kind: codec.KindBe32},
			codec.Attr{Name: "handle", Const: "NFTA_TABLE_HANDLE", Type: attrTableHandle, Kind: codec.KindBe64},
			codec.Attr{Name: "userdata", Const: "NFTA_TABLE_USERDATA", Type: attrTableUserdata, Kind: codec.KindBinary},
		)
	})
	hookSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nft_hook",
			codec.Attr{Name: "hooknum", Const: "NFTA_HOOK_HOOKNUM", Type: attrHookNum, Kind: codec.KindBe32},
			codec.Attr{Name: "priority", Const: "NFTA_HOOK_PRIORITY", Type: attrHookPriority, Kind: codec.KindBe32},
			codec.Attr{Name: "dev", Const: "NFTA_HOOK_DEV", Type: attrHookDev, Kind: codec.KindString},
		)
	})
	chainSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nft_chain",
			codec.Attr{Name: "table", Const: "NFTA_CHAIN_TABLE", Type: attrChainTable, Kind: codec.KindString},
			codec.Attr{Name: "handle", Const: "NFTA_CHAIN_HANDLE", Type: attrChainHandle, Kind: codec.KindBe64},
			codec.Attr{Name: "name", Const: "NFTA_CHAIN_NAME", Type: attrChainName, Kind: codec.KindString},
			codec.Attr{Name: "hook", Const: "NFTA_CHAIN_HOOK", Type: attrChainHook, Kind: codec.KindNested, Nested: hookSchema()},
			codec.Attr{Name: "policy", Const: "NFTA_CHAIN_POLICY", Type: attrChainPolicy, Kind: codec.KindBe32},
			codec.Attr{Name: "use", Const: "NFTA_CHAIN_USE", Type: attrChainUse, Kind: codec.KindBe32},
			codec.Attr{Name: "type", Const: "NFTA_CHAIN_TYPE", Type: attrChainType, Kind: codec.KindString},
			codec.Attr{Name: "userdata", Const: "NFTA_CHAIN_USERDATA", Type: attrChainUserdata, Kind: codec.KindBinary},
		)
	})
	ruleSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nft_rule",
			codec.Attr{Name: "table", Const: "NFTA_RULE_TABLE", Type: attrRuleTable, Kind: codec.KindString},
			codec.Attr{Name: "chain", Const: "NFTA_RULE_CHAIN", Type: attrRuleChain, Kind: codec.KindString},
			codec.Attr{Name: "handle", Const: "NFTA_RULE_HANDLE", Type: attrRuleHandle, Kind: codec.KindBe64},
			codec.Attr{Name: "expressions", Const: "NFTA_RULE_EXPRESSIONS", Type: attrRuleExpressions, Kind: codec.KindNestedArray, Nested: exprSchema(), EntryType: attrListElem, Plain: true},
			codec.Attr{Name: "position", Const: "NFTA_RULE_POSITION", Type: attrRulePosition, Kind: codec.KindBe64},
			codec.Attr{Name: "userdata", Const: "NFTA_RULE_USERDATA", Type: attrRuleUserdata, Kind: codec.KindBinary},
		)
	})
	setSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nft_set",
			codec.Attr{Name: "table", Const: "NFTA_SET_TABLE", Type: attrSetTable, Kind: codec.KindString},
			codec.Attr{Name: "name", Const: "NFTA_SET_NAME", Type: attrSetName, Kind: codec.KindString},
			codec.Attr{Name: "flags", Const: "NFTA_SET_FLAGS", Type: attrSetFlags, Kind: codec.KindBe32},
			codec.Attr{Name: "key_type", Const: "NFTA_SET_KEY_TYPE", Type: attrSetKeyType, Kind: codec.KindBe32},
			codec.Attr{Name: "key_len", Const: "NFTA_SET_KEY_LEN", Type: attrSetKeyLen, Kind: codec.KindBe32},
			codec.Attr{Name: "data_type", Const: "NFTA_SET_DATA_TYPE", Type: attrSetDataType, Kind: codec.KindBe32},
			codec.Attr{Name: "data_len", Const: "NFTA_SET_DATA_LEN", Type: attrSetDataLen, Kind: codec.KindBe32},
			codec.Attr{Name: "desc", Const: "NFTA_SET_DESC", Type: attrSetDesc, Kind: codec.KindBinary},
			codec.Attr{Name: "id", Const: "NFTA_SET_ID", Type: attrSetID, Kind: codec.KindBe32},
			codec.Attr{Name: "timeout", Const: "NFTA_SET_TIMEOUT", Type: attrSetTimeout, Kind: codec.KindBe64},
			codec.Attr{Name: "userdata", Const: "NFTA_SET_USERDATA", Type: attrSetUserdata, Kind: codec.KindBinary},
			codec.Attr{Name: "handle", Const: "NFTA_SET_HANDLE", Type: attrSetHandle, Kind: codec.KindBe64},
		)
	})
	elemListSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nft_set_elem_list",
			codec.Attr{Name: "table", Const: "NFTA_SET_ELEM_LIST_TABLE", Type: attrElemListTable, Kind: codec.KindString},
			codec.Attr{Name: "set", Const: "NFTA_SET_ELEM_LIST_SET", Type: attrElemListSet, Kind: codec.KindString},
			codec.Attr{Name: "elements", Const: "NFTA_SET_ELEM_LIST_ELEMENTS", Type: attrElemListElements, Kind: codec.KindBinary},
			codec.Attr{Name: "set_id", Const: "NFTA_SET_ELEM_LIST_SET_ID", Type: attrElemListSetID, Kind: codec.KindBe32},
		)
	})
	genSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("nft_gen",
			codec.Attr{Name: "id", Const: "NFTA_GEN_ID", Type: attrGenID, Kind: codec.KindBe32},
		)
	})
	nfgenmsg = sync.OnceValue(func() *codec.Struct {
		return codec.NewStruct("nfgenmsg()", 4,
			codec.Attr{Name: "family", Kind: codec.KindU8, Offset: 0},
			codec.Attr{Name: "version", Kind: codec.KindU8, Offset: 1},
			codec.Attr{Name: "res_id", Kind: codec.KindBe16, Offset: 2},
		)
	})
	// protocol is the nf_tables message table, built on first use (a
	// trace, or a kernel error to name).
	protocol = sync.OnceValue(func() *codec.Protocol {
		return codec.NewProtocol("nftables",
			msgSchema("NFNL_MSG_BATCH_BEGIN", msgBatchBegin, codec.VerbOther, nil),
			msgSchema("NFNL_MSG_BATCH_END", msgBatchEnd, codec.VerbOther, nil),
			msgSchema("NFT_MSG_NEWTABLE", msgType(msgNewTable), codec.VerbNew, tableSchema()),
			msgSchema("NFT_MSG_GETTABLE", msgType(msgGetTable), codec.VerbGet, tableSchema()),
			msgSchema("NFT_MSG_DELTABLE", msgType(msgDelTable), codec.VerbDel, tableSchema()),
			msgSchema("NFT_MSG_NEWCHAIN", msgType(msgNewChain), codec.VerbNew, chainSchema()),
			msgSchema("NFT_MSG_GETCHAIN", msgType(msgGetChain), codec.VerbGet, chainSchema()),
			msgSchema("NFT_MSG_DELCHAIN", msgType(msgDelChain), codec.VerbDel, chainSchema()),
			msgSchema("NFT_MSG_NEWRULE", msgType(msgNewRule), codec.VerbNew, ruleSchema()),
			msgSchema("NFT_MSG_GETRULE", msgType(msgGetRule), codec.VerbGet, ruleSchema()),
			msgSchema("NFT_MSG_DELRULE", msgType(msgDelRule), codec.VerbDel, ruleSchema()),
			msgSchema("NFT_MSG_NEWSET", msgType(msgNewSet), codec.VerbNew, setSchema()),
			msgSchema("NFT_MSG_GETSET", msgType(msgGetSet), codec.VerbGet, setSchema()),
			msgSchema("NFT_MSG_DELSET", msgType(msgDelSet), codec.VerbDel, setSchema()),
			msgSchema("NFT_MSG_NEWSETELEM", msgType(msgNewSetElem), codec.VerbNew, elemListSchema()),
			msgSchema("NFT_MSG_GETSETELEM", msgType(msgGetSetElem), codec.VerbGet, elemListSchema()),
			msgSchema("NFT_MSG_DELSETELEM", msgType(msgDelSetElem), codec.VerbDel, elemListSchema()),
			msgSchema("NFT_MSG_NEWGEN", msgType(msgNewGen), codec.VerbOther, genSchema()),
			msgSchema("NFT_MSG_GETGEN", msgType(msgGetGen), codec.VerbGet, genSchema()),
			msgSchema("NFT_MSG_NEWOBJ", msgType(msgNewObj), codec.VerbNew, nil),
			msgSchema("NFT_MSG_GETOBJ", msgType(msgGetObj), codec.VerbGet, nil),
			msgSchema("NFT_MSG_DELOBJ", msgType(msgDelObj), codec.VerbDel, nil),
			msgSchema("NFT_MSG_NEWFLOWTABLE", msgType(msgNewFlowtable), codec.VerbNew, nil),
			msgSchema("NFT_MSG_GETFLOWTABLE", msgType(msgGetFlowtable), codec.VerbGet, nil),
			msgSchema("NFT_MSG_DELFLOWTABLE", msgType(msgDelFlowtable), codec.VerbDel, nil),
		)
	})
)

func msgSchema(name string, typ uint16, verb codec.Verb, attrs *codec.Schema) *codec.MessageSchema {
	return &codec.MessageSchema{Name: name, Type: typ, Verb: verb, Header: nfgenmsg(), Attrs: attrs}
}

// Protocol returns the nf_tables message table, for tracing.
func Protocol() *codec.Protocol { return protocol() }

// typeNamer names message types for the socket's errors from the protocol
// table, building it only when a name is asked for.
type typeNamer struct{}

func (typeNamer) TypeName(typ uint16) string { return protocol().TypeName(typ) }

// attrPath names the attribute an extack offset points at.
func attrPath(req []byte, offset uint32) string {
	h, err := codec.ParseHeader(req)
	if err != nil || int(h.Len) > len(req) || h.Len < codec.HeaderLen {
		return ""
	}
	return codec.AttrPath(protocol().Message(h.Type), req[codec.HeaderLen:h.Len], offset)
}
