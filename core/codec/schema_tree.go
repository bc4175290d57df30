package codec

import (
	"bytes"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Tree is a decoded nest of attributes (or a decoded struct) as an ordered
// list of named fields, in wire order. Repeated attributes appear as
// repeated fields. The value types are listed with Kind.
type Tree struct {
	// Type is the nla_type (flags included) an entry of a KindNestedArray
	// had on the wire; 0 elsewhere. When encoding, a non-zero Type is
	// written as it is, so a decoded array re-encodes byte for byte.
	Type   uint16
	Fields []Field

	typed bool // Type came off the wire, so even a Type of 0 is kept
}

// Field is one decoded attribute or struct field.
type Field struct {
	// Name is the schema's Name for the attribute, or "attr_N" for an
	// attribute of type N that the schema does not know.
	Name string
	// Type is the full nla_type as on the wire, NLA_F_NESTED and
	// NLA_F_NET_BYTEORDER included (0 for struct fields and for fields
	// built by hand). Encoding keeps its flag bits.
	Type uint16
	// Attr is the schema row the field was decoded with (nil for unknown
	// attributes), so a printer finds its Enum and Flags names.
	Attr  *Attr
	Value any
}

// Raw is an attribute payload kept exactly as it was on the wire: the value
// of an unknown attribute, or of a known one whose payload does not fit its
// kind. It encodes back unchanged.
type Raw []byte

// Get returns the value of the last field called name (the kernel, too,
// takes the last of repeated attributes).
func (t *Tree) Get(name string) (any, bool) {
	if f := t.Field(name); f != nil {
		return f.Value, true
	}
	return nil, false
}

// Field returns the last field called name, or nil.
func (t *Tree) Field(name string) *Field {
	if t == nil {
		return nil
	}
	for i := len(t.Fields) - 1; i >= 0; i-- {
		if t.Fields[i].Name == name {
			return &t.Fields[i]
		}
	}
	return nil
}

// All returns the values of every field called name, in wire order.
func (t *Tree) All(name string) []any {
	if t == nil {
		return nil
	}
	var vs []any
	for i := range t.Fields {
		if t.Fields[i].Name == name {
			vs = append(vs, t.Fields[i].Value)
		}
	}
	return vs
}

// Add appends a field and returns t, for building trees by hand:
//
//	t := new(codec.Tree).Add("ifname", "veth0").Add("mtu", uint64(1500))
func (t *Tree) Add(name string, v any) *Tree {
	t.Fields = append(t.Fields, Field{Name: name, Value: v})
	return t
}

// Map converts the tree into plain values for a binding such as Lua's:
// nests and structs become map[string]any, nested arrays []any of maps,
// and an attribute that repeats, or is declared Multi, a []any of its
// values in wire order. Other values are kept as they are (Raw included).
func (t *Tree) Map() map[string]any {
	if t == nil {
		return nil
	}
	m := make(map[string]any, len(t.Fields))
	for i := range t.Fields {
		f := &t.Fields[i]
		v := plainValue(f.Value)
		old, seen := m[f.Name]
		switch {
		case f.Attr != nil && f.Attr.Multi && f.Attr.Kind != KindNestedArray:
			l, _ := old.([]any)
			m[f.Name] = append(l, v)
		case seen:
			// A repeat of an attribute not declared Multi: keep them all.
			if l, ok := old.(repeated); ok {
				m[f.Name] = append(l, v)
			} else {
				m[f.Name] = repeated{old, v}
			}
		default:
			m[f.Name] = v
		}
	}
	for k, v := range m {
		if l, ok := v.(repeated); ok {
			m[k] = []any(l)
		}
	}
	return m
}

// repeated marks a list Map built from repeats, until it is done.
type repeated []any

func plainValue(v any) any {
	switch v := v.(type) {
	case *Tree:
		return v.Map()
	case []*Tree:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = e.Map()
		}
		return l
	}
	return v
}

// Equal reports whether t and u hold the same fields with the same names,
// wire types and values, in the same order. Field.Attr is not compared.
func (t *Tree) Equal(u *Tree) bool {
	if t == nil || u == nil {
		return t == u
	}
	if t.Type != u.Type || len(t.Fields) != len(u.Fields) {
		return false
	}
	for i := range t.Fields {
		a, b := &t.Fields[i], &u.Fields[i]
		if a.Name != b.Name || a.Type != b.Type || !valueEqual(a.Value, b.Value) {
			return false
		}
	}
	return true
}

func valueEqual(a, b any) bool {
	switch a := a.(type) {
	case []byte:
		b, ok := b.([]byte)
		return ok && bytes.Equal(a, b)
	case Raw:
		b, ok := b.(Raw)
		return ok && bytes.Equal(a, b)
	case net.HardwareAddr:
		b, ok := b.(net.HardwareAddr)
		return ok && bytes.Equal(a, b)
	case *Tree:
		b, ok := b.(*Tree)
		return ok && a.Equal(b)
	case []*Tree:
		b, ok := b.([]*Tree)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !a[i].Equal(b[i]) {
				return false
			}
		}
		return true
	case uint64, int64, string, bool, netip.Addr:
		return a == b
	}
	return false
}

// FieldError is an encoding error about one field, named by its path of
// user-facing names ("linkinfo.data.id"; entries of arrays and repeated
// attributes are numbered from 1, as Lua numbers them).
type FieldError struct {
	Path string
	Err  error
}

// Error reads like "linkinfo.data.id: value 5000 out of range for u16".
func (e *FieldError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func indexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i+1) + "]"
}

// rawName is the field name of an unknown attribute of type t.
func rawName(t uint16) string { return "attr_" + strconv.Itoa(int(t&attrTypeMask)) }

// parseRawName reads the type out of an "attr_N" name.
func parseRawName(name string) (uint16, bool) {
	s, ok := strings.CutPrefix(name, "attr_")
	if !ok || s == "" || len(s) > 5 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if n > int(attrTypeMask) {
		return 0, false
	}
	return uint16(n), true
}

func isRawName(name string) bool {
	_, ok := parseRawName(name)
	return ok
}
