package expr

import "github.com/nlsh/nlsh/core/codec"

// Reject is the "reject" expression: drop the packet and answer with an ICMP error or a TCP reset.
type Reject struct {
	// RejectICMPUnreach, RejectTCPRst, RejectICMPXUnreach
	Type uint32 `json:"type,omitempty"`
	// ICMP (or ICMPX) code
	Code uint8 `json:"code,omitempty"`

	has presence
}

// NFTA_REJECT_* attributes.
const (
	attrRejectType = 1
	attrRejectCode = 2
)

// Reject types (enum nft_reject_types) and ICMPX codes.
const (
	RejectICMPUnreach  uint32 = 0
	RejectTCPRst       uint32 = 1
	RejectICMPXUnreach uint32 = 2

	ICMPXNoRoute         uint8 = 0
	ICMPXPortUnreach     uint8 = 1
	ICMPXHostUnreach     uint8 = 2
	ICMPXAdminProhibited uint8 = 3
)

// Kind returns "reject".
func (x *Reject) Kind() string { return "reject" }

func (x *Reject) fields() []field {
	return []field{
		{attrRejectType, fBe32, &x.Type, true},
		{attrRejectCode, fU8, &x.Code, x.Type != RejectTCPRst},
	}
}

// Encode writes the expression's attributes.
func (x *Reject) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Reject) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
