package expr

import "github.com/nlsh/nlsh/core/codec"

// Lookup is the "lookup" expression: look a register up in a set; with DestRegister, load the map's value.
type Lookup struct {
	// set name (\"__set%d\" for a new anonymous set)
	Set string `json:"set,omitempty"`
	// id of a set created in the same batch
	SetID uint32 `json:"set_i_d,omitempty"`
	// register holding the key
	SourceRegister uint32 `json:"source_register,omitempty"`
	// register loaded with the map value (0: not a map lookup)
	DestRegister uint32 `json:"dest_register,omitempty"`
	// LookupInvert to match when absent
	Flags uint32 `json:"flags,omitempty"`
	// IsMap marks a map lookup; DestRegister is then written even when it
	// is 0, the verdict register of a verdict map.
	IsMap bool `json:"map,omitempty"`

	has presence
}

// NFTA_LOOKUP_* attributes.
const (
	attrLookupSet   = 1
	attrLookupSetID = 4
	attrLookupSreg  = 2
	attrLookupDreg  = 3
	attrLookupFlags = 5
)

// LookupInvert (NFT_LOOKUP_F_INV) makes a lookup match keys not in the set.
const LookupInvert uint32 = 1

// Kind returns "lookup".
func (x *Lookup) Kind() string { return "lookup" }

func (x *Lookup) fields() []field {
	return []field{
		{attrLookupSet, fString, &x.Set, true},
		{attrLookupSetID, fBe32, &x.SetID, false},
		{attrLookupSreg, fBe32, &x.SourceRegister, true},
		{attrLookupDreg, fBe32, &x.DestRegister, x.IsMap},
		{attrLookupFlags, fBe32, &x.Flags, false},
	}
}

// Encode writes the expression's attributes.
func (x *Lookup) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Lookup) Decode(d *codec.Decoder) error {
	err := decodeFields(d, &x.has, x.fields())
	x.IsMap = x.has.has(attrLookupDreg)
	return err
}
