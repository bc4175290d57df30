package expr

import "github.com/nlsh/nlsh/core/codec"

// NAT is the "nat" expression: source or destination NAT to addresses and ports held in registers.
type NAT struct {
	// NATSnat or NATDnat
	Type uint32 `json:"type,omitempty"`
	// NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10)
	Family uint32 `json:"family,omitempty"`
	// register with the first address
	RegAddrMin uint32 `json:"reg_addr_min,omitempty"`
	// register with the last address
	RegAddrMax uint32 `json:"reg_addr_max,omitempty"`
	// register with the first port
	RegProtoMin uint32 `json:"reg_proto_min,omitempty"`
	// register with the last port
	RegProtoMax uint32 `json:"reg_proto_max,omitempty"`
	// NF_NAT_RANGE_* flags
	Flags uint32 `json:"flags,omitempty"`

	has presence
}

// NFTA_NAT_* attributes.
const (
	attrNATType        = 1
	attrNATFamily      = 2
	attrNATRegAddrMin  = 3
	attrNATRegAddrMax  = 4
	attrNATRegProtoMin = 5
	attrNATRegProtoMax = 6
	attrNATFlags       = 7
)

// NAT types and range flags.
const (
	NATSnat uint32 = 0
	NATDnat uint32 = 1

	NATRangeMapIPs          uint32 = 1
	NATRangeProtoSpecified  uint32 = 2
	NATRangeProtoRandom     uint32 = 4
	NATRangePersistent      uint32 = 8
	NATRangeProtoRandomFull uint32 = 16
	NATRangeProtoOffset     uint32 = 32
	NATRangeNetmap          uint32 = 64
)

// Kind returns "nat".
func (x *NAT) Kind() string { return "nat" }

func (x *NAT) fields() []field {
	return []field{
		{attrNATType, fBe32, &x.Type, true},
		{attrNATFamily, fBe32, &x.Family, true},
		{attrNATRegAddrMin, fBe32, &x.RegAddrMin, false},
		{attrNATRegAddrMax, fBe32, &x.RegAddrMax, false},
		{attrNATRegProtoMin, fBe32, &x.RegProtoMin, false},
		{attrNATRegProtoMax, fBe32, &x.RegProtoMax, false},
		{attrNATFlags, fBe32, &x.Flags, false},
	}
}

// Encode writes the expression's attributes.
func (x *NAT) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *NAT) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
