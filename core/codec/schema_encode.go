package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Encode encodes a tree into attribute bytes, in the tree's order. Fields
// are resolved by name through the schema (Field.Attr is not trusted);
// Raw values and "attr_N" fields the schema does not know are written
// unchanged. A field's flag bits (Field.Type) are kept when its type
// matches the schema. Errors are *FieldError naming the field's path.
func (s *Schema) Encode(t *Tree) ([]byte, error) { return s.Append(nil, t) }

// Append is Encode appending to b.
func (s *Schema) Append(b []byte, t *Tree) ([]byte, error) {
	if b == nil && t != nil {
		b = make([]byte, 0, 16*len(t.Fields))
	}
	e := NewEncoder(b)
	if err := s.encodeTree(e, t, ""); err != nil {
		return nil, err
	}
	return e.Encode()
}

// EncodeMap encodes attributes from a map of user-facing names to values,
// as a Lua table hands them over, in schema order (so the bytes do not
// depend on map order), then "attr_N" raw fields by number. Values may be
// the types Decode produces or looser ones: any Go integer or an integral
// float64 for integers, Enum and Flags names ("UP", "UP|BROADCAST", or a
// list of names) for integers that have them, strings for addresses and
// MACs, map[string]any for nests and structs, lists ([]any) for arrays and
// Multi attributes. A false Flag is left out. An unknown name is an error.
func (s *Schema) EncodeMap(m map[string]any) ([]byte, error) { return s.AppendMap(nil, m) }

// AppendMap is EncodeMap appending to b.
func (s *Schema) AppendMap(b []byte, m map[string]any) ([]byte, error) {
	e := NewEncoder(b)
	if err := s.encodeMap(e, m, ""); err != nil {
		return nil, err
	}
	return e.Encode()
}

// Encode encodes a message payload: the family header (zero-padded to 4
// bytes) from header, then the attributes. header and attrs may be nil.
func (ms *MessageSchema) Encode(header, attrs *Tree) ([]byte, error) {
	b, err := ms.appendHeader(nil, header, nil)
	if err != nil {
		return nil, err
	}
	if attrs == nil {
		return b, nil
	}
	return ms.Attrs.Append(b, attrs)
}

// EncodeMap is Encode from maps, as EncodeMap of a Schema.
func (ms *MessageSchema) EncodeMap(header, attrs map[string]any) ([]byte, error) {
	b, err := ms.appendHeader(nil, nil, header)
	if err != nil {
		return nil, err
	}
	if attrs == nil {
		return b, nil
	}
	return ms.Attrs.AppendMap(b, attrs)
}

func (ms *MessageSchema) appendHeader(b []byte, t *Tree, m map[string]any) ([]byte, error) {
	if ms.Header == nil {
		if t != nil && len(t.Fields) > 0 || len(m) > 0 {
			return nil, fmt.Errorf("%s has no family header", ms.Name)
		}
		return b, nil
	}
	var err error
	if m != nil {
		b, err = ms.Header.appendValue(b, m, ms.Header.Name)
	} else {
		if t == nil {
			t = &Tree{}
		}
		b, err = ms.Header.appendValue(b, t, ms.Header.Name)
	}
	if err != nil {
		return nil, err
	}
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b, nil
}

// Append encodes a struct from a *Tree or a map[string]any and appends
// it to b. Fields not given are zero.
func (st *Struct) Append(b []byte, v any) ([]byte, error) { return st.appendValue(b, v, "") }

func (st *Struct) appendValue(b []byte, v any, path string) ([]byte, error) {
	start := len(b)
	b = append(b, make([]byte, st.Size)...)
	out := b[start:]
	put := func(name string, v any) error {
		f := st.ByName(name)
		if f == nil {
			return &FieldError{joinPath(path, name), fmt.Errorf("unknown field of %s", st.Name)}
		}
		if err := putStructField(out, f, v); err != nil {
			return &FieldError{joinPath(path, name), err}
		}
		return nil
	}
	switch v := v.(type) {
	case *Tree:
		for _, f := range v.Fields {
			if err := put(f.Name, f.Value); err != nil {
				return nil, err
			}
		}
	case map[string]any:
		names := make([]string, 0, len(v))
		for k := range v {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			if err := put(k, v[k]); err != nil {
				return nil, err
			}
		}
	default:
		return nil, &FieldError{path, fmt.Errorf("%s wants a table, not %T", st.Name, v)}
	}
	return b, nil
}

