package expr

import "github.com/nlsh/nlsh/core/codec"

// Dynset is the "dynset" expression: add or update the packet's key in a set from the rule ("add @s { ip saddr }").
type Dynset struct {
	// set name
	SetName string `json:"set_name,omitempty"`
	// id of a set in the same batch
	SetID uint32 `json:"set_i_d,omitempty"`
	// key register
	SourceRegisterKey uint32 `json:"source_register_key,omitempty"`
	// data register (maps)
	SourceRegisterData uint32 `json:"source_register_data,omitempty"`
	// 0 add, 1 update, 2 delete
	Op uint32 `json:"op,omitempty"`
	// element timeout in ms
	Timeout uint64 `json:"timeout,omitempty"`
	// an attached expression, kept raw
	Expr []byte `json:"expr,omitempty"`
	// NFT_DYNSET_F_*
	Flags uint32 `json:"flags,omitempty"`
	// attached expressions, kept raw
	Exprs []byte `json:"exprs,omitempty"`

	has presence
}

// NFTA_DYNSET_* attributes.
const (
	attrDynsetSetName  = 1
	attrDynsetSetID    = 2
	attrDynsetSregKey  = 4
	attrDynsetSregData = 5
	attrDynsetOp       = 3
	attrDynsetTimeout  = 6
	attrDynsetExpr     = 7
	attrDynsetFlags    = 9
	attrDynsetExprs    = 10
)

// Kind returns "dynset".
func (x *Dynset) Kind() string { return "dynset" }

func (x *Dynset) fields() []field {
	return []field{
		{attrDynsetSetName, fString, &x.SetName, true},
		{attrDynsetSetID, fBe32, &x.SetID, false},
		{attrDynsetSregKey, fBe32, &x.SourceRegisterKey, true},
		{attrDynsetSregData, fBe32, &x.SourceRegisterData, false},
		{attrDynsetOp, fBe32, &x.Op, true},
		{attrDynsetTimeout, fBe64, &x.Timeout, false},
		{attrDynsetExpr, fBytes, &x.Expr, false},
		{attrDynsetFlags, fBe32, &x.Flags, false},
		{attrDynsetExprs, fBytes, &x.Exprs, false},
	}
}

// Encode writes the expression's attributes.
func (x *Dynset) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Dynset) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
