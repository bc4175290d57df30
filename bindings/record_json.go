package bindings

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strconv"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// Records write their JSON themselves: --json prints a dump of 100,000
// routes, and converting each field to a Lua value for a writer that only
// renders it (a string allocated and boxed per field, a reflect walk per
// field, keys rendered and sorted per object) cost more than the dump.
// A shape's JSON plan, made once per shape, has each field's key quoted
// (the fields are sorted already) and, for the field types a dump is
// made of (strings, integers, booleans, netip.Addr and netip.Prefix), an
// appender that renders the Go value as the Lua value ToLua would make of
// it renders; everything else (computed fields, nested tables, text
// marshalers, ...) is converted as a record converts it and handed to the
// writer's rule for Lua values (JSONValue). The bytes are those of
// json.MarshalIndent(FromLua(record), "", "  ") indented at the record's
// depth, as the writer's own path for tables writes them.

// JSONValue appends the JSON of v at depth to dst: the JSON writer's rule
// for any Lua value, which a record's plan uses for what it does not write
// itself. It may write dst out and return a shorter slice (flush), so the
// plan appends only to what it returns.
type JSONValue func(dst []byte, v lua.LValue, depth int) []byte

// jsonIndent is a newline and the indentation of the first few depths.
const jsonIndent = "\n                                "

// AppendJSONIndent appends a newline and the indentation of depth (two
// spaces a level), as json.MarshalIndent(v, "", "  ") starts a line.
func AppendJSONIndent(dst []byte, depth int) []byte {
	if n := 1 + 2*depth; n <= len(jsonIndent) {
		return append(dst, jsonIndent[:n]...)
	}
	dst = append(dst, '\n')
	for range depth {
		dst = append(dst, "  "...)
	}
	return dst
}

// AppendJSONString appends s quoted as encoding/json quotes it; strings
// that need escaping go through encoding/json so the escapes are its own.
func AppendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if jsonEscapes[s[i]] {
			b, _ := json.Marshal(s) // a string never fails
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// jsonEscaped says whether encoding/json writes byte c other than as itself.
func jsonEscaped(c byte) bool { return jsonEscapes[c] }

// jsonEscapes is jsonEscaped by byte.
var jsonEscapes = func() (e [256]bool) {
	for c := range e {
		e[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&'
	}
	return e
}()

// AppendRecordJSON appends the JSON object of record t at depth (the
// object FromLua makes of it, indented) and reports true; for a table
// that is not a record not yet materialised it appends nothing and
// reports false. Fields t holds raw (nested tables a script read) are
// written as they are now.
func AppendRecordJSON(t *lua.LTable, dst []byte, depth int, val JSONValue) ([]byte, bool) {
	r := recordOf(t)
	if r == nil {
		return dst, false
	}
	return r.appendJSON(t, dst, depth, val), true
}

// AppendJSON appends the JSON object of the record of *v at depth (what
// AppendRecordJSON writes for it), without making the record.
func (m *RecordMaker[T]) AppendJSON(L *lua.LState, v *T, dst []byte, depth int, val JSONValue) []byte {
	return kindJSON(L, m.kind, v, dst, depth, val)
}

// AppendJSON is RecordMaker's: v is usually what Load returned.
func (m *LazyRecordMaker[T]) AppendJSON(L *lua.LState, v *T, dst []byte, depth int, val JSONValue) []byte {
	return kindJSON(L, m.kind, v, dst, depth, val)
}

// kindJSON appends the JSON of the record of kind k that *v would be:
// the one JSON writer of both record makers.
func kindJSON[T any](L *lua.LState, k *recordKind, v *T, dst []byte, depth int, val JSONValue) []byte {
	if k.shape.plan == nil {
		// Not shown as a table of fields: ToLua's value.
		return val(dst, ToLua(L, *v), depth)
	}
	r := record{kind: k, ptr: v}
	return r.appendJSON(nil, dst, depth, val)
}

// jsonAppend says how a plan writes a field's value.
type jsonAppend uint8

const (
	jsonLua    jsonAppend = iota // converted as get does, then val
	jsonString                   // a string kind without text methods
	jsonInt                      // a signed integer kind
	jsonUint                     // an unsigned integer kind
	jsonBool                     // a bool kind
	jsonAddr                     // netip.Addr
	jsonPrefix                   // netip.Prefix
	// jsonNilable is jsonLua for a slice, map, pointer or interface,
	// which converts to nil (is left out) when nil: told at once.
	jsonNilable
)

// jsonField is one field of a shape's JSON plan.
type jsonField struct {
	f   *recordField
	key string     // `"name": `
	how jsonAppend // for the struct's own field (f.path), when not computed
	// omit is the field's omission (omitempty, omitzero), for how other
	// than jsonLua.
	omit omission
	// off is where the field is in the struct value, for how other than
	// jsonLua: the sum of the offsets along its path (embedded structs
	// by value only; a path through an embedded pointer is jsonLua).
	off uintptr
	// size is the size of an integer field.
	size uintptr
}

// jsonPlan returns s's JSON plan, made on first use.
func (s *recordShape) jsonPlan() []jsonField {
	if s.json != nil {
		return s.json
	}
	plan := make([]jsonField, len(s.fields))
	for i := range s.fields {
		f := &s.fields[i]
		jf := jsonField{f: f, key: string(AppendJSONString(nil, f.name)) + ": "}
		// A field's own IsZero decides omitzero, which the appenders
		// do not ask.
		if n := len(f.path); n > 0 && n < maxDepth {
			if fp := f.path[n-1]; !fp.deref && !fp.isZeroer {
				jf.how, jf.omit, jf.size = jsonAppendOf(fp.typ), fp.omit, fp.typ.Size()
			}
			if fp := f.path[n-1]; jf.how == jsonLua && !fp.deref && nilable(fp.typ) {
				jf.how = jsonNilable
			}
			t := s.typ
			for _, fp := range f.path {
				sf := t.Field(fp.index)
				jf.off += sf.Offset
				t = sf.Type
				if fp.embedPtr {
					jf.how = jsonLua
					break
				}
			}
		}
		plan[i] = jf
	}
	s.json = plan
	return plan
}

// jsonAppendOf is how a plan writes a field of type t: the types whose
// conversion (build) gives a string, number or bool by t's kind or is
// netip's, written without it; jsonLua for the rest.
func jsonAppendOf(t reflect.Type) jsonAppend {
	switch t {
	case addrType:
		return jsonAddr
	case prefixType:
		return jsonPrefix
	}
	if t.Implements(textMarshalerType) || t.Implements(stringerType) {
		return jsonLua
	}
	switch t.Kind() {
	case reflect.String:
		return jsonString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return jsonInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return jsonUint
	case reflect.Bool:
		return jsonBool
	}
	return jsonLua
}

// nilable says whether values of t convert to nil when they are nil: so
// a slice, map, pointer or interface, each of which is nil when its first
// word is (the data pointer, the map, the pointer, the type).
func nilable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		return true
	}
	return false
}

