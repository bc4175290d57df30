package expr

import "github.com/nlsh/nlsh/core/codec"

// Osf is the "osf" expression: load the name of the operating system a
// TCP SYN's fingerprint matches (16 bytes, a NUL-padded string) into a
// register: "osf name "Linux"", "osf ttl skip name "Linux"", with
// OsfVersion its version too ("osf version "Linux:4.x"").
type Osf struct {
	// register loaded
	DestRegister uint32 `json:"dest_register,omitempty"`
	// how the TTL is checked: OsfTTLGlobal ("osf name", the default),
	// OsfTTLLoose ("osf ttl loose"), OsfTTLSkip ("osf ttl skip")
	TTL uint8 `json:"ttl,omitempty"`
	// OsfVersion: the name and the version ("Linux:4.x")
	Flags uint32 `json:"flags,omitempty"`

	has presence
}

// NFTA_OSF_* attributes, the TTL checks and NFT_OSF_F_VERSION.
const (
	attrOsfDreg  = 1
	attrOsfTTL   = 2
	attrOsfFlags = 3

	OsfTTLGlobal uint8 = 0
	OsfTTLLoose  uint8 = 1
	OsfTTLSkip   uint8 = 2

	OsfVersion uint32 = 1
)

// Kind returns "osf".
func (x *Osf) Kind() string { return "osf" }

// fields are in the order nft sends them; nft sends the TTL, 0 too, and
// the flags only when set.
func (x *Osf) fields() []field {
	return []field{
		{attrOsfDreg, fBe32, &x.DestRegister, true},
		{attrOsfTTL, fU8, &x.TTL, true},
		{attrOsfFlags, fBe32, &x.Flags, false},
	}
}

// Encode writes the expression's attributes.
func (x *Osf) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Osf) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
