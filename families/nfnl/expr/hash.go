package expr

import "github.com/nlsh/nlsh/core/codec"

// Hash is the "hash" expression: load a hash of Len bytes of registers
// from SourceRegister on (HashJenkins, "jhash ip saddr mod 2"), or of the
// packet's flow (HashSymmetric, "symhash mod 2"), modulo Modulus, plus
// Offset, into a register.
type Hash struct {
	// first register hashed (jhash)
	SourceRegister uint32 `json:"source_register,omitempty"`
	// register loaded
	DestRegister uint32 `json:"dest_register,omitempty"`
	// bytes hashed (jhash)
	Len uint32 `json:"len,omitempty"`
	// how many values
	Modulus uint32 `json:"modulus,omitempty"`
	// the hash's seed (jhash); without one the kernel picks one at
	// random and does not list it
	Seed uint32 `json:"seed,omitempty"`
	// added to the hash
	Offset uint32 `json:"offset,omitempty"`
	// HashJenkins or HashSymmetric
	Type uint32 `json:"type,omitempty"`

	has presence
}

// NFTA_HASH_* attributes and enum nft_hash_types.
const (
	attrHashSreg    = 1
	attrHashDreg    = 2
	attrHashLen     = 3
	attrHashModulus = 4
	attrHashSeed    = 5
	attrHashOffset  = 6
	attrHashType    = 7

	HashJenkins   uint32 = 0
	HashSymmetric uint32 = 1
)

// Kind returns "hash".
func (x *Hash) Kind() string { return "hash" }

// fields are in the order nft sends them: a jhash's offset always, 0
// too, a symhash's when not 0.
func (x *Hash) fields() []field {
	return []field{
		{attrHashSreg, fBe32, &x.SourceRegister, false},
		{attrHashDreg, fBe32, &x.DestRegister, true},
		{attrHashLen, fBe32, &x.Len, false},
		{attrHashModulus, fBe32, &x.Modulus, true},
		{attrHashSeed, fBe32, &x.Seed, false},
		{attrHashOffset, fBe32, &x.Offset, x.Type == HashJenkins && x.has.n == 0},
		{attrHashType, fBe32, &x.Type, true},
	}
}

// SetSeed gives a jhash its seed (0 too, "seed 0x0").
func (x *Hash) SetSeed(s uint32) {
	x.Seed = s
	x.has.mark(attrHashSeed)
}

// SeedSet reports whether the expression carries a seed.
func (x *Hash) SeedSet() bool { return x.Seed != 0 || x.has.has(attrHashSeed) }

// Encode writes the expression's attributes.
func (x *Hash) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Hash) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