func putStructField(out []byte, f *Attr, v any) error {
	n, _ := structFieldSize(f)
	p := out[f.Offset : f.Offset+n]
	switch f.Kind {
	case KindString:
		s, ok := v.(string)
		if !ok {
			return typeError(f.Kind, v)
		}
		if len(s) > n || strings.IndexByte(s, 0) >= 0 {
			return fmt.Errorf("string %q does not fit char[%d]", s, n)
		}
		copy(p, s)
		return nil
	case KindAddr:
		a, err := toAddr(v)
		if err != nil {
			return err
		}
		if n == 4 {
			if a = a.Unmap(); !a.Is4() {
				return fmt.Errorf("%s is not an IPv4 address", a)
			}
			x := a.As4()
			copy(p, x[:])
		} else {
			x := a.As16()
			copy(p, x[:])
		}
		return nil
	case KindBinary, KindHWAddr:
		bs, err := toBytes(f.Kind, v)
		if err != nil {
			return err
		}
		if len(bs) != n {
			return fmt.Errorf("%d bytes for a field of %d", len(bs), n)
		}
		copy(p, bs)
		return nil
	}
	var buf [8]byte
	enc, err := encodeScalar(&buf, f, v)
	if err != nil {
		return err
	}
	copy(p, enc)
	return nil
}

