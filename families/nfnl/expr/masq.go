package expr

import "github.com/nlsh/nlsh/core/codec"

// Masq is the "masq" expression: masquerade: source NAT to the outgoing interface's address.
type Masq struct {
	// NF_NAT_RANGE_* flags
	Flags uint32 `json:"flags,omitempty"`
	// register with the first port
	RegProtoMin uint32 `json:"reg_proto_min,omitempty"`
	// register with the last port
	RegProtoMax uint32 `json:"reg_proto_max,omitempty"`

	has presence
}

// NFTA_MASQ_* attributes.
const (
	attrMasqFlags       = 1
	attrMasqRegProtoMin = 2
	attrMasqRegProtoMax = 3
)

// Kind returns "masq".
func (x *Masq) Kind() string { return "masq" }

func (x *Masq) fields() []field {
	return []field{
		{attrMasqFlags, fBe32, &x.Flags, false},
		{attrMasqRegProtoMin, fBe32, &x.RegProtoMin, false},
		{attrMasqRegProtoMax, fBe32, &x.RegProtoMax, false},
	}
}

// Encode writes the expression's attributes.
func (x *Masq) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Masq) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
