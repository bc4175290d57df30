package expr

import "github.com/nlsh/nlsh/core/codec"

// Dup is the "dup" expression: duplicate the packet to an address and/or device.
type Dup struct {
	// register with the address
	RegAddr uint32 `json:"reg_addr,omitempty"`
	// register with the ifindex
	RegDev uint32 `json:"reg_dev,omitempty"`

	has presence
}

// NFTA_DUP_* attributes.
const (
	attrDupSregAddr = 1
	attrDupSregDev  = 2
)

// Kind returns "dup".
func (x *Dup) Kind() string { return "dup" }

func (x *Dup) fields() []field {
	return []field{
		{attrDupSregAddr, fBe32, &x.RegAddr, false},
		{attrDupSregDev, fBe32, &x.RegDev, false},
	}
}

// Encode writes the expression's attributes.
func (x *Dup) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Dup) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
