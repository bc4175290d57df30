package expr

import "github.com/nlsh/nlsh/core/codec"

// Tproxy is the "tproxy" expression: divert the packet to a local socket
// at the address and port in registers ("tproxy ip to 127.0.0.1:8080").
// Family is the NFPROTO of the address (2 ip, 10 ip6), or 0 in an inet
// table for a port alone.
type Tproxy struct {
	// NFPROTO of the address; 0 (unspecified) for a port alone in inet
	Family uint32 `json:"family"`
	// register of the address; 0 for none
	AddrRegister uint32 `json:"addr_register,omitempty"`
	// register of the port; 0 for none
	PortRegister uint32 `json:"port_register,omitempty"`

	has presence
}

// NFTA_TPROXY_* attributes.
const (
	attrTproxyFamily  = 1
	attrTproxyRegAddr = 2
	attrTproxyRegPort = 3
)

// Kind returns "tproxy".
func (x *Tproxy) Kind() string { return "tproxy" }

// fields are in the order nft sends them.
func (x *Tproxy) fields() []field {
	return []field{
		{attrTproxyFamily, fBe32, &x.Family, true},
		{attrTproxyRegAddr, fBe32, &x.AddrRegister, false},
		{attrTproxyRegPort, fBe32, &x.PortRegister, false},
	}
}

// Encode writes the expression's attributes.
func (x *Tproxy) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Tproxy) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
