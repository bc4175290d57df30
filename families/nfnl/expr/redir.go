package expr

import "github.com/nlsh/nlsh/core/codec"

// Redir is the "redir" expression: redirect to the local machine, optionally to other ports.
type Redir struct {
	// register with the first port
	RegProtoMin uint32 `json:"reg_proto_min,omitempty"`
	// register with the last port
	RegProtoMax uint32 `json:"reg_proto_max,omitempty"`
	// NF_NAT_RANGE_* flags
	Flags uint32 `json:"flags,omitempty"`

	has presence
}

// NFTA_REDIR_* attributes.
const (
	attrRedirRegProtoMin = 1
	attrRedirRegProtoMax = 2
	attrRedirFlags       = 3
)

// Kind returns "redir".
func (x *Redir) Kind() string { return "redir" }

func (x *Redir) fields() []field {
	return []field{
		{attrRedirRegProtoMin, fBe32, &x.RegProtoMin, false},
		{attrRedirRegProtoMax, fBe32, &x.RegProtoMax, false},
		{attrRedirFlags, fBe32, &x.Flags, false},
	}
}

// Encode writes the expression's attributes.
func (x *Redir) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Redir) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