func (s *Schema) encodeTree(e *Encoder, t *Tree, path string) error {
	if t == nil {
		return nil
	}
	sib := func(name string) (any, bool) { return t.Get(name) }
	for i := range t.Fields {
		f := &t.Fields[i]
		a := s.ByName(f.Name)
		if a == nil {
			if err := encodeRawField(e, f.Name, f.Type, f.Value, path); err != nil {
				return err
			}
			continue
		}
		typ := a.Type | defaultFlags(a)
		if f.Type != 0 && f.Type&attrTypeMask == a.Type {
			typ = f.Type
		}
		if err := s.encodeAttr(e, a, typ, f.Value, sib, joinPath(path, f.Name)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Schema) encodeMap(e *Encoder, m map[string]any, path string) error {
	var unknown []string
	var raws []uint16
	for k := range m {
		if s.ByName(k) != nil {
			continue
		}
		if t, ok := parseRawName(k); ok {
			raws = append(raws, t)
			continue
		}
		unknown = append(unknown, k)
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return &FieldError{joinPath(path, unknown[0]), fmt.Errorf("unknown field of %s", s.schemaName())}
	}
	sib := func(name string) (any, bool) { v, ok := m[name]; return v, ok }
	if s != nil {
		for i := range s.Attrs {
			a := &s.Attrs[i]
			v, ok := m[a.Name]
			if !ok || v == nil {
				continue
			}
			p := joinPath(path, a.Name)
			if a.Multi && a.Kind != KindNestedArray {
				if list, ok := asList(v); ok {
					for j, v := range list {
						if err := s.encodeAttr(e, a, a.Type|defaultFlags(a), v, sib, indexPath(p, j)); err != nil {
							return err
						}
					}
					continue
				}
			}
			if err := s.encodeAttr(e, a, a.Type|defaultFlags(a), v, sib, p); err != nil {
				return err
			}
		}
	}
	slices.Sort(raws)
	for _, t := range raws {
		name := rawName(t)
		if err := encodeRawField(e, name, t, m[name], path); err != nil {
			return err
		}
	}
	return nil
}

func defaultFlags(a *Attr) uint16 {
	if (a.Kind == KindNested || a.Kind == KindNestedArray) && !a.Plain {
		return AttrNested
	}
	return 0
}

// encodeRawField writes a field the schema does not know: it must be
// called attr_N (or carry its type) and hold bytes.
func encodeRawField(e *Encoder, name string, typ uint16, v any, path string) error {
	p := joinPath(path, name)
	nt, ok := parseRawName(name)
	if !ok {
		return &FieldError{p, errors.New("unknown field")}
	}
	if typ&attrTypeMask != nt {
		typ = nt
	}
	var b []byte
	switch v := v.(type) {
	case Raw:
		b = v
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return &FieldError{p, fmt.Errorf("an unknown attribute takes raw bytes, not %T", v)}
	}
	if len(b) > 0xffff-attrHeaderLen {
		return &FieldError{p, fmt.Errorf("%d bytes do not fit an attribute", len(b))}
	}
	e.Bytes(typ, b)
	return nil
}

func asList(v any) ([]any, bool) {
	switch v := v.(type) {
	case []any:
		return v, true
	case []string:
		l := make([]any, len(v))
		for i := range v {
			l[i] = v[i]
		}
		return l, true
	case []map[string]any:
		l := make([]any, len(v))
		for i := range v {
			l[i] = v[i]
		}
		return l, true
	case []*Tree:
		l := make([]any, len(v))
		for i := range v {
			l[i] = v[i]
		}
		return l, true
	}
	return nil, false
}

// encodeAttr writes one attribute a with wire type typ (flags included).
func (s *Schema) encodeAttr(e *Encoder, a *Attr, typ uint16, v any, sib func(string) (any, bool), path string) error {
	fail := func(err error) error {
		var fe *FieldError
		if errors.As(err, &fe) {
			return err
		}
		return &FieldError{path, err}
	}
	put := func(b []byte) error {
		if len(b) > 0xffff-attrHeaderLen {
			return fail(fmt.Errorf("%d bytes do not fit an attribute", len(b)))
		}
		e.Bytes(typ, b)
		return nil
	}
	if r, ok := v.(Raw); ok {
		return put(r)
	}
	switch a.Kind {
	case KindNested:
		sub := a.Nested
		if a.Select != nil {
			sv, ok := sib(a.Select.By)
			if !ok {
				return fail(fmt.Errorf("needs %s to choose its contents", a.Select.By))
			}
			key, err := valueKey(s.ByName(a.Select.By), sv)
			if err != nil {
				return fail(fmt.Errorf("%s: %w", a.Select.By, err))
			}
			if sub = a.Select.schemaFor(key); sub == nil {
				if b, ok := v.([]byte); ok {
					return put(b)
				}
				return fail(fmt.Errorf("no schema for %s %q", a.Select.By, key))
			}
		}
		if a.Header != nil {
			hv, rest := splitHeader(v, a.Header.Name)
			return encodeNest(e, typ, func() error {
				b, err := a.Header.appendValue(nil, hv, joinPath(path, a.Header.Name))
				if err != nil {
					return err
				}
				e.Raw(b)
				return sub.encodeNestValue(e, rest, path)
			})
		}
		return encodeNest(e, typ, func() error { return sub.encodeNestValue(e, v, path) })
	case KindNestedArray:
		list, ok := asList(v)
		if !ok {
			return fail(fmt.Errorf("wants a list of tables, not %T", v))
		}
		return encodeNest(e, typ, func() error {
			for i, ev := range list {
				et := a.EntryType
				if a.Indexed {
					et += uint16(i)
				}
				if !a.Plain {
					et |= AttrNested
				}
				if t, ok := ev.(*Tree); ok && t != nil && (t.Type != 0 || t.typed) {
					et = t.Type
				}
				p := indexPath(path, i)
				if err := encodeNest(e, et, func() error { return a.Nested.encodeNestValue(e, ev, p) }); err != nil {
					return err
				}
			}
			return nil
		})
	case KindStruct:
		b, err := a.Struct.appendValue(nil, v, path)
		if err != nil {
			return fail(err)
		}
		return put(b)
	case KindFlag:
		on, ok := v.(bool)
		if !ok {
			return fail(typeError(a.Kind, v))
		}
		if on {
			e.Bytes(typ, nil)
		}
		return nil
	case KindString:
		str, ok := v.(string)
		if !ok {
			return fail(typeError(a.Kind, v))
		}
		if strings.IndexByte(str, 0) >= 0 {
			return fail(fmt.Errorf("string %q contains a NUL byte", str))
		}
		if len(str)+1 > 0xffff-attrHeaderLen {
			return fail(fmt.Errorf("string of %d bytes does not fit an attribute", len(str)))
		}
		b := make([]byte, len(str)+1)
		copy(b, str)
		return put(b)
	case KindAddr:
		ad, err := toAddr(v)
		if err != nil {
			return fail(err)
		}
		if ad.Is4() {
			x := ad.As4()
			return put(x[:])
		}
		x := ad.As16()
		return put(x[:])
	case KindBinary, KindHWAddr:
		b, err := toBytes(a.Kind, v)
		if err != nil {
			return fail(err)
		}
		return put(b)
	}
	var buf [8]byte
	b, err := encodeScalar(&buf, a, v)
	if err != nil {
		return fail(err)
	}
	return put(b)
}

// splitHeader takes the field called name out of a nest's value, for a
// nest that starts with a struct. A missing header is an empty one.
func splitHeader(v any, name string) (header, rest any) {
	header = &Tree{}
	switch v := v.(type) {
	case *Tree:
		if v == nil {
			return header, v
		}
		t := &Tree{Type: v.Type, Fields: make([]Field, 0, len(v.Fields))}
		for _, f := range v.Fields {
			if f.Name == name && f.Type == 0 {
				header = f.Value
				continue
			}
			t.Fields = append(t.Fields, f)
		}
		return header, t
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			if k == name {
				header = x
				continue
			}
			m[k] = x
		}
		return header, m
	}
	return header, v
}

// encodeNest writes a nest of wire type typ whose contents fn writes.
func encodeNest(e *Encoder, typ uint16, fn func() error) error {
	e.BeginPlain(typ)
	if err := fn(); err != nil {
		return err
	}
	e.End()
	return nil
}

func (s *Schema) encodeNestValue(e *Encoder, v any, path string) error {
	switch v := v.(type) {
	case *Tree:
		return s.encodeTree(e, v, path)
	case map[string]any:
		return s.encodeMap(e, v, path)
	}
	return &FieldError{path, fmt.Errorf("wants a table, not %T", v)}
}

// valueKey turns a selector sibling's value into a Select key.
func valueKey(a *Attr, v any) (string, error) {
	if a.Kind == KindString {
		s, ok := v.(string)
		if !ok {
			return "", typeError(a.Kind, v)
		}
		return s, nil
	}
	if a.Kind.signed() {
		n, err := toInt64(a, v)
		return strconv.FormatInt(n, 10), err
	}
	n, err := toUint64(a, v)
	return strconv.FormatUint(n, 10), err
}

func typeError(k Kind, v any) error {
	return fmt.Errorf("%s wants %s, not %T", k, kindGoType(k), v)
}

func kindGoType(k Kind) string {
	switch {
	case k.integer():
		return "an integer"
	case k == KindString:
		return "a string"
	case k == KindFlag:
		return "a boolean"
	case k == KindAddr:
		return "an IP address"
	case k == KindHWAddr:
		return "a MAC address"
	}
	return "bytes"
}

func toAddr(v any) (netip.Addr, error) {
	switch v := v.(type) {
	case netip.Addr:
		if v.IsValid() {
			return v, nil
		}
	case string:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return netip.Addr{}, fmt.Errorf("bad IP address %q", v)
		}
		return a, nil
	case net.IP:
		if a, ok := netip.AddrFromSlice(v); ok {
			return a, nil
		}
	case []byte:
		if a, ok := netip.AddrFromSlice(v); ok {
			return a, nil
		}
	default:
		return netip.Addr{}, typeError(KindAddr, v)
	}
	return netip.Addr{}, fmt.Errorf("invalid IP address %v", v)
}

