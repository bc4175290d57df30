package expr

import "github.com/nlsh/nlsh/core/codec"

// Raw is an expression nlsh does not know (or was told not to know): its
// name and the NFTA_EXPR_DATA payload as the kernel dumped it. It encodes
// back to exactly those bytes, so rules with such expressions survive a
// dump and rewrite.
type Raw struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
	// HasData records whether NFTA_EXPR_DATA was present at all.
	HasData bool `json:"-"`
}

// Kind returns the kernel name of the expression.
func (r *Raw) Kind() string { return r.Name }

// Encode writes the kept bytes.
func (r *Raw) Encode(e *codec.Encoder) { e.Raw(r.Data) }

// Decode keeps the payload as it is.
func (r *Raw) Decode(d *codec.Decoder) error {
	for d.Next() {
	}
	return nil
}
