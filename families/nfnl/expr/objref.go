package expr

import "github.com/nlsh/nlsh/core/codec"

// Objref is the "objref" expression: use a named stateful object of the
// table (a counter, quota or limit; a ct helper, timeout or expectation
// attached to the connection; a secmark; a synproxy), directly or chosen
// by a map.
type Objref struct {
	// object type (ObjCounter, ObjQuota, ...); none in the map form
	// (the map's objects have one)
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

// Object types (NFT_OBJECT_*).
const (
	ObjCounter   uint32 = 1
	ObjQuota     uint32 = 2
	ObjCtHelper  uint32 = 3
	ObjLimit     uint32 = 4
	ObjConnlimit uint32 = 5
	ObjTunnel    uint32 = 6
	ObjCtTimeout uint32 = 7
	ObjSecmark   uint32 = 8
	ObjCtExpect  uint32 = 9
	ObjSynproxy  uint32 = 10
)

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
