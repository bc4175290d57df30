package expr

import "github.com/nlsh/nlsh/core/codec"

// Limit is the "limit" expression: rate-limit matching packets or bytes.
type Limit struct {
	// packets (or bytes) per Unit
	Rate uint64 `json:"rate,omitempty"`
	// period in seconds (1, 60, 3600, 86400, 604800)
	Unit uint64 `json:"unit,omitempty"`
	// burst
	Burst uint32 `json:"burst,omitempty"`
	// LimitPackets or LimitBytes
	Type uint32 `json:"type,omitempty"`
	// LimitInvert for \"over\"
	Flags uint32 `json:"flags,omitempty"`

	has presence
}

// NFTA_LIMIT_* attributes.
const (
	attrLimitRate  = 1
	attrLimitUnit  = 2
	attrLimitBurst = 3
	attrLimitType  = 4
	attrLimitFlags = 5
)

// Limit types and flags.
const (
	LimitPackets uint32 = 0
	LimitBytes   uint32 = 1
	LimitInvert  uint32 = 1
)

// Kind returns "limit".
func (x *Limit) Kind() string { return "limit" }

func (x *Limit) fields() []field {
	return []field{
		{attrLimitRate, fBe64, &x.Rate, true},
		{attrLimitUnit, fBe64, &x.Unit, true},
		{attrLimitBurst, fBe32, &x.Burst, true},
		{attrLimitType, fBe32, &x.Type, true},
		{attrLimitFlags, fBe32, &x.Flags, true},
	}
}

// Encode writes the expression's attributes.
func (x *Limit) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Limit) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
