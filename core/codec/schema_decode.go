package codec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
)

// selKey is the value of one selector sibling found in a nest.
type selKey struct {
	typ uint16
	key string
}

// selectorKeys scans a nest for the values of the siblings that select a
// nested schema. Like the kernel, it keeps the last of repeated siblings.
// Malformed attributes end the scan silently; the main pass reports them.
func (s *Schema) selectorKeys(b []byte) []selKey {
	if s == nil || !s.selects {
		return nil
	}
	var keys []selKey
	var d Decoder
	d.Reset(b)
	for d.Next() {
		t := d.Type()
		for _, st := range s.selBy {
			if st != t {
				continue
			}
			k, ok := payloadKey(s.ByType(t), d.Bytes())
			for i := range keys {
				if keys[i].typ == t {
					keys = append(keys[:i], keys[i+1:]...)
					break
				}
			}
			if ok {
				keys = append(keys, selKey{t, k})
			}
			break
		}
	}
	return keys
}

// payloadKey turns a selector sibling's payload into a Select key.
func payloadKey(a *Attr, p []byte) (string, bool) {
	v := decodeScalar(a.Kind, p)
	switch v := v.(type) {
	case string:
		return v, true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case int64:
		return strconv.FormatInt(v, 10), true
	}
	return "", false
}

// selected returns the schema a Select attribute's sibling chose, or nil.
func (s *Schema) selected(a *Attr, keys []selKey) *Schema {
	by := s.ByName(a.Select.By)
	for _, k := range keys {
		if k.typ == by.Type {
			return a.Select.schemaFor(k.key)
		}
	}
	return nil
}

// Decode decodes a run of attributes into a tree. A nil schema decodes
// every attribute as unknown (Raw). Malformed attribute headers or lengths,
// at any depth, are an error wrapping ErrTruncated; payloads that do not
// fit their kind are kept as Raw. The tree does not alias b.
func (s *Schema) Decode(b []byte) (*Tree, error) {
	return s.decode(b, "")
}

