package expr

import "github.com/nlsh/nlsh/core/codec"

// Ct is the "ct" expression: load conntrack state (a CtKey) into a register, or set it.
type Ct struct {
	// register loaded (get form)
	DestRegister uint32 `json:"dest_register,omitempty"`
	// register read (set form)
	SourceRegister uint32 `json:"source_register,omitempty"`
	// CtState, CtMark, CtStatus, ...
	Key uint32 `json:"key,omitempty"`
	// 0 original, 1 reply (for the keys that take one)
	Direction uint8 `json:"direction,omitempty"`

	has presence
}

// NFTA_CT_* attributes.
const (
	attrCtDreg      = 1
	attrCtSreg      = 4
	attrCtKey       = 2
	attrCtDirection = 3
)

// Conntrack keys (enum nft_ct_keys).
const (
	CtState      uint32 = 0
	CtDirection  uint32 = 1
	CtStatus     uint32 = 2
	CtMark       uint32 = 3
	CtSecmark    uint32 = 4
	CtExpiration uint32 = 5
	CtHelper     uint32 = 6
	CtL3protocol uint32 = 7
	CtSrc        uint32 = 8
	CtDst        uint32 = 9
	CtProtocol   uint32 = 10
	CtProtoSrc   uint32 = 11
	CtProtoDst   uint32 = 12
	CtLabels     uint32 = 13
	CtPkts       uint32 = 14
	CtBytes      uint32 = 15
	CtAvgpkt     uint32 = 16
	CtZone       uint32 = 17
	CtEventmask  uint32 = 18
)

// Conntrack state bits as ct load state gives them.
const (
	CtStateInvalid     uint32 = 1
	CtStateEstablished uint32 = 2
	CtStateRelated     uint32 = 4
	CtStateNew         uint32 = 8
	CtStateUntracked   uint32 = 64
)

// Kind returns "ct".
func (x *Ct) Kind() string { return "ct" }

// SetDirection gives the expression a direction, 0 (original) included:
// the keys of one direction's tuple (addresses, ports) need one.
func (x *Ct) SetDirection(d uint8) {
	x.Direction = d
	x.has.add(attrCtDirection)
}

// DirectionSet reports whether the expression carries a direction.
func (x *Ct) DirectionSet() bool { return x.Direction != 0 || x.has.has(attrCtDirection) }

func (x *Ct) fields() []field {
	return []field{
		{attrCtDreg, fBe32, &x.DestRegister, false},
		{attrCtSreg, fBe32, &x.SourceRegister, false},
		{attrCtKey, fBe32, &x.Key, true},
		{attrCtDirection, fU8, &x.Direction, false},
	}
}

// Encode writes the expression's attributes.
func (x *Ct) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Ct) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
