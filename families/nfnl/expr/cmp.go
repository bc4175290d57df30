package expr

import "github.com/nlsh/nlsh/core/codec"

// Cmp is the "cmp" expression: compare a register with a constant; the rule stops when the comparison fails.
type Cmp struct {
	// register compared
	SourceRegister uint32 `json:"source_register,omitempty"`
	// CmpEq, CmpNeq, CmpLt, CmpLte, CmpGt, CmpGte
	Op uint32 `json:"op,omitempty"`
	// the constant, in register byte order
	Data []byte `json:"data,omitempty"`

	has presence
}

// NFTA_CMP_* attributes.
const (
	attrCmpSreg = 1
	attrCmpOp   = 2
	attrCmpData = 3
)

// Comparison operators (enum nft_cmp_ops), shared with Range.
const (
	CmpEq  uint32 = 0
	CmpNeq uint32 = 1
	CmpLt  uint32 = 2
	CmpLte uint32 = 3
	CmpGt  uint32 = 4
	CmpGte uint32 = 5
)

// Kind returns "cmp".
func (x *Cmp) Kind() string { return "cmp" }

func (x *Cmp) fields() []field {
	return []field{
		{attrCmpSreg, fBe32, &x.SourceRegister, true},
		{attrCmpOp, fBe32, &x.Op, true},
		{attrCmpData, fData, &x.Data, true},
	}
}

// Encode writes the expression's attributes.
func (x *Cmp) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Cmp) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
