package expr

import (
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// MarshalNested returns x as an expression nested in another's
// attribute (a dynset's NFTA_DYNSET_EXPR): its NFTA_EXPR_NAME and
// NFTA_EXPR_DATA.
func MarshalNested(x Expr) ([]byte, error) {
	e := codec.NewEncoder(nil)
	EncodeOne(e, x)
	return e.Encode()
}

// MarshalList returns xs as a list of expressions (NFTA_LIST_ELEM nests),
// as NFTA_RULE_EXPRESSIONS and NFTA_DYNSET_EXPRESSIONS hold them.
func MarshalList(xs []Expr) ([]byte, error) {
	e := codec.NewEncoder(nil)
	EncodeList(e, xs)
	return e.Encode()
}

// DecodeNested decodes an expression MarshalNested wrote.
func (r *Registry) DecodeNested(b []byte) (Expr, error) {
	var name string
	var data []byte
	d := codec.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case attrExprName:
			name = cString(d)
		case attrExprData:
			data = d.Bytes()
			if data == nil {
				data = []byte{}
			}
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("nested expression: %w", err)
	}
	if name == "" {
		return nil, fmt.Errorf("nested expression: no name")
	}
	return r.DecodeOne(name, data)
}
