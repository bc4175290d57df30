package expr

import "github.com/nlsh/nlsh/core/codec"

// Counter is the "counter" expression: count packets and bytes.
type Counter struct {
	// bytes counted
	Bytes uint64 `json:"bytes,omitempty"`
	// packets counted
	Packets uint64 `json:"packets,omitempty"`

	has presence
}

// NFTA_COUNTER_* attributes.
const (
	attrCounterBytes   = 1
	attrCounterPackets = 2
)

// Kind returns "counter".
func (x *Counter) Kind() string { return "counter" }

func (x *Counter) fields() []field {
	return []field{
		{attrCounterBytes, fBe64, &x.Bytes, false},
		{attrCounterPackets, fBe64, &x.Packets, false},
	}
}

// Encode writes the expression's attributes.
func (x *Counter) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Counter) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
