package expr

import "github.com/nlsh/nlsh/core/codec"

// Notrack is the "notrack" expression: skip connection tracking for the
// packet. It has no attributes.
type Notrack struct{}

// Kind returns "notrack".
func (*Notrack) Kind() string { return "notrack" }

// Encode writes nothing.
func (*Notrack) Encode(*codec.Encoder) {}

// Decode accepts an empty payload.
func (*Notrack) Decode(d *codec.Decoder) error {
	for d.Next() {
	}
	return d.Err()
}
