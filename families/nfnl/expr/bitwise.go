package expr

import "github.com/nlsh/nlsh/core/codec"

// Bitwise is the "bitwise" expression: reg = (reg & Mask) ^ Xor, or a shift by Data, or a boolean operation with a second register.
type Bitwise struct {
	// register read
	SourceRegister uint32 `json:"source_register,omitempty"`
	// register written
	DestRegister uint32 `json:"dest_register,omitempty"`
	// bytes operated on
	Len uint32 `json:"len,omitempty"`
	// BitwiseMaskXor, BitwiseLshift, BitwiseRshift, ...
	Op uint32 `json:"op,omitempty"`
	// mask (mask-xor form)
	Mask []byte `json:"mask,omitempty"`
	// xor (mask-xor form)
	Xor []byte `json:"xor,omitempty"`
	// shift amount (shift forms)
	Data []byte `json:"data,omitempty"`
	// second operand register (and/or/xor forms)
	SourceRegister2 uint32 `json:"source_register2,omitempty"`

	has presence
}

// NFTA_BITWISE_* attributes.
const (
	attrBitwiseSreg  = 1
	attrBitwiseDreg  = 2
	attrBitwiseLen   = 3
	attrBitwiseOp    = 6
	attrBitwiseMask  = 4
	attrBitwiseXor   = 5
	attrBitwiseData  = 7
	attrBitwiseSreg2 = 8
)

// Bitwise operations (enum nft_bitwise_ops).
const (
	BitwiseMaskXor uint32 = 0
	BitwiseLshift  uint32 = 1
	BitwiseRshift  uint32 = 2
	BitwiseAnd     uint32 = 3
	BitwiseOr      uint32 = 4
	BitwiseXor     uint32 = 5
)

// Kind returns "bitwise".
func (x *Bitwise) Kind() string { return "bitwise" }

func (x *Bitwise) fields() []field {
	return []field{
		{attrBitwiseSreg, fBe32, &x.SourceRegister, true},
		{attrBitwiseDreg, fBe32, &x.DestRegister, true},
		{attrBitwiseLen, fBe32, &x.Len, true},
		{attrBitwiseOp, fBe32, &x.Op, false},
		{attrBitwiseMask, fData, &x.Mask, false},
		{attrBitwiseXor, fData, &x.Xor, false},
		{attrBitwiseData, fData, &x.Data, false},
		{attrBitwiseSreg2, fBe32, &x.SourceRegister2, false},
	}
}

// Encode writes the expression's attributes.
func (x *Bitwise) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Bitwise) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
