package expr

import "github.com/nlsh/nlsh/core/codec"

// Numgen is the "numgen" expression: load a number from 0 to Modulus-1,
// plus Offset, into a register; one counting up per packet
// (NumgenIncremental, "numgen inc mod 2") or a random one (NumgenRandom,
// "numgen random mod 2").
type Numgen struct {
	// register loaded
	DestRegister uint32 `json:"dest_register,omitempty"`
	// how many numbers
	Modulus uint32 `json:"modulus,omitempty"`
	// NumgenIncremental or NumgenRandom
	Type uint32 `json:"type,omitempty"`
	// added to the number
	Offset uint32 `json:"offset,omitempty"`

	has presence
}

// NFTA_NG_* attributes and enum nft_ng_types.
const (
	attrNgDreg    = 1
	attrNgModulus = 2
	attrNgType    = 3
	attrNgOffset  = 4

	NumgenIncremental uint32 = 0
	NumgenRandom      uint32 = 1
)

// Kind returns "numgen".
func (x *Numgen) Kind() string { return "numgen" }

// fields are in the order nft sends them; nft sends the offset, 0 too.
func (x *Numgen) fields() []field {
	return []field{
		{attrNgDreg, fBe32, &x.DestRegister, true},
		{attrNgModulus, fBe32, &x.Modulus, true},
		{attrNgType, fBe32, &x.Type, true},
		{attrNgOffset, fBe32, &x.Offset, true},
	}
}

// Encode writes the expression's attributes.
func (x *Numgen) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Numgen) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
