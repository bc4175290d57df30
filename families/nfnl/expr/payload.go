package expr

import "github.com/nlsh/nlsh/core/codec"

// Payload is the "payload" expression: load bytes from a packet header into a register, or (with SourceRegister) write a register into the packet.
type Payload struct {
	// register loaded (load form)
	DestRegister uint32 `json:"dest_register,omitempty"`
	// register written to the packet (set form)
	SourceRegister uint32 `json:"source_register,omitempty"`
	// header: PayloadLL, PayloadNetwork, PayloadTransport, ...
	Base uint32 `json:"base,omitempty"`
	// offset in the header, bytes
	Offset uint32 `json:"offset,omitempty"`
	// length in bytes
	Len uint32 `json:"len,omitempty"`
	// checksum to fix up (set form)
	CsumType uint32 `json:"csum_type,omitempty"`
	// checksum offset (set form)
	CsumOffset uint32 `json:"csum_offset,omitempty"`
	// checksum flags (set form)
	CsumFlags uint32 `json:"csum_flags,omitempty"`

	has presence
}

// NFTA_PAYLOAD_* attributes.
const (
	attrPayloadDreg       = 1
	attrPayloadSreg       = 5
	attrPayloadBase       = 2
	attrPayloadOffset     = 3
	attrPayloadLen        = 4
	attrPayloadCsumType   = 6
	attrPayloadCsumOffset = 7
	attrPayloadCsumFlags  = 8
)

// Payload bases (enum nft_payload_bases).
const (
	PayloadLL        uint32 = 0
	PayloadNetwork   uint32 = 1
	PayloadTransport uint32 = 2
	PayloadInner     uint32 = 3
	PayloadTunnel    uint32 = 4
)

// Kind returns "payload".
func (x *Payload) Kind() string { return "payload" }

func (x *Payload) fields() []field {
	return []field{
		{attrPayloadDreg, fBe32, &x.DestRegister, false},
		{attrPayloadSreg, fBe32, &x.SourceRegister, false},
		{attrPayloadBase, fBe32, &x.Base, true},
		{attrPayloadOffset, fBe32, &x.Offset, true},
		{attrPayloadLen, fBe32, &x.Len, true},
		{attrPayloadCsumType, fBe32, &x.CsumType, false},
		{attrPayloadCsumOffset, fBe32, &x.CsumOffset, false},
		{attrPayloadCsumFlags, fBe32, &x.CsumFlags, false},
	}
}

// Encode writes the expression's attributes.
func (x *Payload) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Payload) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
