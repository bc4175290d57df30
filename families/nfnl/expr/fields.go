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

// presence remembers how a decoded expression was laid out: which
// attributes it carried (so one dumped with a zero value is written back),
// in which order (nft and the kernel order some attributes differently),
// and which strings came without a terminating NUL. Encoding a decoded
// expression thus gives its bytes back. The zero value encodes fields in
// their declared order.
type presence struct {
	bits  uint64
	nonul uint64
	order [16]uint8
	n     uint8
}

func (p presence) has(t uint16) bool { return t < 64 && p.bits&(1<<t) != 0 }

func (p *presence) add(t uint16) {
	if t >= 64 {
		return
	}
	p.bits |= 1 << t
	if int(p.n) < len(p.order) {
		p.order[p.n] = uint8(t)
		p.n++
	}
}

// mark records that attribute t is to be written, even when zero,
// without giving it a place in the order (a value given by a setter of
// an expression built in Go, written in the declared order).
func (p *presence) mark(t uint16) {
	if t < 64 {
		p.bits |= 1 << t
	}
}

// ordered returns fs in the decoded order, then any others.
func (p *presence) ordered(fs []field) []field {
	if p.n == 0 {
		return fs
	}
	out := make([]field, 0, len(fs))
	used := uint64(0)
	for _, t := range p.order[:p.n] {
		for _, f := range fs {
			if f.typ == uint16(t) && used&(1<<t) == 0 {
				out = append(out, f)
				used |= 1 << t
			}
		}
	}
	for _, f := range fs {
		if f.typ >= 64 || used&(1<<f.typ) == 0 {
			out = append(out, f)
		}
	}
	return out
}

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
	for _, f := range p.ordered(fs) {
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
			if f.typ < 64 && p.nonul&(1<<f.typ) != 0 {
				e.Bytes(f.typ, []byte(*f.ptr.(*string)))
			} else {
				e.String(f.typ, *f.ptr.(*string))
			}
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
		p.add(t)
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
			if b := d.Bytes(); t < 64 && (len(b) == 0 || b[len(b)-1] != 0) {
				p.nonul |= 1 << t
			}
			*f.ptr.(*string) = cString(d)
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
