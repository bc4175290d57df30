package expr

import (
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// Immediate is the "immediate" expression: load a constant into a data
// register, or a verdict into the verdict register (DestRegister 0).
type Immediate struct {
	DestRegister uint32 `json:"dreg"`
	// Data is the constant for a data register.
	Data []byte `json:"data,omitempty"`
	// Verdict is the verdict when DestRegister is RegVerdict.
	Verdict *Verdict `json:"verdict,omitempty"`
}

// NFTA_IMMEDIATE_* attributes.
const (
	attrImmediateDreg = 1
	attrImmediateData = 2
)

// Kind returns "immediate".
func (x *Immediate) Kind() string { return "immediate" }

// Encode writes the expression's attributes.
func (x *Immediate) Encode(e *codec.Encoder) {
	e.Be32(attrImmediateDreg, x.DestRegister)
	if x.Verdict != nil {
		e.BeginPlain(attrImmediateData)
		x.Verdict.encode(e)
		e.End()
		return
	}
	putData(e, attrImmediateData, x.Data)
}

// Decode reads the expression's attributes.
func (x *Immediate) Decode(d *codec.Decoder) error {
	for d.Next() {
		switch d.Type() {
		case attrImmediateDreg:
			x.DestRegister = d.Be32()
		case attrImmediateData:
			n := d.Nested()
			for n.Next() {
				switch n.Type() {
				case attrDataValue:
					x.Data = append([]byte{}, n.Bytes()...)
				case attrDataVerdict:
					v, err := decodeVerdict(n.Bytes())
					if err != nil {
						return err
					}
					x.Verdict = v
				}
			}
			if err := n.Err(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w %d", errUnknownAttr, d.Type())
		}
	}
	return d.Err()
}
