package expr

import "github.com/nlsh/nlsh/core/codec"

// Rt is the "rt" expression: load routing data of the packet (the route's
// TCP MSS for "rt mtu", its next hop, ...).
type Rt struct {
	// register loaded
	DestRegister uint32 `json:"dest_register,omitempty"`
	// RtClassid, RtNexthop4, RtNexthop6, RtTCPMSS, RtXfrm
	Key uint32 `json:"key,omitempty"`

	has presence
}

// NFTA_RT_* attributes and enum nft_rt_keys.
const (
	attrRtDreg = 1
	attrRtKey  = 2

	RtClassid  uint32 = 0
	RtNexthop4 uint32 = 1
	RtNexthop6 uint32 = 2
	RtTCPMSS   uint32 = 3
	RtXfrm     uint32 = 4
)

// Kind returns "rt".
func (x *Rt) Kind() string { return "rt" }

func (x *Rt) fields() []field {
	return []field{
		{attrRtDreg, fBe32, &x.DestRegister, true},
		{attrRtKey, fBe32, &x.Key, true},
	}
}

// Encode writes the expression's attributes.
func (x *Rt) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Rt) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
