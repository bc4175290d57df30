package expr

import "github.com/nlsh/nlsh/core/codec"

// Fib is the "fib" expression: look the packet up in the routing table (oif, oifname or address type).
type Fib struct {
	// register loaded
	DestRegister uint32 `json:"dest_register,omitempty"`
	// 1 oif, 2 oifname, 3 type
	Result uint32 `json:"result,omitempty"`
	// NFTA_FIB_F_* (saddr, daddr, mark, iif, oif, present)
	Flags uint32 `json:"flags,omitempty"`

	has presence
}

// NFTA_FIB_* attributes.
const (
	attrFibDreg   = 1
	attrFibResult = 2
	attrFibFlags  = 3
)

// Kind returns "fib".
func (x *Fib) Kind() string { return "fib" }

func (x *Fib) fields() []field {
	return []field{
		{attrFibDreg, fBe32, &x.DestRegister, true},
		{attrFibResult, fBe32, &x.Result, true},
		{attrFibFlags, fBe32, &x.Flags, true},
	}
}

// Encode writes the expression's attributes.
func (x *Fib) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Fib) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