// appendJSON appends the record's JSON object at depth; t, when given,
// is its table, whose raw fields are written instead of the converted
// ones (as EachField gives them). No fields write "[]", as FromLua makes
// an empty table an empty list.
func (r *record) appendJSON(t *lua.LTable, dst []byte, depth int, val JSONValue) []byte {
	o := jsonObject{dst: dst, depth: depth}
	dropEmpty := r.kind.shape.spec.DropEmpty
	plan := r.kind.shape.jsonPlan()
	// base is the struct's address, taken again after anything that may
	// have run other code (val, a computed field's function: they may
	// read another record of a lazy maker, which decodes that one into
	// the same value).
	var base unsafe.Pointer
	for i := range plan {
		jf := &plan[i]
		f := jf.f
		if t != nil {
			if v := t.RawGetString(f.name); v != lua.LNil {
				o.dst = val(o.open(jf), v, depth+1)
				base = nil
				continue
			}
		}
		if f.appendComputed != nil {
			// Written in place; taken back when it is not a string.
			mark, wrote := len(o.dst), o.wrote
			dst := append(o.open(jf), '"')
			n := len(dst)
			dst, ok := f.appendComputed(dst, r.pointer())
			switch {
			case !ok:
				o.dst, o.wrote = dst[:mark], wrote
			case len(dst) == n && dropEmpty:
				o.dst, o.wrote = dst[:mark], wrote
				continue
			default:
				o.dst = endQuoted(dst, n)
				continue
			}
		}
		if jf.how == jsonNilable && f.computed == nil {
			if base == nil {
				base = reflect.ValueOf(r.pointer()).UnsafePointer()
			}
			if *(*unsafe.Pointer)(unsafe.Add(base, jf.off)) == nil {
				continue
			}
		}
		if f.computed != nil || jf.how == jsonLua || jf.how == jsonNilable {
			base = nil
			if v, ok := r.jsonLuaValue(jf); ok {
				switch x := v.(type) {
				case *lua.LNilType:
				case lua.LString:
					o.dst = AppendJSONString(o.open(jf), string(x))
				default:
					o.dst = val(o.open(jf), v, depth+1)
				}
				continue
			}
		}
		// The field is read where it is, as the type it was planned for.
		if base == nil {
			base = reflect.ValueOf(r.pointer()).UnsafePointer()
		}
		p := unsafe.Add(base, jf.off)
		switch jf.how {
		case jsonString:
			s := *(*string)(p)
			if s == "" && (dropEmpty || jf.omit != omitNever) {
				continue
			}
			o.dst = AppendJSONString(o.open(jf), s)
		case jsonInt:
			n := loadInt(p, jf.size)
			if n == 0 && jf.omit != omitNever {
				continue
			}
			dst := o.open(jf)
			if n > MaxExactInt || n < -MaxExactInt { // a string, as ToLua makes it
				o.dst = append(strconv.AppendInt(append(dst, '"'), n, 10), '"')
			} else {
				o.dst = strconv.AppendInt(dst, n, 10)
			}
		case jsonUint:
			n := loadUint(p, jf.size)
			if n == 0 && jf.omit != omitNever {
				continue
			}
			dst := o.open(jf)
			if n > MaxExactInt {
				o.dst = append(strconv.AppendUint(append(dst, '"'), n, 10), '"')
			} else {
				o.dst = strconv.AppendUint(dst, n, 10)
			}
		case jsonBool:
			b := *(*bool)(p)
			if !b && jf.omit != omitNever {
				continue
			}
			o.dst = strconv.AppendBool(o.open(jf), b)
		case jsonAddr:
			a := *(*netip.Addr)(p)
			switch {
			case a.IsValid():
				o.dst = appendText(o.open(jf), a)
			case jf.omit == omitNever && !dropEmpty: // the zero Addr is ""
				o.dst = append(o.open(jf), `""`...)
			}
		case jsonPrefix:
			x := *(*netip.Prefix)(p)
			switch {
			case x == (netip.Prefix{}) && jf.omit != omitNever:
			case x.IsValid():
				o.dst = appendText(o.open(jf), x)
			case !dropEmpty: // an invalid Prefix is ""
				o.dst = append(o.open(jf), `""`...)
			}
		}
	}
	return o.close()
}