func (s *Schema) decode(b []byte, path string) (*Tree, error) {
	keys := s.selectorKeys(b)
	t := &Tree{}
	var d Decoder
	d.Reset(b)
	for d.Next() {
		typ := d.TypeFlags()
		a := s.ByType(typ)
		if a == nil {
			t.Fields = append(t.Fields, Field{Name: rawName(typ), Type: typ, Value: Raw(bytes.Clone(d.Bytes()))})
			continue
		}
		v, err := s.decodeValue(a, d.Bytes(), keys, path)
		if err != nil {
			return nil, err
		}
		t.Fields = append(t.Fields, Field{Name: a.Name, Type: typ, Attr: a, Value: v})
	}
	if err := d.Err(); err != nil {
		if path == "" {
			path = s.schemaName()
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

func (s *Schema) schemaName() string {
	if s == nil || s.Name == "" {
		return "attributes"
	}
	return s.Name
}

// decodeValue decodes the payload p of attribute a; parent is the path of
// the nest holding it (joined with a.Name only for nests, so that scalars
// cost no string building).
func (s *Schema) decodeValue(a *Attr, p []byte, keys []selKey, parent string) (any, error) {
	var path string
	switch a.Kind {
	case KindNested, KindNestedArray:
		path = joinPath(parent, a.Name)
	}
	switch a.Kind {
	case KindNested:
		sub := a.Nested
		if a.Select != nil {
			if sub = s.selected(a, keys); sub == nil {
				return Raw(bytes.Clone(p)), nil
			}
		}
		if a.Header == nil {
			return sub.decode(p, path)
		}
		if len(p) < a.Header.Size {
			return Raw(bytes.Clone(p)), nil
		}
		h, err := a.Header.Decode(p)
		if err != nil {
			return nil, err
		}
		t, err := sub.decode(p[min(Align(a.Header.Size), len(p)):], path)
		if err != nil {
			return nil, err
		}
		t.Fields = slices.Insert(t.Fields, 0, Field{Name: a.Header.Name, Value: h})
		return t, nil
	case KindNestedArray:
		var entries []*Tree
		var d Decoder
		d.Reset(p)
		for i := 0; d.Next(); i++ {
			e, err := a.Nested.decode(d.Bytes(), indexPath(path, i))
			if err != nil {
				return nil, err
			}
			e.Type, e.typed = d.TypeFlags(), true
			entries = append(entries, e)
		}
		if err := d.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return entries, nil
	case KindStruct:
		if len(p) != a.Struct.Size {
			return Raw(bytes.Clone(p)), nil
		}
		return a.Struct.Decode(p)
	}
	if v := decodeScalar(a.Kind, p); v != nil {
		return v, nil
	}
	return Raw(bytes.Clone(p)), nil
}

// decodeScalar decodes a payload of a non-nested kind, or returns nil if it
// does not fit the kind.
func decodeScalar(k Kind, p []byte) any {
	if n := k.size(); n != 0 && len(p) != n {
		return nil
	}
	le, be := binary.LittleEndian, binary.BigEndian
	switch k {
	case KindU8:
		return uint64(p[0])
	case KindU16:
		return uint64(le.Uint16(p))
	case KindU32:
		return uint64(le.Uint32(p))
	case KindU64:
		return le.Uint64(p)
	case KindS8:
		return int64(int8(p[0]))
	case KindS16:
		return int64(int16(le.Uint16(p)))
	case KindS32:
		return int64(int32(le.Uint32(p)))
	case KindS64:
		return int64(le.Uint64(p))
	case KindBe16:
		return uint64(be.Uint16(p))
	case KindBe32:
		return uint64(be.Uint32(p))
	case KindBe64:
		return be.Uint64(p)
	case KindUint, KindSint:
		var u uint64
		switch len(p) {
		case 1:
			u = uint64(p[0])
			if k == KindSint {
				return int64(int8(p[0]))
			}
		case 2:
			u = uint64(le.Uint16(p))
			if k == KindSint {
				return int64(int16(u))
			}
		case 4:
			u = uint64(le.Uint32(p))
			if k == KindSint {
				return int64(int32(u))
			}
		case 8:
			u = le.Uint64(p)
			if k == KindSint {
				return int64(u)
			}
		default:
			return nil
		}
		return u
	case KindString:
		if n := len(p); n > 0 && p[n-1] == 0 {
			p = p[:n-1]
		}
		if bytes.IndexByte(p, 0) >= 0 {
			return nil
		}
		return string(p)
	case KindBinary:
		return bytes.Clone(p)
	case KindFlag:
		if len(p) != 0 {
			return nil
		}
		return true
	case KindAddr:
		switch len(p) {
		case 4:
			return netip.AddrFrom4([4]byte(p))
		case 16:
			return netip.AddrFrom16([16]byte(p))
		}
		return nil
	case KindHWAddr:
		return net.HardwareAddr(bytes.Clone(p))
	}
	return nil
}

// Decode decodes a struct from b, which must hold at least Size bytes;
// bytes past Size are ignored.
func (st *Struct) Decode(b []byte) (*Tree, error) {
	if len(b) < st.Size {
		return nil, fmt.Errorf("%s: %d bytes, need %d: %w", st.Name, len(b), st.Size, ErrTruncated)
	}
	t := &Tree{Fields: make([]Field, 0, len(st.Fields))}
	for i := range st.Fields {
		f := &st.Fields[i]
		n, _ := structFieldSize(f)
		p := b[f.Offset : f.Offset+n]
		var v any
		switch f.Kind {
		case KindString:
			if i := bytes.IndexByte(p, 0); i >= 0 {
				p = p[:i]
			}
			v = string(p)
		case KindBinary:
			v = bytes.Clone(p)
		default:
			v = decodeScalar(f.Kind, p)
		}
		t.Fields = append(t.Fields, Field{Name: f.Name, Attr: f, Value: v})
	}
	return t, nil
}

// Decode decodes a message payload (what follows the nlmsghdr): the family
// header into header (nil if the schema has none) and the attributes that
// follow it, from the 4-byte aligned end of the header, into attrs.
func (ms *MessageSchema) Decode(data []byte) (header, attrs *Tree, err error) {
	off := 0
	if ms.Header != nil {
		if header, err = ms.Header.Decode(data); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", ms.Name, err)
		}
		off = min(Align(ms.Header.Size), len(data))
	}
	if ms.Attrs == nil && off == len(data) {
		return header, nil, nil
	}
	if attrs, err = ms.Attrs.decode(data[off:], ""); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", ms.Name, err)
	}
	return header, attrs, nil
}
