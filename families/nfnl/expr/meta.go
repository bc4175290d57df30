package expr

import "github.com/nlsh/nlsh/core/codec"

// Meta is the "meta" expression: load packet metadata (a MetaKey) into a register, or set it from one.
type Meta struct {
	// which metadata (MetaMark, MetaIifname, ...)
	Key uint32 `json:"key,omitempty"`
	// register loaded (get form)
	DestRegister uint32 `json:"dest_register,omitempty"`
	// register read (set form)
	SourceRegister uint32 `json:"source_register,omitempty"`

	has presence
}

// NFTA_META_* attributes.
const (
	attrMetaKey  = 2
	attrMetaDreg = 1
	attrMetaSreg = 3
)

// Meta keys (enum nft_meta_keys).
const (
	MetaLen        uint32 = 0
	MetaProtocol   uint32 = 1
	MetaPriority   uint32 = 2
	MetaMark       uint32 = 3
	MetaIif        uint32 = 4
	MetaOif        uint32 = 5
	MetaIifname    uint32 = 6
	MetaOifname    uint32 = 7
	MetaIiftype    uint32 = 8
	MetaOiftype    uint32 = 9
	MetaSkuid      uint32 = 10
	MetaSkgid      uint32 = 11
	MetaNftrace    uint32 = 12
	MetaRtclassid  uint32 = 13
	MetaSecmark    uint32 = 14
	MetaNfproto    uint32 = 15
	MetaL4proto    uint32 = 16
	MetaBriIifname uint32 = 17
	MetaBriOifname uint32 = 18
	MetaPkttype    uint32 = 19
	MetaCPU        uint32 = 20
	MetaIifgroup   uint32 = 21
	MetaOifgroup   uint32 = 22
	MetaCgroup     uint32 = 23
	MetaPrandom    uint32 = 24
	MetaIifkind    uint32 = 26
	MetaOifkind    uint32 = 27
	MetaBriIifpvid uint32 = 28
	MetaBriIifvpro uint32 = 29
	MetaTimeNs     uint32 = 30
	MetaTimeDay    uint32 = 31
	MetaTimeHour   uint32 = 32
	MetaSdif       uint32 = 33
	MetaSdifname   uint32 = 34
	MetaBriBroute  uint32 = 35
)

// Kind returns "meta".
func (x *Meta) Kind() string { return "meta" }

func (x *Meta) fields() []field {
	return []field{
		{attrMetaKey, fBe32, &x.Key, true},
		{attrMetaDreg, fBe32, &x.DestRegister, false},
		{attrMetaSreg, fBe32, &x.SourceRegister, false},
	}
}

// Encode writes the expression's attributes.
func (x *Meta) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Meta) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
