package codec

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Attribute header flags, carried in the top bits of nla_type.
const (
	AttrNested       uint16 = 0x8000 // NLA_F_NESTED
	AttrNetByteOrder uint16 = 0x4000 // NLA_F_NET_BYTEORDER
	attrTypeMask     uint16 = ^(AttrNested | AttrNetByteOrder)
	attrHeaderLen           = 4
)

// Encoder builds a run of attributes. It is append-only; nested attributes
// are opened with Begin and closed with End, which patches the length.
// The zero value is ready to use.
type Encoder struct {
	b     []byte
	stack []int
	err   error
}

// NewEncoder returns an encoder that appends to b (which may be nil), so a
// caller can put a family header first and attributes after it.
func NewEncoder(b []byte) *Encoder { return &Encoder{b: b} }

func (e *Encoder) put(typ uint16, v []byte) {
	n := attrHeaderLen + len(v)
	if n > 0xffff {
		e.setErr(fmt.Errorf("attribute %d: %d bytes do not fit a netlink attribute", typ&attrTypeMask, len(v)))
		return
	}
	e.b = binary.LittleEndian.AppendUint16(e.b, uint16(n))
	e.b = binary.LittleEndian.AppendUint16(e.b, typ)
	e.b = append(e.b, v...)
	e.pad()
}

func (e *Encoder) pad() {
	for len(e.b)%4 != 0 {
		e.b = append(e.b, 0)
	}
}

func (e *Encoder) setErr(err error) {
	if e.err == nil {
		e.err = err
	}
}

// Bytes puts raw bytes.
func (e *Encoder) Bytes(typ uint16, v []byte) { e.put(typ, v) }

// Flag puts an attribute with no payload (NLA_FLAG).
func (e *Encoder) Flag(typ uint16) { e.put(typ, nil) }

// Uint8 puts a u8.
func (e *Encoder) Uint8(typ uint16, v uint8) { e.put(typ, []byte{v}) }

// Uint16 puts a u16 in host (little-endian) byte order.
func (e *Encoder) Uint16(typ uint16, v uint16) {
	var a [2]byte
	binary.LittleEndian.PutUint16(a[:], v)
	e.put(typ, a[:])
}

// Uint32 puts a u32 in host byte order.
func (e *Encoder) Uint32(typ uint16, v uint32) {
	var a [4]byte
	binary.LittleEndian.PutUint32(a[:], v)
	e.put(typ, a[:])
}

// Uint64 puts a u64 in host byte order.
func (e *Encoder) Uint64(typ uint16, v uint64) {
	var a [8]byte
	binary.LittleEndian.PutUint64(a[:], v)
	e.put(typ, a[:])
}

// Int32 puts an s32 in host byte order.
func (e *Encoder) Int32(typ uint16, v int32) { e.Uint32(typ, uint32(v)) }

// Be16 puts a u16 in network byte order (ports, ethertypes).
func (e *Encoder) Be16(typ uint16, v uint16) {
	var a [2]byte
	binary.BigEndian.PutUint16(a[:], v)
	e.put(typ, a[:])
}

// Be32 puts a u32 in network byte order.
func (e *Encoder) Be32(typ uint16, v uint32) {
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], v)
	e.put(typ, a[:])
}

// Be64 puts a u64 in network byte order.
func (e *Encoder) Be64(typ uint16, v uint64) {
	var a [8]byte
	binary.BigEndian.PutUint64(a[:], v)
	e.put(typ, a[:])
}

// String puts a NUL-terminated string (NLA_NUL_STRING / NLA_STRING as the
// kernel expects it from userspace). A string containing NUL is an error.
func (e *Encoder) String(typ uint16, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			e.setErr(fmt.Errorf("attribute %d: string %q contains a NUL byte", typ&attrTypeMask, s))
			return
		}
	}
	n := attrHeaderLen + len(s) + 1
	if n > 0xffff {
		e.setErr(fmt.Errorf("attribute %d: string of %d bytes does not fit a netlink attribute", typ&attrTypeMask, len(s)))
		return
	}
	e.b = binary.LittleEndian.AppendUint16(e.b, uint16(n))
	e.b = binary.LittleEndian.AppendUint16(e.b, typ)
	e.b = append(e.b, s...)
	e.b = append(e.b, 0)
	e.pad()
}

