package expr

import (
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// NFTA_DATA_* and NFTA_VERDICT_* attributes.
const (
	attrDataValue   = 1
	attrDataVerdict = 2

	attrVerdictCode  = 1
	attrVerdictChain = 2
)

// putData writes a nest of type typ holding NFTA_DATA_VALUE v.
func putData(e *codec.Encoder, typ uint16, v []byte) {
	e.BeginPlain(typ)
	e.Bytes(attrDataValue, v)
	e.End()
}

// getData reads the NFTA_DATA_VALUE inside the current attribute of d.
func getData(d *codec.Decoder) []byte {
	var out []byte
	n := d.Nested()
	for n.Next() {
		if n.Type() == attrDataValue {
			out = append([]byte{}, n.Bytes()...)
		}
	}
	if err := n.Err(); err != nil {
		d.Fail(err)
	}
	if out == nil {
		d.Fail(fmt.Errorf("data nest without NFTA_DATA_VALUE"))
	}
	return out
}
