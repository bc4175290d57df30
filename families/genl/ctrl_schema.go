package genl

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

var (
	ctrlOpSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ctrl-op",
			codec.Attr{Name: "id", Const: "CTRL_ATTR_OP_ID", Type: ctrlAttrOpID, Kind: codec.KindU32},
			codec.Attr{Name: "flags", Const: "CTRL_ATTR_OP_FLAGS", Type: ctrlAttrOpFlags, Kind: codec.KindU32, Flags: opFlagNames()},
		)
	})
	ctrlGroupSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("ctrl-mcast-group",
			codec.Attr{Name: "name", Const: "CTRL_ATTR_MCAST_GRP_NAME", Type: ctrlAttrMcastGrpName, Kind: codec.KindString},
			codec.Attr{Name: "id", Const: "CTRL_ATTR_MCAST_GRP_ID", Type: ctrlAttrMcastGrpID, Kind: codec.KindU32},
		)
	})
	ctrlPolicyAttrSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("policy-attr",
			codec.Attr{Name: "type", Const: "NL_POLICY_TYPE_ATTR_TYPE", Type: policyAttrType, Kind: codec.KindU32, Enum: policyTypeNames()},
			codec.Attr{Name: "min_value_s", Const: "NL_POLICY_TYPE_ATTR_MIN_VALUE_S", Type: policyAttrMinS, Kind: codec.KindS64},
			codec.Attr{Name: "max_value_s", Const: "NL_POLICY_TYPE_ATTR_MAX_VALUE_S", Type: policyAttrMaxS, Kind: codec.KindS64},
			codec.Attr{Name: "min_value_u", Const: "NL_POLICY_TYPE_ATTR_MIN_VALUE_U", Type: policyAttrMinU, Kind: codec.KindU64},
			codec.Attr{Name: "max_value_u", Const: "NL_POLICY_TYPE_ATTR_MAX_VALUE_U", Type: policyAttrMaxU, Kind: codec.KindU64},
			codec.Attr{Name: "min_length", Const: "NL_POLICY_TYPE_ATTR_MIN_LENGTH", Type: policyAttrMinLen, Kind: codec.KindU32},
			codec.Attr{Name: "max_length", Const: "NL_POLICY_TYPE_ATTR_MAX_LENGTH", Type: policyAttrMaxLen, Kind: codec.KindU32},
			codec.Attr{Name: "policy_idx", Const: "NL_POLICY_TYPE_ATTR_POLICY_IDX", Type: policyAttrPolicyIdx, Kind: codec.KindU32},
			codec.Attr{Name: "policy_maxtype", Const: "NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE", Type: policyAttrPolicyMaxType, Kind: codec.KindU32},
			codec.Attr{Name: "bitfield32_mask", Const: "NL_POLICY_TYPE_ATTR_BITFIELD32_MASK", Type: policyAttrBitfield32Mask, Kind: codec.KindU32},
			codec.Attr{Name: "mask", Const: "NL_POLICY_TYPE_ATTR_MASK", Type: policyAttrMask, Kind: codec.KindU64},
		)
	})
	// A policy index nest holds one nest per attribute type; both are
	// arrays whose entry types are the index and the attribute number.
	ctrlPolicyIdxSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("policy-index") // entries are keyed by attribute number: decoded raw by number.
	})

	ctrlOpPolicySchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("op-policy",
			codec.Attr{Name: "do", Const: "CTRL_ATTR_POLICY_DO", Type: ctrlAttrPolicyDo, Kind: codec.KindU32},
			codec.Attr{Name: "dump", Const: "CTRL_ATTR_POLICY_DUMP", Type: ctrlAttrPolicyDump, Kind: codec.KindU32},
		)
	})

	// ctrlFamilySchema is the controller's family schema (see CtrlSchema).
	ctrlFamilySchema = sync.OnceValue(func() *FamilySchema {
		return &FamilySchema{
			Name:    CtrlName,
			Version: 2,
			Attrs: codec.NewSchema("nlctrl",
				codec.Attr{Name: "family_id", Const: "CTRL_ATTR_FAMILY_ID", Type: ctrlAttrFamilyID, Kind: codec.KindU16},
				codec.Attr{Name: "family_name", Const: "CTRL_ATTR_FAMILY_NAME", Type: ctrlAttrFamilyName, Kind: codec.KindString},
				codec.Attr{Name: "version", Const: "CTRL_ATTR_VERSION", Type: ctrlAttrVersion, Kind: codec.KindU32},
				codec.Attr{Name: "hdrsize", Const: "CTRL_ATTR_HDRSIZE", Type: ctrlAttrHdrSize, Kind: codec.KindU32},
				codec.Attr{Name: "maxattr", Const: "CTRL_ATTR_MAXATTR", Type: ctrlAttrMaxAttr, Kind: codec.KindU32},
				codec.Attr{Name: "ops", Const: "CTRL_ATTR_OPS", Type: ctrlAttrOps, Kind: codec.KindNestedArray, Nested: ctrlOpSchema(), EntryType: 1, Indexed: true},
				codec.Attr{Name: "mcast_groups", Const: "CTRL_ATTR_MCAST_GROUPS", Type: ctrlAttrMcastGroups, Kind: codec.KindNestedArray, Nested: ctrlGroupSchema(), EntryType: 1, Indexed: true},
				codec.Attr{Name: "policy", Const: "CTRL_ATTR_POLICY", Type: ctrlAttrPolicy, Kind: codec.KindNestedArray, Nested: ctrlPolicyIdxSchema()},
				codec.Attr{Name: "op_policy", Const: "CTRL_ATTR_OP_POLICY", Type: ctrlAttrOpPolicy, Kind: codec.KindNestedArray, Nested: ctrlOpPolicySchema()},
				codec.Attr{Name: "op", Const: "CTRL_ATTR_OP", Type: ctrlAttrOp, Kind: codec.KindU32},
			),
			Commands: []Command{
				{Cmd: ctrlCmdNewFamily, Name: "NEWFAMILY"},
				{Cmd: ctrlCmdDelFamily, Name: "DELFAMILY"},
				{Cmd: ctrlCmdGetFamily, Name: "GETFAMILY"},
				{Cmd: ctrlCmdNewMcastGrp, Name: "NEWMCAST_GRP"},
				{Cmd: ctrlCmdDelMcastGrp, Name: "DELMCAST_GRP"},
				{Cmd: ctrlCmdGetPolicy, Name: "GETPOLICY"},
			},
		}
	})
)

// CtrlSchema returns the controller's own family schema: nlctrl is a
// family like any other for raw requests. It is built on first use and is
// the same value every time.
func CtrlSchema() *FamilySchema { return ctrlFamilySchema() }