func toBytes(k Kind, v any) ([]byte, error) {
	switch v := v.(type) {
	case []byte:
		return v, nil
	case net.HardwareAddr:
		return v, nil
	case string:
		if k == KindHWAddr {
			hw, err := net.ParseMAC(v)
			if err != nil {
				return nil, fmt.Errorf("bad MAC address %q", v)
			}
			return hw, nil
		}
		return []byte(v), nil
	}
	return nil, typeError(k, v)
}

// encodeScalar encodes an integer kind (the only kinds left) into buf and
// returns the bytes used, so that no allocation is needed.
func encodeScalar(buf *[8]byte, a *Attr, v any) ([]byte, error) {
	k := a.Kind
	if !k.integer() {
		return nil, fmt.Errorf("cannot encode kind %s", k)
	}
	var u uint64
	size := k.size()
	if k.signed() {
		n, err := toInt64(a, v)
		if err != nil {
			return nil, err
		}
		if size == 0 { // sint
			size = 8
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				size = 4
			}
		}
		if bits := size * 8; bits < 64 && (n < -(1<<(bits-1)) || n >= 1<<(bits-1)) {
			return nil, fmt.Errorf("value %d out of range for %s", n, k)
		}
		u = uint64(n)
	} else {
		n, err := toUint64(a, v)
		if err != nil {
			return nil, err
		}
		if size == 0 { // uint
			size = 8
			if n <= math.MaxUint32 {
				size = 4
			}
		}
		if bits := size * 8; bits < 64 && n >= 1<<bits {
			return nil, fmt.Errorf("value %d out of range for %s", n, k)
		}
		u = n
	}
	b := buf[:size]
	switch {
	case k == KindBe16:
		binary.BigEndian.PutUint16(b, uint16(u))
	case k == KindBe32:
		binary.BigEndian.PutUint32(b, uint32(u))
	case k == KindBe64:
		binary.BigEndian.PutUint64(b, u)
	case size == 1:
		b[0] = byte(u)
	case size == 2:
		binary.LittleEndian.PutUint16(b, uint16(u))
	case size == 4:
		binary.LittleEndian.PutUint32(b, uint32(u))
	default:
		binary.LittleEndian.PutUint64(b, u)
	}
	return b, nil
}

