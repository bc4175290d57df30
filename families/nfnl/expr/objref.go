package expr

import "github.com/nlsh/nlsh/core/codec"

// Objref is the "objref" expression: use a named stateful object (counter, quota, limit), directly or chosen by a map.
type Objref struct {
	// object type (1 counter, 2 quota, 4 limit, ...)
	Type uint32 `json:"type,omitempty"`
	// object name
	Name string `json:"name,omitempty"`
	// key register (map form)
	SourceRegister uint32 `json:"source_register,omitempty"`
	// object map name
	SetName string `json:"set_name,omitempty"`
	// id of a map in the same batch
	SetID uint32 `json:"set_i_d,omitempty"`

	has presence
}

// NFTA_OBJREF_* attributes.
const (
	attrObjrefImmType = 1
	attrObjrefImmName = 2
	attrObjrefSetSreg = 3
	attrObjrefSetName = 4
	attrObjrefSetID   = 5
)

// Kind returns "objref".
func (x *Objref) Kind() string { return "objref" }

func (x *Objref) fields() []field {
	return []field{
		{attrObjrefImmType, fBe32, &x.Type, false},
		{attrObjrefImmName, fString, &x.Name, false},
		{attrObjrefSetSreg, fBe32, &x.SourceRegister, false},
		{attrObjrefSetName, fString, &x.SetName, false},
		{attrObjrefSetID, fBe32, &x.SetID, false},
	}
}

// Encode writes the expression's attributes.
func (x *Objref) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Objref) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
