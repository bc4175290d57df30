package bindings

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"slices"
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
	return kindJSON(L, m.plain, v, dst, depth, val)
}

// kindJSON appends the JSON of the record of kind k that *v would be:
// the one JSON writer of both record makers.
func kindJSON[T any](L *lua.LState, k *recordKind, v *T, dst []byte, depth int, val JSONValue) []byte {
	if k.shape.plan == nil {
		// Not shown as a table of fields: ToLua's value.
		return val(dst, ToLua(L, *v), depth)
	}
	r := record{kind: k, val: v}
	return r.appendJSON(nil, dst, depth, val)
}

// jsonAppend says how a plan writes a field's value: the kinds the plan
// appends itself first, then the ones it converts (from jsonLua on), so
// that one comparison tells them apart.
type jsonAppend uint8

const (
	jsonString     jsonAppend = iota // a string kind without text methods
	jsonInt                          // a signed integer kind
	jsonUint                         // an unsigned integer kind
	jsonBool                         // a bool kind
	jsonAddr                         // netip.Addr
	jsonPrefix                       // netip.Prefix
	jsonStringList                   // []string (a route's or link's flags)
	jsonLua                          // converted as get does, then val
	// jsonNilable is jsonLua for a slice, map, pointer or interface,
	// which converts to nil (is left out) when nil: told at once.
	jsonNilable
	// jsonComputed is a field with a Computed function; how its struct
	// field is written when it falls back is the jsonField's own.
	jsonComputed
)