// toUint64 converts the value of an unsigned integer attribute.
func toUint64(a *Attr, v any) (uint64, error) {
	switch v := v.(type) {
	case uint64:
		return v, nil
	case uint:
		return uint64(v), nil
	case uint8:
		return uint64(v), nil
	case uint16:
		return uint64(v), nil
	case uint32:
		return uint64(v), nil
	case string:
		return namedValue(a, v)
	case []any, []string:
		return namedFlags(a, v)
	}
	n, err := toInt64(a, v)
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("value %d out of range for %s", n, a.Kind)
	}
	return uint64(n), nil
}

// toInt64 converts the value of a signed integer attribute.
func toInt64(a *Attr, v any) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case int:
		return int64(v), nil
	case int8:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case uint64:
		if v > math.MaxInt64 {
			return 0, fmt.Errorf("value %d out of range for %s", v, a.Kind)
		}
		return int64(v), nil
	case uint, uint8, uint16, uint32:
		u, _ := toUint64(a, v)
		return int64(u), nil
	case float64:
		if v != math.Trunc(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("value %v is not an integer", v)
		}
		if math.Abs(v) > 1<<53 {
			return 0, fmt.Errorf("value %v is beyond the exact integers of a float64 (2^53)", v)
		}
		return int64(v), nil
	case string:
		u, err := namedValue(a, v)
		return int64(u), err
	}
	return 0, typeError(a.Kind, v)
}

// namedValue reads an integer given by name: an Enum name, Flags names
// joined by "|", or a number in Go syntax ("42", "0x2a").
func namedValue(a *Attr, s string) (uint64, error) {
	for val, name := range a.Enum {
		if name == s {
			return val, nil
		}
	}
	if a.Flags != nil && s != "" {
		return namedFlags(a, strings.Split(s, "|"))
	}
	if n, err := strconv.ParseUint(s, 0, 64); err == nil {
		return n, nil
	}
	if n, err := strconv.ParseInt(s, 0, 64); err == nil && a.Kind.signed() {
		return uint64(n), nil
	}
	if a.Enum != nil {
		return 0, fmt.Errorf("unknown name %q (one of %s)", s, strings.Join(sortedNames(a.Enum), ", "))
	}
	return 0, fmt.Errorf("%q is not a number", s)
}

func namedFlags(a *Attr, v any) (uint64, error) {
	var names []string
	switch v := v.(type) {
	case []string:
		names = v
	case []any:
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return 0, fmt.Errorf("flag list holds %T, not a name", x)
			}
			names = append(names, s)
		}
	}
	if a.Flags == nil {
		return 0, typeError(a.Kind, v)
	}
	var u uint64
next:
	for _, n := range names {
		n = strings.TrimSpace(n)
		for bit, name := range a.Flags {
			if name == n {
				u |= bit
				continue next
			}
		}
		if x, err := strconv.ParseUint(n, 0, 64); err == nil {
			u |= x
			continue
		}
		return 0, fmt.Errorf("unknown flag %q (one of %s)", n, strings.Join(sortedNames(a.Flags), ", "))
	}
	return u, nil
}

func sortedNames(m map[uint64]string) []string {
	keys := make([]uint64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = m[k]
	}
	return names
}
