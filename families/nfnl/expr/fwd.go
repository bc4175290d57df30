package expr

import "github.com/nlsh/nlsh/core/codec"

// Fwd is the "fwd" expression: forward the packet (netdev family) to a device, optionally via an address.
type Fwd struct {
	// register with the ifindex
	RegDev uint32 `json:"reg_dev,omitempty"`
	// register with the next hop
	RegAddr uint32 `json:"reg_addr,omitempty"`
	// family of the next hop
	NFProto uint32 `json:"n_f_proto,omitempty"`

	has presence
}

// NFTA_FWD_* attributes.
const (
	attrFwdSregDev  = 1
	attrFwdSregAddr = 2
	attrFwdNfproto  = 3
)

// Kind returns "fwd".
func (x *Fwd) Kind() string { return "fwd" }

func (x *Fwd) fields() []field {
	return []field{
		{attrFwdSregDev, fBe32, &x.RegDev, false},
		{attrFwdSregAddr, fBe32, &x.RegAddr, false},
		{attrFwdNfproto, fBe32, &x.NFProto, false},
	}
}

// Encode writes the expression's attributes.
func (x *Fwd) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Fwd) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
