package expr

import "github.com/nlsh/nlsh/core/codec"

// Range is the "range" expression: check that a register lies (CmpEq) or does not lie (CmpNeq) in [From, To].
type Range struct {
	// register compared
	SourceRegister uint32 `json:"source_register,omitempty"`
	// CmpEq or CmpNeq
	Op uint32 `json:"op,omitempty"`
	// lower bound
	From []byte `json:"from,omitempty"`
	// upper bound
	To []byte `json:"to,omitempty"`

	has presence
}

// NFTA_RANGE_* attributes.
const (
	attrRangeSreg = 1
	attrRangeOp   = 2
	attrRangeFrom = 3
	attrRangeTo   = 4
)

// Kind returns "range".
func (x *Range) Kind() string { return "range" }

func (x *Range) fields() []field {
	return []field{
		{attrRangeSreg, fBe32, &x.SourceRegister, true},
		{attrRangeOp, fBe32, &x.Op, true},
		{attrRangeFrom, fData, &x.From, true},
		{attrRangeTo, fData, &x.To, true},
	}
}

// Encode writes the expression's attributes.
func (x *Range) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Range) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
