package expr

import (
	"errors"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// fkind is how one expression attribute is laid out.
type fkind uint8

const (
	fBe32   fkind = iota // *uint32, network byte order
	fBe64                // *uint64
	fBe16                // *uint16
	fU8                  // *uint8
	fString              // *string
	fData                // *[]byte inside a NFTA_DATA_VALUE nest
	fBytes               // *[]byte, the payload as it is
)

// field describes one attribute of an expression: its type, its layout
// and where its value lives. An expression lists its fields in the order
// the kernel dumps them, so encoding a decoded expression gives the
// kernel's bytes back.
type field struct {
	typ  uint16
	kind fkind
	ptr  any
	// always writes the attribute even when zero (the kernel requires it
	// or zero is a meaningful value).
	always bool
}

// presence remembers which attributes a decoded expression carried, so
// that an attribute the kernel dumped with a zero value is written back.
type presence uint64

func (p presence) has(t uint16) bool { return p&(1<<t) != 0 }

func isZero(f field) bool {
	switch v := f.ptr.(type) {
	case *uint32:
		return *v == 0
	case *uint64:
		return *v == 0
	case *uint16:
		return *v == 0
	case *uint8:
		return *v == 0
	case *string:
		return *v == ""
	case *[]byte:
		return *v == nil
	}
	return true
}

// encodeFields writes every field that is non-zero or was present when
// decoded.
func encodeFields(e *codec.Encoder, p presence, fs []field) {
	for _, f := range fs {
		if !f.always && isZero(f) && !p.has(f.typ) {
			continue
		}
		switch f.kind {
		case fBe32:
			e.Be32(f.typ, *f.ptr.(*uint32))
		case fBe64:
			e.Be64(f.typ, *f.ptr.(*uint64))
		case fBe16:
			e.Be16(f.typ, *f.ptr.(*uint16))
		case fU8:
			e.Uint8(f.typ, *f.ptr.(*uint8))
		case fString:
			e.String(f.typ, *f.ptr.(*string))
		case fData:
			putData(e, f.typ, *f.ptr.(*[]byte))
		case fBytes:
			e.Bytes(f.typ, *f.ptr.(*[]byte))
		}
	}
}

// decodeFields reads the attributes of d into fs and records presence.
func decodeFields(d *codec.Decoder, p *presence, fs []field) error {
	for d.Next() {
		t := d.Type()
		var f *field
		for i := range fs {
			if fs[i].typ == t {
				f = &fs[i]
				break
			}
		}
		if f == nil {
			return fmt.Errorf("%w %d", errUnknownAttr, t)
		}
		if t < 64 {
			*p |= 1 << t
		}
		switch f.kind {
		case fBe32:
			*f.ptr.(*uint32) = d.Be32()
		case fBe64:
			*f.ptr.(*uint64) = d.Be64()
		case fBe16:
			*f.ptr.(*uint16) = d.Be16()
		case fU8:
			*f.ptr.(*uint8) = d.Uint8()
		case fString:
			*f.ptr.(*string) = d.String()
		case fData:
			*f.ptr.(*[]byte) = getData(d)
		case fBytes:
			*f.ptr.(*[]byte) = append([]byte{}, d.Bytes()...)
		}
	}
	return d.Err()
}

// errUnknownAttr reports an attribute an expression does not know; the
// registry then keeps the whole expression as Raw.
var errUnknownAttr = errors.New("unknown attribute")