// loadInt reads a signed integer of size bytes at p.
func loadInt(p unsafe.Pointer, size uintptr) int64 {
	switch size {
	case 1:
		return int64(*(*int8)(p))
	case 2:
		return int64(*(*int16)(p))
	case 4:
		return int64(*(*int32)(p))
	}
	return *(*int64)(p)
}

// loadUint reads an unsigned integer of size bytes at p.
func loadUint(p unsafe.Pointer, size uintptr) uint64 {
	switch size {
	case 1:
		return uint64(*(*uint8)(p))
	case 2:
		return uint64(*(*uint16)(p))
	case 4:
		return uint64(*(*uint32)(p))
	}
	return *(*uint64)(p)
}

// jsonObject is an object being written: its output, its depth and
// whether a member was written.
type jsonObject struct {
	dst   []byte
	depth int
	wrote bool
}

// open starts a member: the brace or a comma, the line, the key; the
// caller appends the value to what it returns.
func (o *jsonObject) open(jf *jsonField) []byte {
	if o.wrote {
		o.dst = append(o.dst, ',')
	} else {
		o.dst = append(o.dst, '{')
		o.wrote = true
	}
	o.dst = AppendJSONIndent(o.dst, o.depth+1)
	return append(o.dst, jf.key...)
}

// close ends the object ("[]" for one without members) and returns the
// output.
func (o *jsonObject) close() []byte {
	if !o.wrote {
		return append(o.dst, "[]"...)
	}
	return append(AppendJSONIndent(o.dst, o.depth), '}')
}

// jsonLuaValue is the field's value as a Lua value when the plan writes
// it as one (a computed field, a type without an appender), dropEmpty
// applied, nil when left out; ok false: the plan's appender writes it.
func (r *record) jsonLuaValue(jf *jsonField) (v lua.LValue, ok bool) {
	f := jf.f
	if f.computed != nil {
		if v, ok := f.computed(r.kind.L, r.pointer()); ok {
			return r.dropEmpty(v), true
		}
	}
	if jf.how != jsonLua && jf.how != jsonNilable {
		return nil, false
	}
	return r.dropEmpty(r.convert(f)), true
}

// appendText appends x's text (its String, which AppendTo gives for a
// valid netip value) quoted, escaped as AppendJSONString would (a zone
// may hold any byte).
func appendText(dst []byte, x interface{ AppendTo([]byte) []byte }) []byte {
	dst = append(dst, '"')
	n := len(dst)
	return endQuoted(x.AppendTo(dst), n)
}

// endQuoted ends the string begun by the quote before dst[n]: dst[n:] is
// its text, unescaped; the result is what AppendJSONString(dst[:n-1],
// text) appends.
func endQuoted(dst []byte, n int) []byte {
	for _, c := range dst[n:] {
		if jsonEscaped(c) {
			s := string(dst[n:])
			return AppendJSONString(dst[:n-1], s)
		}
	}
	return append(dst, '"')
}