// jsonField is one field of a shape's JSON plan.
type jsonField struct {
	f   *recordField
	key string     // `"name": `
	how jsonAppend // jsonComputed, or own
	// own is how the struct's own field (f.path) is written.
	own jsonAppend
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

// jsonLineDepths is how many depths a shape keeps its fields' lines for.
const jsonLineDepths = 8

// jsonPlan returns s's JSON plan, made on first use.
func (s *recordShape) jsonPlan() []jsonField {
	if s.json != nil {
		return s.json
	}
	plan := make([]jsonField, len(s.fields))
	for i := range s.fields {
		f := &s.fields[i]
		jf := jsonField{f: f, key: string(AppendJSONString(nil, f.name)) + ": ", own: jsonLua}
		// A field's own IsZero decides omitzero, which the appenders
		// do not ask.
		if n := len(f.path); n > 0 && n < maxDepth {
			if fp := f.path[n-1]; !fp.deref && !fp.isZeroer {
				jf.own, jf.omit, jf.size = jsonAppendOf(fp.typ), fp.omit, fp.typ.Size()
			}
			if fp := f.path[n-1]; jf.own == jsonLua && !fp.deref && nilable(fp.typ) {
				jf.own = jsonNilable
			}
			t := s.typ
			for _, fp := range f.path {
				sf := t.Field(fp.index)
				jf.off += sf.Offset
				t = sf.Type
				if fp.embedPtr {
					jf.own = jsonLua
					break
				}
			}
		}
		jf.how = jf.own
		if f.computed != nil {
			jf.how = jsonComputed
		}
		plan[i] = jf
	}
	s.json = plan
	return plan
}

// jsonLine is one field's line at one depth: a comma, the newline and
// indentation of a member and its key, as jsonObject.open writes them;
// and the whole member as last written, for a dump whose objects repeat
// a value (a family, a protocol, a device, an ifindex) to write in one
// copy.
type jsonLine struct {
	open string
	// The value last seen (s for a string field, n for an integer) and,
	// once it came twice in a row, its member: open and the value.
	s      string
	n      uint64
	member string
}

// repeat returns the member cached for x (a string field's value), or
// "" when there is none yet; it caches one when x came twice in a row,
// so a value that changes every object costs nothing (no allocation).
func (l *jsonLine) repeatString(x string) string {
	if x != l.s {
		l.s, l.member = x, ""
		return ""
	}
	if l.member == "" {
		l.member = string(AppendJSONString([]byte(l.open), x))
	}
	return l.member
}

// repeatInt is repeatString for an integer field's value n (its bits),
// which text writes.
func (l *jsonLine) repeatInt(n uint64, text func(dst []byte, n uint64) []byte) string {
	if n != l.n {
		l.n, l.member = n, ""
		return ""
	}
	if l.member == "" {
		l.member = string(text([]byte(l.open), n))
	}
	return l.member
}

// jsonLinesAt returns the lines of s's fields at depth (of the object),
// in plan order; nil past jsonLineDepths. Made on first use.
func (s *recordShape) jsonLinesAt(depth int) []jsonLine {
	if depth >= jsonLineDepths {
		return nil
	}
	if s.jsonLines == nil {
		s.jsonLines = make([][]jsonLine, jsonLineDepths)
	}
	if l := s.jsonLines[depth]; l != nil {
		return l
	}
	plan := s.jsonPlan()
	l := make([]jsonLine, len(plan))
	for i := range plan {
		l[i].open = string(append(AppendJSONIndent([]byte{','}, depth+1), plan[i].key...))
	}
	s.jsonLines[depth] = l
	return l
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
	case stringsType:
		return jsonStringList
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
	shape := r.kind.shape
	plan := shape.jsonPlan()
	o := jsonObject{dst: dst, depth: depth, lines: shape.jsonLinesAt(depth)}
	dropEmpty := shape.spec.DropEmpty
	// base is the struct's address, taken again after anything that may
	// have run other code (val, a computed field's function: they may
	// read another record of a lazy maker, which decodes that one into
	// the same value).
	var base unsafe.Pointer
	for i := range plan {
		jf := &plan[i]
		if t != nil {
			if v := t.RawGetString(jf.f.name); v != lua.LNil {
				o.dst = val(o.open(i, jf), v, depth+1)
				base = nil
				continue
			}
		}
		how := jf.how
		if how >= jsonLua {
			if how == jsonNilable {
				// Left out when nil, told without converting.
				if base == nil {
					base = reflect.ValueOf(r.pointer()).UnsafePointer()
				}
				if *(*unsafe.Pointer)(unsafe.Add(base, jf.off)) == nil {
					continue
				}
			}
			// An append form runs no Lua code: base stays.
			if jf.f.appendComputed != nil && r.appendComputedJSON(&o, i, jf) {
				continue
			}
			if r.appendJSONValue(&o, i, jf, val) {
				base = nil
				continue
			}
			// A computed field that falls back to the struct's own,
			// which the appenders write.
			base = nil
			how = jf.own
		}
		// The field is read where it is, as the type it was planned for.
		if base == nil {
			base = reflect.ValueOf(r.pointer()).UnsafePointer()
		}
		p := unsafe.Add(base, jf.off)
		switch how {
		case jsonString:
			s := *(*string)(p)
			if s == "" && (dropEmpty || jf.omit != omitNever) {
				continue
			}
			if o.lines != nil {
				if m := o.lines[i].repeatString(s); m != "" {
					o.member(m)
					continue
				}
			}
			o.dst = AppendJSONString(o.open(i, jf), s)
		case jsonInt:
			n := loadInt(p, jf.size)
			if n == 0 && jf.omit != omitNever {
				continue
			}
			if o.lines != nil {
				if m := o.lines[i].repeatInt(uint64(n), appendJSONInt); m != "" {
					o.member(m)
					continue
				}
			}
			o.dst = appendJSONInt(o.open(i, jf), uint64(n))
		case jsonUint:
			n := loadUint(p, jf.size)
			if n == 0 && jf.omit != omitNever {
				continue
			}
			if o.lines != nil {
				if m := o.lines[i].repeatInt(n, appendJSONUint); m != "" {
					o.member(m)
					continue
				}
			}
			o.dst = appendJSONUint(o.open(i, jf), n)
		case jsonBool:
			b := *(*bool)(p)
			if !b && jf.omit != omitNever {
				continue
			}
			o.dst = strconv.AppendBool(o.open(i, jf), b)
		case jsonAddr:
			a := *(*netip.Addr)(p)
			switch {
			case a.IsValid():
				o.dst = appendText(o.open(i, jf), a)
			case jf.omit == omitNever && !dropEmpty: // the zero Addr is ""
				o.dst = append(o.open(i, jf), `""`...)
			}
		case jsonStringList:
			ss := *(*[]string)(p)
			if ss == nil || len(ss) == 0 && jf.omit == omitEmpty {
				continue // converts to nil
			}
			if dropEmpty && slices.Contains(ss, "") {
				// DropEmpty leaves holes in the list, which then
				// writes as an object: the Lua path writes that.
				o.dst = val(o.open(i, jf), r.dropEmpty(r.convert(jf.f)), o.depth+1)
				base = nil
				continue
			}
			o.dst = appendJSONStrings(o.open(i, jf), ss, o.depth+1)
		case jsonPrefix:
			x := *(*netip.Prefix)(p)
			switch {
			case x == (netip.Prefix{}) && jf.omit != omitNever:
			case x.IsValid():
				o.dst = appendText(o.open(i, jf), x)
			case !dropEmpty: // an invalid Prefix is ""
				o.dst = append(o.open(i, jf), `""`...)
			}
		}
	}
	return o.close()
}

// appendComputedJSON writes field i (jf) through its append form
// (RecordSpec.AppendComputed) and reports true, or reports false when
// that declines (the value is not a string).
func (r *record) appendComputedJSON(o *jsonObject, i int, jf *jsonField) bool {
	// Written in place; taken back when it is not a string.
	mark, wrote := len(o.dst), o.wrote
	dst := append(o.open(i, jf), '"')
	n := len(dst)
	dst, ok := jf.f.appendComputed(dst, r.pointer())
	switch {
	case !ok:
		o.dst, o.wrote = dst[:mark], wrote
		return false
	case len(dst) == n && r.kind.shape.spec.DropEmpty:
		o.dst, o.wrote = dst[:mark], wrote
	default:
		o.dst = endQuoted(dst, n)
	}
	return true
}

// appendJSONValue writes field i (jf) of the record when the plan writes
// it as a Lua value (a computed field, a type without an appender): its
// append form's text or its value through val, or nothing when the
// value is nil. It reports false when a computed field falls back to the
// struct's own field, which the caller writes.
func (r *record) appendJSONValue(o *jsonObject, i int, jf *jsonField, val JSONValue) bool {
	v, ok := r.jsonLuaValue(jf)
	if !ok {
		return false
	}
	switch x := v.(type) {
	case *lua.LNilType:
	case lua.LString:
		o.dst = AppendJSONString(o.open(i, jf), string(x))
	default:
		o.dst = val(o.open(i, jf), v, o.depth+1)
	}
	return true
}

// appendJSONStrings appends ss at depth as the JSON writer writes the
// list ToLua makes of it, without making the list.
func appendJSONStrings(dst []byte, ss []string, depth int) []byte {
	if len(ss) == 0 {
		return append(dst, "[]"...)
	}
	dst = append(dst, '[')
	for k, s := range ss {
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(AppendJSONIndent(dst, depth+1), s)
	}
	return append(AppendJSONIndent(dst, depth), ']')
}

// appendJSONInt appends signed integer n (its bits) as ToLua's value of
// it renders: a number, or a string past what a Lua number holds exactly.
func appendJSONInt(dst []byte, bits uint64) []byte {
	n := int64(bits)
	if n > MaxExactInt || n < -MaxExactInt {
		return append(strconv.AppendInt(append(dst, '"'), n, 10), '"')
	}
	return strconv.AppendInt(dst, n, 10)
}

// appendJSONUint is appendJSONInt for an unsigned integer.
func appendJSONUint(dst []byte, n uint64) []byte {
	if n > MaxExactInt {
		return append(strconv.AppendUint(append(dst, '"'), n, 10), '"')
	}
	return strconv.AppendUint(dst, n, 10)
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

// jsonObject is an object being written: its output, its depth, its
// shape's lines at that depth (nil past jsonLineDepths) and whether a
// member was written.
type jsonObject struct {
	dst   []byte
	depth int
	lines []jsonLine
	wrote bool
}

// member writes a whole member, m (a jsonLine's): m's comma is the
// brace for the first.
func (o *jsonObject) member(m string) {
	if o.wrote {
		o.dst = append(o.dst, m...)
		return
	}
	o.wrote = true
	o.dst = append(append(o.dst, '{'), m[1:]...)
}

// open starts member i (jf): the brace or a comma, the line, the key;
// the caller appends the value to what it returns.
func (o *jsonObject) open(i int, jf *jsonField) []byte {
	if o.lines != nil {
		l := o.lines[i].open // ",\n    \"key\": "
		if o.wrote {
			return append(o.dst, l...)
		}
		o.wrote = true
		return append(append(o.dst, '{'), l[1:]...)
	}
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
	if jf.own != jsonLua && jf.own != jsonNilable {
		return nil, false
	}
	return r.dropEmpty(r.convert(f)), true
}

// appendText appends x's text (its String, which AppendTo gives for a
// valid netip value) quoted, escaped as AppendJSONString would (a zone
// may hold any byte).
func appendText[T interface{ AppendTo([]byte) []byte }](dst []byte, x T) []byte {
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