// Addr puts an IP address: 4 bytes for IPv4 (also for 4-in-6 mapped
// addresses), 16 for IPv6.
func (e *Encoder) Addr(typ uint16, a netip.Addr) {
	if !a.IsValid() {
		e.setErr(fmt.Errorf("attribute %d: invalid IP address", typ&attrTypeMask))
		return
	}
	a = a.Unmap()
	if a.Is4() {
		v := a.As4()
		e.put(typ, v[:])
		return
	}
	v := a.As16()
	e.put(typ, v[:])
}

// Begin opens a nested attribute (NLA_F_NESTED is set); every put until the
// matching End goes inside it.
func (e *Encoder) Begin(typ uint16) {
	e.stack = append(e.stack, len(e.b))
	e.b = binary.LittleEndian.AppendUint16(e.b, 0)
	e.b = binary.LittleEndian.AppendUint16(e.b, typ|AttrNested)
}

// BeginPlain opens a nested attribute without setting NLA_F_NESTED, for the
// few kernel interfaces that reject the flag or for byte-exact copies.
func (e *Encoder) BeginPlain(typ uint16) {
	e.stack = append(e.stack, len(e.b))
	e.b = binary.LittleEndian.AppendUint16(e.b, 0)
	e.b = binary.LittleEndian.AppendUint16(e.b, typ)
}

// End closes the innermost open nested attribute and patches its length.
func (e *Encoder) End() {
	if len(e.stack) == 0 {
		e.setErr(fmt.Errorf("codec: End without Begin"))
		return
	}
	start := e.stack[len(e.stack)-1]
	e.stack = e.stack[:len(e.stack)-1]
	n := len(e.b) - start
	if n > 0xffff {
		e.setErr(fmt.Errorf("nested attribute of %d bytes does not fit a netlink attribute", n))
		return
	}
	binary.LittleEndian.PutUint16(e.b[start:], uint16(n))
}

// Nested puts a nested attribute whose contents fn writes.
func (e *Encoder) Nested(typ uint16, fn func(*Encoder)) {
	e.Begin(typ)
	fn(e)
	e.End()
}

// Raw appends already-encoded attributes (for example ones kept from a
// decode) unchanged.
func (e *Encoder) Raw(b []byte) {
	e.b = append(e.b, b...)
	e.pad()
}

// Len is the number of bytes encoded so far.
func (e *Encoder) Len() int { return len(e.b) }

// Encode returns the encoded bytes, or the first error a put met, or an
// error if a nested attribute is still open.
func (e *Encoder) Encode() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	if len(e.stack) != 0 {
		return nil, fmt.Errorf("codec: %d nested attributes not closed", len(e.stack))
	}
	return e.b, nil
}

// Decoder iterates over a run of attributes without allocating. Getters
// return zero values after a malformation and record the first error
// (sticky), so decoding code reads straight down and checks Err once.
//
//	d := codec.NewDecoder(b)
//	for d.Next() {
//		switch d.Type() {
//		case unix.IFLA_MTU:
//			l.MTU = d.Uint32()
//		}
//	}
//	if err := d.Err(); err != nil { ... }
type Decoder struct {
	b    []byte
	typ  uint16
	data []byte
	err  error
}

// NewDecoder returns a decoder over the attributes in b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Reset points d at a new buffer and clears its error, so one Decoder value
// can be reused without allocation.
func (d *Decoder) Reset(b []byte) { *d = Decoder{b: b} }

// Next advances to the next attribute and reports whether there is one.
func (d *Decoder) Next() bool {
	if d.err != nil || len(d.b) == 0 {
		return false
	}
	if len(d.b) < attrHeaderLen {
		d.err = fmt.Errorf("attribute header: %d trailing bytes: %w", len(d.b), ErrTruncated)
		return false
	}
	n := int(binary.LittleEndian.Uint16(d.b[0:2]))
	if n < attrHeaderLen || n > len(d.b) {
		d.err = fmt.Errorf("attribute length %d with %d bytes left: %w", n, len(d.b), ErrTruncated)
		return false
	}
	d.typ = binary.LittleEndian.Uint16(d.b[2:4])
	d.data = d.b[attrHeaderLen:n]
	next := Align(n)
	if next > len(d.b) {
		next = len(d.b)
	}
	d.b = d.b[next:]
	return true
}

// Type is the current attribute's type with NLA_F_NESTED and
// NLA_F_NET_BYTEORDER masked off.
func (d *Decoder) Type() uint16 { return d.typ & attrTypeMask }

