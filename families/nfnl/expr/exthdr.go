package expr

import "github.com/nlsh/nlsh/core/codec"

// Exthdr is the "exthdr" expression: load (DestRegister) or write
// (SourceRegister) bytes of an extension header or option: a TCP
// option's field ("tcp option maxseg size"), an IPv6 extension header's.
type Exthdr struct {
	// register loaded (load form)
	DestRegister uint32 `json:"dest_register,omitempty"`
	// option or header type (TCPOPT_MAXSEG, ...)
	Type uint8 `json:"type,omitempty"`
	// bytes into it
	Offset uint32 `json:"offset,omitempty"`
	// bytes loaded or written
	Len uint32 `json:"len,omitempty"`
	// NFT_EXTHDR_F_PRESENT: load whether it is there
	Flags uint32 `json:"flags,omitempty"`
	// ExthdrIPv6, ExthdrTCPOpt, ExthdrIPv4, ...
	Op uint32 `json:"op,omitempty"`
	// register written from (write form)
	SourceRegister uint32 `json:"source_register,omitempty"`

	has presence
}

// NFTA_EXTHDR_* attributes and enum nft_exthdr_op.
const (
	attrExthdrDreg   = 1
	attrExthdrType   = 2
	attrExthdrOffset = 3
	attrExthdrLen    = 4
	attrExthdrFlags  = 5
	attrExthdrOp     = 6
	attrExthdrSreg   = 7

	ExthdrIPv6   uint32 = 0
	ExthdrTCPOpt uint32 = 1
	ExthdrIPv4   uint32 = 2
)

// Kind returns "exthdr".
func (x *Exthdr) Kind() string { return "exthdr" }

func (x *Exthdr) fields() []field {
	return []field{
		{attrExthdrDreg, fBe32, &x.DestRegister, false},
		{attrExthdrType, fU8, &x.Type, true},
		{attrExthdrOffset, fBe32, &x.Offset, true},
		{attrExthdrLen, fBe32, &x.Len, true},
		{attrExthdrFlags, fBe32, &x.Flags, false},
		{attrExthdrOp, fBe32, &x.Op, false},
		{attrExthdrSreg, fBe32, &x.SourceRegister, false},
	}
}

// Encode writes the expression's attributes.
func (x *Exthdr) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Exthdr) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
