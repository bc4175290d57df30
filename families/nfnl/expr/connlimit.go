package expr

import "github.com/nlsh/nlsh/core/codec"

// Connlimit is the "connlimit" expression: match while the connections
// of the packet's conntrack zone number at most Count ("ct count 10"),
// or more than Count with ConnlimitInvert ("ct count over 10").
type Connlimit struct {
	// the connection count
	Count uint32 `json:"count,omitempty"`
	// ConnlimitInvert for "over"
	Flags uint32 `json:"flags,omitempty"`

	has presence
}

// NFTA_CONNLIMIT_* attributes and flags.
const (
	attrConnlimitCount = 1
	attrConnlimitFlags = 2

	ConnlimitInvert uint32 = 1
)

// Kind returns "connlimit".
func (x *Connlimit) Kind() string { return "connlimit" }

func (x *Connlimit) fields() []field {
	return []field{
		{attrConnlimitCount, fBe32, &x.Count, true},
		{attrConnlimitFlags, fBe32, &x.Flags, false},
	}
}

// Encode writes the expression's attributes.
func (x *Connlimit) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Connlimit) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
