package expr

import "github.com/nlsh/nlsh/core/codec"

// Byteorder is the "byteorder" expression: convert a register between
// host and network byte order (nft puts one before an ordering
// comparison of a host-order key: "meta mark > 0x10").
type Byteorder struct {
	// register read
	SourceRegister uint32 `json:"source_register,omitempty"`
	// register written
	DestRegister uint32 `json:"dest_register,omitempty"`
	// ByteorderNtoh or ByteorderHton
	Op uint32 `json:"op,omitempty"`
	// bytes converted
	Len uint32 `json:"len,omitempty"`
	// size of each value converted: 2, 4 or 8
	Size uint32 `json:"size,omitempty"`

	has presence
}

// NFTA_BYTEORDER_* attributes and enum nft_byteorder_ops.
const (
	attrByteorderSreg = 1
	attrByteorderDreg = 2
	attrByteorderOp   = 3
	attrByteorderLen  = 4
	attrByteorderSize = 5

	ByteorderNtoh uint32 = 0
	ByteorderHton uint32 = 1
)

// Kind returns "byteorder".
func (x *Byteorder) Kind() string { return "byteorder" }

func (x *Byteorder) fields() []field {
	return []field{
		{attrByteorderSreg, fBe32, &x.SourceRegister, true},
		{attrByteorderDreg, fBe32, &x.DestRegister, true},
		{attrByteorderOp, fBe32, &x.Op, true},
		{attrByteorderLen, fBe32, &x.Len, true},
		{attrByteorderSize, fBe32, &x.Size, true},
	}
}

// Encode writes the expression's attributes.
func (x *Byteorder) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Byteorder) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