// TypeFlags is the current attribute's full nla_type, flags included.
func (d *Decoder) TypeFlags() uint16 { return d.typ }

// IsNested reports whether NLA_F_NESTED is set on the current attribute.
func (d *Decoder) IsNested() bool { return d.typ&AttrNested != 0 }

// Bytes returns the current attribute's payload. It aliases the buffer.
func (d *Decoder) Bytes() []byte { return d.data }

// Len is the current attribute's payload length.
func (d *Decoder) Len() int { return len(d.data) }

func (d *Decoder) need(n int, what string) bool {
	if d.err != nil {
		return false
	}
	if len(d.data) != n {
		d.err = fmt.Errorf("attribute %d: %s wants %d bytes, has %d", d.Type(), what, n, len(d.data))
		return false
	}
	return true
}

// Uint8 reads a u8.
func (d *Decoder) Uint8() uint8 {
	if !d.need(1, "u8") {
		return 0
	}
	return d.data[0]
}

// Uint16 reads a u16 in host byte order.
func (d *Decoder) Uint16() uint16 {
	if !d.need(2, "u16") {
		return 0
	}
	return binary.LittleEndian.Uint16(d.data)
}

// Uint32 reads a u32 in host byte order.
func (d *Decoder) Uint32() uint32 {
	if !d.need(4, "u32") {
		return 0
	}
	return binary.LittleEndian.Uint32(d.data)
}

// Uint64 reads a u64 in host byte order.
func (d *Decoder) Uint64() uint64 {
	if !d.need(8, "u64") {
		return 0
	}
	return binary.LittleEndian.Uint64(d.data)
}

// Uint reads a variable-width unsigned integer (NLA_UINT: 4 or 8 bytes),
// also accepting 1 and 2 bytes.
func (d *Decoder) Uint() uint64 {
	if d.err != nil {
		return 0
	}
	switch len(d.data) {
	case 1:
		return uint64(d.data[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(d.data))
	case 4:
		return uint64(binary.LittleEndian.Uint32(d.data))
	case 8:
		return binary.LittleEndian.Uint64(d.data)
	}
	d.need(8, "uint")
	return 0
}

// Int32 reads an s32 in host byte order.
func (d *Decoder) Int32() int32 { return int32(d.Uint32()) }

// Be16 reads a u16 in network byte order.
func (d *Decoder) Be16() uint16 {
	if !d.need(2, "be16") {
		return 0
	}
	return binary.BigEndian.Uint16(d.data)
}

// Be32 reads a u32 in network byte order.
func (d *Decoder) Be32() uint32 {
	if !d.need(4, "be32") {
		return 0
	}
	return binary.BigEndian.Uint32(d.data)
}

// Be64 reads a u64 in network byte order.
func (d *Decoder) Be64() uint64 {
	if !d.need(8, "be64") {
		return 0
	}
	return binary.BigEndian.Uint64(d.data)
}

// String reads a string, dropping one trailing NUL if present.
func (d *Decoder) String() string {
	if d.err != nil {
		return ""
	}
	b := d.data
	if n := len(b); n > 0 && b[n-1] == 0 {
		b = b[:n-1]
	}
	return string(b)
}

// Addr reads a 4- or 16-byte IP address.
func (d *Decoder) Addr() netip.Addr {
	if d.err != nil {
		return netip.Addr{}
	}
	switch len(d.data) {
	case 4:
		return netip.AddrFrom4([4]byte(d.data))
	case 16:
		return netip.AddrFrom16([16]byte(d.data))
	}
	d.err = fmt.Errorf("attribute %d: IP address of %d bytes", d.Type(), len(d.data))
	return netip.Addr{}
}

// Nested returns a decoder over the current attribute's payload. Its error
// is separate; call Fail to carry it back to d.
func (d *Decoder) Nested() *Decoder { return NewDecoder(d.data) }

// NestedFunc decodes the current attribute's payload with fn and records
// the first error from fn or from the nested decoder in d.
func (d *Decoder) NestedFunc(fn func(*Decoder) error) {
	if d.err != nil {
		return
	}
	nd := NewDecoder(d.data)
	if err := fn(nd); err != nil {
		d.err = err
		return
	}
	if err := nd.Err(); err != nil {
		d.err = err
	}
}

// Fail records err as d's error unless one is already recorded.
func (d *Decoder) Fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

// Err returns the first error met, if any.
func (d *Decoder) Err() error { return d.err }
